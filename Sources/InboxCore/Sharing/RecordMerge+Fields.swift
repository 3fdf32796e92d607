/// Merging one record changed on both sides, field by field.
///
/// - A field changed on one side only takes that side's value.
/// - A field changed on both sides takes the value of the side whose change is later by the
///   record's logical clock, `updated_at`; when the record has none (messages, notes, users,
///   settings), or both sides carry the same time, the side whose whole record's canonical
///   JSON bytes sort higher wins. Both rules look at the two records only, never at which side
///   is "ours", so both merge directions pick the same winner.
/// - Set fields (a contact's tags, phones, emails; a message's cc and seen_by) merge as sets:
///   what either side added is in, what either side removed is out; the winner's order first.
/// - Map fields (a contact's custom fields) merge key by key by the same rules.
/// - Messages: see `mergeDelivery`.
extension RecordMerge {
    static func record(base: JSONObject?, ours: JSONObject, theirs: JSONObject, kind: RecordKind) -> JSONObject {
        let oursWins = wins(ours, over: theirs)
        let winner = oursWins ? ours : theirs, loser = oursWins ? theirs : ours
        var merged = fields(base: base, winner: winner, loser: loser, kind: kind)
        if kind.isMessage { mergeDelivery(base: base, winner: winner, loser: loser, into: &merged) }
        return merged
    }

    /// True when `a`'s change is the later one (see the type's comment).
    static func wins(_ a: JSONObject, over b: JSONObject) -> Bool {
        if let clockA = a["updated_at"]?.stringValue, let clockB = b["updated_at"]?.stringValue, clockA != clockB {
            return clockA > clockB  // ISO-8601 UTC times of one width sort as text
        }
        return JSONWriter.bytes(.object(a)).lexicographicallyPrecedes(JSONWriter.bytes(.object(b))) == false
    }

    private static func fields(base: JSONObject?, winner: JSONObject, loser: JSONObject, kind: RecordKind) -> JSONObject {
        var out = JSONObject()
        var names = winner.pairs.map(\.key)
        for pair in loser.pairs where winner[pair.key] == nil { names.append(pair.key) }
        for name in names {
            let old = base?[name], w = winner[name], l = loser[name]
            let value: JSONValue?
            if w == l || l == old {
                value = w
            } else if w == old {
                value = l
            } else if let caseless = kind.setFields[name], case .array(let wItems)? = w, case .array(let lItems)? = l {
                value = .array(setMerge(base: old.flatMap(items) ?? [], winner: wItems, loser: lItems, caseless: caseless))
            } else if kind.mapFields.contains(name), case .object(let wMap)? = w, case .object(let lMap)? = l {
                value = .object(mapMerge(base: old.flatMap(object), winner: wMap, loser: lMap))
            } else {
                value = w
            }
            if let value { out.append(name, value) }
        }
        return out
    }

    private static func items(_ value: JSONValue) -> [JSONValue]? {
        if case .array(let list) = value { return list }
        return nil
    }

    private static func object(_ value: JSONValue) -> JSONObject? {
        if case .object(let map) = value { return map }
        return nil
    }

    /// 3-way set merge: kept if in the base and on both sides, or added by either side.
    static func setMerge(base: [JSONValue], winner: [JSONValue], loser: [JSONValue], caseless: Bool) -> [JSONValue] {
        func identity(_ v: JSONValue) -> String {
            if caseless, let s = v.stringValue { return s.lowercased() }
            return String(decoding: JSONWriter.bytes(v), as: UTF8.self)
        }
        let inBase = Set(base.map(identity)), inWinner = Set(winner.map(identity)), inLoser = Set(loser.map(identity))
        var seen = Set<String>()
        var out: [JSONValue] = []
        for v in winner + loser {
            let id = identity(v)
            let removed = inBase.contains(id) && (!inWinner.contains(id) || !inLoser.contains(id))
            if removed || seen.contains(id) { continue }
            seen.insert(id)
            out.append(v)
        }
        return out
    }

    /// Key by key: one side's change taken, both sides' changes to one key by the winner;
    /// keys sorted, as the store keeps custom fields.
    static func mapMerge(base: JSONObject?, winner: JSONObject, loser: JSONObject) -> JSONObject {
        var keys = Set(winner.pairs.map(\.key)).union(loser.pairs.map(\.key))
        keys.formUnion(base?.pairs.map(\.key) ?? [])
        var out = JSONObject()
        for key in keys.sorted() {
            let old = base?[key], w = winner[key], l = loser[key]
            let value = (w == l || l == old) ? w : (w == old ? l : w)
            if let value { out.append(key, value) }
        }
        return out
    }
}

// MARK: Messages

extension RecordMerge {
    /// The fields that say what is (or was) delivered: once a flush has handed a message to
    /// delivery, they belong to the delivery host.
    static let deliveryFields = ["state", "text", "at", "scheduled_at", "from", "to", "cc", "template", "attachments",
                                 "attempts", "sending_by", "error", "provider_id", "retry_at"]

    /// How far a state has moved: a message only moves forward. Cancelled beats scheduled; any
    /// state a flush reached beats both; sent beats everything.
    static func rank(_ state: String?) -> Int {
        switch state {
        case "scheduled": return 0
        case "cancelled": return 1
        case "failed", "blocked": return 2
        case "sending": return 3
        case "in-doubt": return 4
        case "sent": return 5
        default: return -1
        }
    }

    static func handedToDelivery(_ message: JSONObject) -> Bool { rank(message["state"]?.stringValue) >= 2 }

    /// A message changed on both sides. If one side's flush handed it to delivery (sending,
    /// sent, failed, in-doubt, blocked) and the other side did not, the delivery side's
    /// delivery fields win as a whole, and if the other side had edited or cancelled it, that
    /// change is recorded as refused in `error` ("... refused: ...") rather than lost. If both
    /// sides flushed it (two delivery hosts), the one further on (more attempts, then the later
    /// state) wins them. Otherwise the state is the further one (cancelled beats scheduled) and
    /// the other fields merge field by field.
    static func mergeDelivery(base: JSONObject?, winner: JSONObject, loser: JSONObject, into merged: inout JSONObject) {
        let wDelivered = handedToDelivery(winner), lDelivered = handedToDelivery(loser)
        let source: JSONObject
        var refused: String?
        if wDelivered != lDelivered || (wDelivered && lDelivered) {
            let (delivered, other) = wDelivered == lDelivered ? furtherOn(winner, loser) : (wDelivered ? (winner, loser) : (loser, winner))
            source = delivered
            if !handedToDelivery(other), let base, deliveryFields.contains(where: { other[$0] != base[$0] }) {
                let what = other["state"]?.stringValue == "cancelled" && base["state"]?.stringValue != "cancelled" ? "a cancel" : "an edit"
                let state = delivered["state"]?.stringValue ?? "handed to delivery"
                refused = "\(what) made on another clone was refused: the delivery host had already \(state == "sending" ? "started sending it" : "handled it (\(state))")"
            }
        } else {
            guard rank(winner["state"]?.stringValue) < rank(loser["state"]?.stringValue) else { return }
            source = JSONObject([("state", loser["state"] ?? .null)])
        }
        var out = JSONObject()
        for pair in merged.pairs {
            if deliveryFields.contains(pair.key), source.pairs.contains(where: { $0.key == pair.key }) {
                out.append(pair.key, source[pair.key]!)
            } else if deliveryFields.contains(pair.key) && source.pairs.count > 1 {
                continue  // absent on the delivery side (retry_at): absent in the result
            } else {
                out.append(pair.key, pair.value)
            }
        }
        for pair in source.pairs where deliveryFields.contains(pair.key) && out[pair.key] == nil { out.append(pair.key, pair.value) }
        if let refused {
            let previous = out["error"]?.stringValue
            let note = previous.map { $0.contains(refused) ? $0 : $0 + "; " + refused } ?? refused
            out.pairs = out.pairs.map { $0.key == "error" ? ("error", .string(note)) : $0 }
        }
        merged = out
    }

    /// Of two messages both handed to delivery: more attempts, then the later state, then the
    /// canonical-bytes rule.
    private static func furtherOn(_ a: JSONObject, _ b: JSONObject) -> (JSONObject, JSONObject) {
        func attempts(_ m: JSONObject) -> Int64 {
            if case .int(let n)? = m["attempts"] { return n }
            return 0
        }
        let attemptsA = attempts(a), attemptsB = attempts(b)
        if attemptsA != attemptsB { return attemptsA > attemptsB ? (a, b) : (b, a) }
        let rankA = rank(a["state"]?.stringValue), rankB = rank(b["state"]?.stringValue)
        if rankA != rankB { return rankA > rankB ? (a, b) : (b, a) }
        return (a, b)  // `a` is already the winner by the general rule
    }
}
