/// `contact dnd`: turning do-not-contact on or off for channels (or all), for one contact or
/// many, in one change.
public struct DoNotContactChange: Sendable {
    public var on: [String] = []
    public var off: [String] = []
    /// With `on`: block inbound too. With `off`: stop blocking inbound.
    public var inbound = false

    public init() {}

    /// Applies the change; false when the contact already was so.
    func apply(to dnd: inout DoNotContact) -> Bool {
        let before = dnd
        if off.contains("all") {
            dnd = DoNotContact()
        } else if !off.isEmpty {
            if dnd.all {
                dnd.all = false
                dnd.channels = ContactChannel.all
            }
            dnd.channels.removeAll { off.contains($0) }
        }
        if !off.isEmpty && inbound { dnd.inbound = false }
        if on.contains("all") {
            dnd.all = true
            dnd.channels = []
        } else if !dnd.all {
            dnd.channels += on
        }
        dnd = dnd.canonical
        if !on.isEmpty && inbound { dnd.inbound = true }
        if off.isEmpty && on.isEmpty && inbound { dnd.inbound = true }
        return dnd != before
    }
}

/// What a bulk change (tag, dnd) did: the contacts it changed, those that already were so, and
/// with `keepGoing` the ids it skipped, each with the reason.
public struct BulkContactChange {
    public var changed: [Contact] = []
    public var unchanged: [Contact] = []
    public var skipped: [Skipped] = []

    public struct Skipped {
        public var id: String
        public var reason: InboxError
    }
}

extension Contacts {
    /// Applies `change` to each contact named (each once), without writing: those it changed
    /// (stamped `now`, when given) and those that already were so. Bulk tag and dnd share it.
    /// An unknown or ambiguous id fails the whole set, unless `keepGoing` skips it.
    static func preview(_ ids: [String], now: Timestamp?, keepGoing: Bool, in session: Session,
                        _ change: (inout Contact) -> Bool) throws(InboxError) -> BulkContactChange {
        try previewReading(ids, now: now, keepGoing: keepGoing, in: session, change).result
    }

    /// `preview`, also giving the shards it read whole and where in them each changed contact
    /// was found (nil: elsewhere), for the rewrite (`Contacts.put(_:at:shards:in:)`).
    static func previewReading(_ ids: [String], now: Timestamp?, keepGoing: Bool, in session: Session,
                               _ change: (inout Contact) -> Bool) throws(InboxError)
        -> (result: BulkContactChange, found: [ContactShard.Place?], shards: [String: ContactShard]) {
        var result = BulkContactChange()
        var found: [ContactShard.Place?] = []
        // Room for every id: a list of 100,000 contacts grown a doubling at a time copied 30 MB.
        result.changed.reserveCapacity(ids.count)
        found.reserveCapacity(ids.count)
        var seen = Set<String>(minimumCapacity: ids.count)
        // A shard named by many ids is read whole, once: each id is then found by binary
        // search, and the rewrite starts from the same lines, instead of parsing each
        // contact's line for the lookup and the whole shard again for the rewrite. Each id is
        // parsed once, here, for its shard and its key.
        var namer = ContactShardNamer()
        let located = ids.map { ParsedContactShards.Located($0, &namer) }
        var perShard: [String: Int] = [:]
        for place in located { if let place { perShard[place.shard, default: 0] += 1 } }
        let files = perShard.filter { $0.value >= 32 }.keys.sorted().map { table.directory + "/" + $0 + ".jsonl" }
        let shards = try ContactShard.load(files, in: session)
        var parsed = ParsedContactShards(session: session, shards: shards)
        for (id, location) in zip(ids, located) {
            var contact: Contact
            var place: ContactShard.Place?
            do throws(InboxError) {
                if let location, let (record, at) = try parsed.contact(location) { (contact, place) = (record, at) } else { contact = try resolve(id, in: session) }
            } catch {
                guard keepGoing else { throw error }
                switch error {
                case .notFound, .ambiguousID: result.skipped.append(.init(id: id, reason: error))
                default: throw error
                }
                continue
            }
            guard seen.insert(contact.id).inserted else { continue }
            if change(&contact) {
                if let now { contact.updatedAt = now }
                result.changed.append(contact)
                found.append(place)
            } else {
                result.unchanged.append(contact)
            }
        }
        return (result, found, shards)
    }

    public static func previewDoNotContact(_ ids: [String], _ change: DoNotContactChange, now: Timestamp? = nil, keepGoing: Bool = false,
                                           in session: Session) throws(InboxError) -> BulkContactChange {
        try preview(ids, now: now, keepGoing: keepGoing, in: session) { change.apply(to: &$0.dnd) }
    }

    /// Changes do-not-contact for every contact named, rewriting each shard once.
    public static func setDoNotContact(_ ids: [String], _ change: DoNotContactChange, now: Timestamp, keepGoing: Bool = false,
                                       in tx: Transaction) throws(InboxError) -> BulkContactChange {
        let (result, found, shards) = try previewReading(ids, now: now, keepGoing: keepGoing, in: tx) { change.apply(to: &$0.dnd) }
        try put(result.changed, at: found, shards: consume shards, in: tx)
        return result
    }
}

/// Whole ids found in contact shards already parsed (a bulk change preloads the shards it
/// names often): each shard's keys are read once and each id is found by binary search on
/// them, where `resolve` would build a path, a set and ten key parses for each of 100,000 ids.
/// Anything else (a prefix, a merged contact's id, a shard not parsed, an id not there) is
/// left to `Contacts.resolve`, which decides what it means.
struct ParsedContactShards {
    let session: Session
    private var shards: [String: (records: [Contact], keys: [Int])] = [:]
    /// The shard the last id was found in: ids from `contact list -q` come in shard order.
    private var last: (shard: String, records: [Contact], keys: [Int])?

    /// `read`: shards read whole already, whose keys are kept.
    init(session: Session, shards read: [String: ContactShard] = [:]) {
        self.session = session
        for shard in read.values { shards[String(Contacts.table.shardName(shard.file))] = (shard.records, shard.keys) }
    }

    /// A whole id as `resolve` reads it (one as a script writes it needs neither trimming nor
    /// lower-casing), with its key and shard; nil when the input is not a whole contact id.
    struct Located {
        let id: String
        let key: Int
        let shard: String

        init?(_ input: String, _ namer: inout ContactShardNamer) {
            let id = input.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }) ? input : input.trimmingWhitespace().lowercased()
            guard let (key, shard) = namer.place(of: id) else { return nil }
            (self.id, self.key, self.shard) = (id, key, shard)
        }
    }

    mutating func contact(_ location: Located) throws(InboxError) -> (Contact, ContactShard.Place)? {
        let (id, key, shard) = (location.id, location.key, location.shard)
        if last?.shard != shard {
            if shards[shard] == nil {
                let file = Contacts.table.directory + "/" + shard + ".jsonl"
                guard session.isParsed(file) else { return nil }
                let records = try session.records(file, as: Contact.self)
                shards[shard] = (records, records.map { Contacts.table.ids.key(of: $0.id) ?? Int.min })
            }
            let (records, keys) = shards[shard]!
            last = (shard, records, keys)
        }
        let (_, records, keys) = last!
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < records.count && records[low].id == id ? (records[low], ContactShard.Place(shard: shard, line: low)) : nil
    }
}
