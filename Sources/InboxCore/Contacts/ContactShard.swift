/// A contact shard a bulk change (tag, dnd) reads whole and rewrites: its bytes, its records,
/// and for each record whether its line is exactly as the store writes it (`ContactLine`) and
/// where its tags and update time lie. Tagging 100,000 contacts then neither decodes them
/// through the generic parser nor encodes them again: a line whose contact only took new tags
/// gets them put between its old bytes, and a line nothing changed is copied. A line in any
/// other form is decoded strictly (a damaged one is `PATH:LINE`, as everywhere) and written
/// as the schema writes it, as a rewrite through the table does.
struct ContactShard: Sendable {
    /// Where a contact was found: its shard's name (`IDSpace.shard(of:)`) and its line.
    struct Place {
        let shard: String
        let line: Int
    }

    let file: String
    let bytes: [UInt8]
    let records: [Contact]
    /// Each record's id as `IDSpace.key` orders it, for binary search.
    let keys: [Int]
    /// Each record's line in `bytes` (without its newline), with its spans when it is in
    /// stored form (then it is the schema's encoding of its record, byte for byte).
    let lines: [(range: Range<Int>, spans: ContactLine.Spans?)]

    /// Reads one shard's bytes, every line strictly: the first bad line throws, with its
    /// number, exactly as `JSONLines.decode` would.
    static func read(_ file: String, _ bytes: [UInt8], path: String) throws(InboxError) -> ContactShard {
        var records: [Contact] = []
        var lines: [(range: Range<Int>, spans: ContactLine.Spans?)] = []
        records.reserveCapacity(1000)
        lines.reserveCapacity(1000)
        try bytes.withUnsafeBufferPointer { (buffer) throws(InboxError) in
            let base = buffer.baseAddress
            try JSONLines.forEachLine(bytes, path: path) { (line, number) throws(InboxError) in
                let start = line.baseAddress.map { $0 - base! } ?? 0
                let range = start..<(start + line.count)
                if let (contact, spans) = ContactLine.read(line) {
                    records.append(contact)
                    lines.append((range, spans))
                    return
                }
                try JSONLines.decodeNumbered(Array(line) + [0x0A], path: path, as: Contact.self, onProblem: { (_, reason) throws(InboxError) in
                    throw InboxError.badData(path: path, line: number, reason: reason)
                }) { contact, _ in
                    records.append(contact)
                    lines.append((range, nil))
                }
            }
        }
        let ids = Contacts.table.ids
        return ContactShard(file: file, bytes: bytes, records: records, keys: records.map { ids.key(of: $0.id) ?? Int.min }, lines: lines)
    }

    /// Reads these shard files on every core (as `Session.preload` does) and leaves their
    /// records parsed in the session, so ids are found in them as in preloaded shards. Files
    /// the session has parsed already are left out (a rewrite through the table takes care of
    /// those); a staged one is read as staged. The first damaged file in the order given is reported.
    /// Keyed by shard name.
    static func load(_ files: [String], in session: Session) throws(InboxError) -> [String: ContactShard] {
        var pending: [(file: String, path: String, bytes: [UInt8])] = []
        var seen = Set<String>()
        for file in files where seen.insert(file).inserted && !session.isParsed(file) {
            guard let bytes = try session.bytes(file) else { continue }
            pending.append((file, session.displayPath(file), bytes))
        }
        let read = Parallel.map(pending) { (file, path, bytes) -> Result<ContactShard, InboxError> in
            do throws(InboxError) { return .success(try ContactShard.read(file, bytes, path: path)) } catch { return .failure(error) }
        }
        var out: [String: ContactShard] = [:]
        for result in read {
            switch result {
            case .success(let shard):
                session.remember(shard.records, for: shard.file)
                out[String(Contacts.table.shardName(shard.file))] = shard
            case .failure(let error):
                throw error
            }
        }
        return out
    }

    /// The shard's new bytes with the contacts `changes` names put in place (line → index in
    /// `changed`): what `JSONLines.encode` gives for the records with those replaced.
    func rewritten(_ changes: [(line: Int, change: Int)], of changed: [Contact]) -> [UInt8] {
        // Contacts read in place: an array's element passed on is a copy, all its fields retained.
        changed.withUnsafeBufferPointer { changed in records.withUnsafeBufferPointer { records in rewritten(changes, of: changed, records) } }
    }

    private func rewritten(_ changes: [(line: Int, change: Int)], of changed: UnsafeBufferPointer<Contact>,
                           _ records: UnsafeBufferPointer<Contact>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + changes.count * 16 + 64)
        var next = changes.sorted { $0.line < $1.line }.makeIterator()
        var change = next.next()
        for (i, line) in lines.enumerated() {
            if let (at, index) = change, at == i {
                change = next.next()
                if let spans = line.spans, changed[index].differsOnlyInTagsOrUpdate(from: records[i]) {
                    // The spans are counted from the start of the line.
                    let start = line.range.lowerBound
                    out += bytes[start..<(start + spans.tags.lowerBound)]
                    JSONWriter.write(FieldCodec<[String]>.strings.encode(changed[index].tags), into: &out)
                    out += bytes[(start + spans.tags.upperBound)..<(start + spans.updatedAt.lowerBound)]
                    JSONWriter.writeString(changed[index].updatedAt.iso, into: &out)
                    out += bytes[(start + spans.updatedAt.upperBound)..<line.range.upperBound]
                } else {
                    Contact.schema.write(changed[index], into: &out)
                }
            } else if line.spans != nil {
                out += bytes[line.range]
            } else {
                Contact.schema.write(records[i], into: &out)
            }
            out.append(0x0A)
        }
        return out
    }
}

/// The key and shard name of contact ids, the name made once per shard: a bulk change asks
/// for 100,000 ids, a thousand to a shard and mostly in order, and made a name for each.
struct ContactShardNamer {
    private var last: (number: Int, name: String)?

    /// `IDSpace.key(of:)` and `IDSpace.shard(of:)`; nil when `id` is not a contact id.
    mutating func place(of id: String) -> (key: Int, shard: String)? {
        let ids = Contacts.table.ids
        guard let n = ids.number(of: id) else {
            guard let key = ids.key(of: id), let shard = ids.shard(of: id) else { return nil }
            return (key, shard)
        }
        if let last, last.number == n / ids.perShard { return (n, last.name) }
        guard let name = ids.shard(of: id) else { return nil }
        last = (n / ids.perShard, name)
        return (n, name)
    }
}

extension Contact {
    /// Whether `self` is `old` with other tags or another update time, and nothing else.
    func differsOnlyInTagsOrUpdate(from old: Contact) -> Bool {
        id == old.id && firstName == old.firstName && lastName == old.lastName && phones == old.phones && emails == old.emails
            && company == old.company && owner == old.owner && disposition == old.disposition && dnd == old.dnd
            && fields.count == old.fields.count && zip(fields, old.fields).allSatisfy({ $0.key == $1.key && $0.value == $1.value })
            && handles == old.handles && createdAt == old.createdAt
    }
}

extension Contacts {
    /// Replaces changed contacts, rewriting each shard once: those found in `shards` (read
    /// whole by `ContactShard.load`; `found` says where, as `previewReading` found them) from
    /// their bytes on every core, the rest through the table. Each change is noted for the
    /// derived files as `ShardedTable.put` notes it, but in one entry for all of them
    /// (`Contact.noteChanges`), each compared with its old version beside its shard's rewrite.
    /// A shard is let go once its new bytes are staged, so the old and new bytes of every shard
    /// are not all held at once.
    static func put(_ changed: [Contact], at found: [ContactShard.Place?], shards: consuming [String: ContactShard],
                    in tx: Transaction) throws(InboxError) {
        var byShard: [String: [(line: Int, change: Int)]] = [:]
        var throughTable: [Int] = []
        for (index, place) in found.enumerated() {
            if let place, shards[place.shard] != nil { byShard[place.shard, default: []].append((place.line, index)) } else { throughTable.append(index) }
        }
        let names = byShard.keys.sorted()
        var noted = Contact.NotedChanges()
        // A few shards at a time on every core, as the search index is spliced.
        for batch in stride(from: 0, to: names.count, by: 16).map({ names[$0..<min(names.count, $0 + 16)] }) {
            let work = batch.map { (shards.removeValue(forKey: $0)!, byShard[$0]!) }
            let rewritten = Parallel.map(work) { shard, changes in
                (shard.rewritten(changes, of: changed), Contact.NotedChanges(changes, before: shard.records, of: changed))
            }
            for ((shard, _), (bytes, changes)) in zip(work, rewritten) {
                noted.add(changes)
                tx.stage(shard.file, bytes)
            }
        }
        // Contacts found otherwise (a merged contact's id, a prefix, a shard named by few ids) go
        // through the table, after the shards above are staged: it reads what was staged.
        if !throughTable.isEmpty { try table.put(throughTable.map { changed[$0] }, in: tx) }
        Contact.noteChanges(noted, of: changed, through: throughTable.count, in: tx)
    }
}
