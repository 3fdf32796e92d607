/// A record with an id such as `ct42` or `ctk3f9x2m7qa4r` (see `IDSpace`): a fixed prefix and a
/// body that is handed out once and never reused.
public protocol IdentifiedRecord: StoredRecord {
    var id: String { get }
    /// Told of each record a transaction adds (before: nil) or replaces, so the derived files
    /// that follow this kind of record can be brought up to date at commit.
    static func noteChange(from before: Self?, to after: Self, in tx: Transaction)
}

extension IdentifiedRecord {
    public static func noteChange(from before: Self?, to after: Self, in tx: Transaction) {}
}

/// Records of one kind spread over shard files named by `IDSpace.shard(of:)`
/// (`contacts/0000.jsonl` holds ct1–ct999, `contacts/k3.jsonl` the minted ids ctk3…), sorted
/// by id inside a file. A change rewrites only the shards it touches, so its cost follows what
/// it changes, not the size of the repository. The one place that turns an id into a file,
/// finds a record by id or prefix, and adds or replaces one.
public struct ShardedTable<R: IdentifiedRecord>: Sendable {
    public let directory: String
    /// What one record is called in messages ("contact").
    public let noun: String
    public let ids: IDSpace

    public init(directory: String, prefix: String, noun: String, perShard: Int = 1000) {
        self.directory = directory
        self.noun = noun
        self.ids = IDSpace(prefix: prefix, perShard: perShard)
    }

    public var prefix: String { ids.prefix }
    public var perShard: Int { ids.perShard }

    public func number(of id: String) -> Int? { ids.number(of: id) }

    public func id(_ number: Int) -> String { ids.id(number) }

    /// The shard file of a sequential id number (the fixture writes shards whole).
    public func shardFile(for number: Int) -> String {
        directory + "/" + Timestamp.pad(number / perShard, 4) + ".jsonl"
    }

    /// The shard file `id` belongs in; nil when it is not an id of this kind.
    public func shardFile(of id: String) -> String? {
        ids.shard(of: id).map { directory + "/" + $0 + ".jsonl" }
    }

    /// Shard files present, in id order: sequential shards by number (names grow past four
    /// digits, so by length before spelling), then minted ones.
    public func shardFiles(in session: Session) throws(InboxError) -> [String] {
        try session.list(directory).filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }
            .sorted(by: IDSpace.shardOrder).map { directory + "/" + $0 + ".jsonl" }
    }

    public func records(inShard file: String, _ session: Session) throws(InboxError) -> [R] {
        try session.records(file)
    }

    /// The records of one shard with these ids, oldest first, parsing only their lines (a
    /// line that does not start with its id, as the store writes it, is parsed to find out).
    /// A malformed line among those parsed is reported with its own line number. Inside a
    /// transaction the bytes are what it staged, so this reads what the transaction would write.
    public func records(withIDs ids: Set<String>, inShard file: String, _ session: Session) throws(InboxError) -> [R] {
        if session.isParsed(file) { return try parsedRecords(withIDs: ids, in: session.records(file, as: R.self)) }
        let path = session.displayPath(file)
        guard let index = try session.lineIndex(file) else {
            // One id, the first time its shard is asked for: a few pages of the shard. A line
            // that does not parse is looked at again below, which reports it with its number.
            var whole: [UInt8]?
            if ids.count == 1, let id = ids.first {
                switch session.sortedLine(file, id: id, key: self.ids.key(of:)) {
                case .line(let line):
                    if let record = try? JSONLines.decode(line + [0x0A], path: path, as: R.self).first, record.id == id { return [record] }
                case .whole(let bytes):
                    whole = bytes
                case .unsure:
                    break
                }
            }
            if whole == nil { whole = try session.bytes(file) }
            guard let bytes = whole else { return [] }
            var out: [R] = []
            try JSONLines.forEachLine(bytes, path: path) { (line, number) throws(InboxError) in
                if let id = JSONLines.leadingID(line), !ids.contains(id) { return }
                try JSONLines.decodeNumbered(Array(line) + [0x0A], path: path, as: R.self, onProblem: { (_, reason) throws(InboxError) in
                    throw InboxError.badData(path: path, line: number, reason: reason)
                }) { record, _ in
                    if ids.contains(record.id) { out.append(record) }
                }
            }
            return out
        }
        var lines = ids.compactMap { index.byID[$0] } + index.unkeyed
        lines.sort { $0.number < $1.number }
        var out: [R] = []
        for line in lines {
            try JSONLines.decodeNumbered(Array(index.bytes[line.range]) + [0x0A], path: path, as: R.self, onProblem: { (_, reason) throws(InboxError) in
                throw InboxError.badData(path: path, line: line.number, reason: reason)
            }) { record, _ in
                if ids.contains(record.id) { out.append(record) }
            }
        }
        return out
    }

    /// The records with these ids among a parsed shard's, by index (a filter would copy every
    /// record it passes, and a bulk tag looks up ten thousand contacts in shards of a thousand).
    /// A shard is sorted by id, so one id is found by binary search; a shard out of order (a
    /// hand edit, which fsck reports) is still searched whole.
    private func parsedRecords(withIDs wanted: Set<String>, in records: [R]) -> [R] {
        if wanted.count == 1, let id = wanted.first, let key = ids.key(of: id) {
            var low = 0, high = records.count
            while low < high {
                let mid = (low + high) / 2
                if (ids.key(of: records[mid].id) ?? Int.min) < key { low = mid + 1 } else { high = mid }
            }
            if low < records.count && records[low].id == id { return [records[low]] }
        }
        return records.indices.filter { wanted.contains(records[$0].id) }.map { records[$0] }
    }

    /// The ids in one shard (named as `IDSpace.shard(of:)` names it), read without parsing
    /// the records when the lines start with their ids, as the store writes them.
    public func idsInShard(_ shard: String, _ session: Session) throws(InboxError) -> [String] {
        let file = directory + "/" + shard + ".jsonl"
        if session is Transaction || session.isParsed(file) { return try session.records(file, as: R.self).map { $0.id } }
        guard let bytes = try session.bytes(file) else { return [] }
        var out: [String] = []
        let path = session.displayPath(file)
        try JSONLines.forEachLine(bytes, path: path) { (line, number) throws(InboxError) in
            if let id = JSONLines.leadingID(line) { out.append(id); return }
            let record: R = try JSONLines.decode(Array(line) + [0x0A], path: path)[0]
            out.append(record.id)
        }
        return out
    }

    /// The records with these ids, by id, reading each shard once (a listing's contact names).
    public func records(withIDs ids: Set<String>, in session: Session) throws(InboxError) -> [String: R] {
        var byShard: [String: Set<String>] = [:]
        for id in ids { if let file = shardFile(of: id) { byShard[file, default: []].insert(id) } }
        var out: [String: R] = [:]
        for (file, wanted) in byShard {
            for record in try records(withIDs: wanted, inShard: file, session) { out[record.id] = record }
        }
        return out
    }

    /// The record with this id, parsing only its line when its shard has not been parsed yet:
    /// a send needs one contact of the thousand in its shard, and rewrites none of them. (A
    /// command that changes a shard parses all of it first, so it never rewrites a bad line.)
    public func lookup(_ id: String, in session: Session) throws(InboxError) -> R? {
        guard let file = shardFile(of: id) else { return nil }
        return try records(withIDs: [id], inShard: file, session).first
    }

    public func get(_ id: String, in session: Session) throws(InboxError) -> R? {
        guard let file = shardFile(of: id) else { return nil }
        return parsedRecords(withIDs: [id], in: try session.records(file, as: R.self)).first
    }

    public func all(in session: Session) throws(InboxError) -> [R] {
        var out: [R] = []
        for file in try shardFiles(in: session) { out += try session.records(file, as: R.self) }
        return out
    }

    /// Calls `body` with records newest first, after `cursor` (a record listed on the previous
    /// page), until it returns false. Minted ids come after every sequential one (a repository
    /// mints once it is shared) and say nothing of time, so they go newest first by `created`,
    /// id as tie-break, which reads every minted shard; sequential ids go by number and read
    /// only the shards they reach, so `--limit 50` reads one file.
    public func forEachNewestFirst(in session: Session, after cursor: R? = nil, created: (R) -> Int64 = { _ in 0 },
                                   _ body: (R) throws(InboxError) -> Bool) throws(InboxError) {
        let files = try shardFiles(in: session)
        let minted = files.filter { IDSpace.isMintedShard(shardName($0)) }
        let cursorNumber = cursor.flatMap { number(of: $0.id) }
        if cursorNumber == nil && !minted.isEmpty {
            var records: [R] = []
            for file in minted { records += try session.records(file, as: R.self) }
            let keyed = records.map { ((created($0), ids.order($0.id)), $0) }.sorted { $0.0 > $1.0 }
            let mark = cursor.map { (created($0), ids.order($0.id)) }
            for (key, record) in keyed where mark.map({ key < $0 }) ?? true {
                guard try body(record) else { return }
            }
        }
        let below = cursorNumber ?? Int.max
        for file in files.reversed() where !IDSpace.isMintedShard(shardName(file)) {
            // shard * perShard >= below, without multiplying a number taken from a file name.
            if below > 0, let shard = Int(shardName(file)), shard > (below - 1) / perShard { continue }
            for record in try session.records(file, as: R.self).reversed() where (number(of: record.id) ?? 0) < below {
                guard try body(record) else { return }
            }
        }
    }

    /// The shard name of a shard file's path (`contacts/k3.jsonl` → `k3`).
    public func shardName(_ file: String) -> Substring {
        file.dropFirst(directory.count + 1).dropLast(".jsonl".count)
    }

    /// Adds or replaces records, rewriting each shard they fall in once. Records in a shard
    /// are sorted by id (`IDSpace.key`), so each is found by binary search (a flush updates
    /// thousands of conversations in one change).
    public func put(_ changed: [R], in tx: Transaction) throws(InboxError) {
        var byShard: [String: [(key: Int, record: R)]] = [:]
        for record in changed {
            guard let file = shardFile(of: record.id), let key = ids.key(of: record.id) else { continue }
            byShard[file, default: []].append((key, record))
        }
        for (file, updates) in byShard {
            let shard = try tx.shard(file, as: R.self) { self.ids.key(of: $0.id) ?? 0 }
            for (key, record) in updates {
                var low = 0, high = shard.numbers.count
                while low < high {
                    let mid = (low + high) / 2
                    if shard.numbers[mid] < key { low = mid + 1 } else { high = mid }
                }
                if low < shard.numbers.count && shard.numbers[low] == key && shard.records[low].id == record.id {
                    R.noteChange(from: shard.records[low], to: record, in: tx)
                    shard.records[low] = record
                } else if let i = shard.records.firstIndex(where: { $0.id == record.id }) {
                    // A shard out of order (a hand edit; fsck reports it) still gets no duplicate.
                    R.noteChange(from: shard.records[i], to: record, in: tx)
                    shard.records[i] = record
                } else {
                    R.noteChange(from: nil, to: record, in: tx)
                    shard.records.insert(record, at: low)
                    shard.numbers.insert(key, at: low)
                }
            }
        }
    }

    public func put(_ record: R, in tx: Transaction) throws(InboxError) {
        try put([record], in: tx)
    }

    /// An id for a new record: sequential, or minted in a shared clone (`IDSpace.next`).
    public func nextID(in tx: Transaction) throws(InboxError) -> String {
        try ids.next(in: tx) { (id) throws(InboxError) in try get(id, in: tx) != nil }
    }

    /// Adds a record under a newly issued id. An id already on disk means the counter fell
    /// behind the data (a hand edit, a restored file): refuse rather than overwrite a record.
    public func insert(_ record: R, in tx: Transaction) throws(InboxError) {
        if try get(record.id, in: tx) != nil {
            throw InboxError.dataProblems("\(tx.displayPath(Sequences.file)): the \(noun) counter is behind the data: \(record.id) already exists (\(Remedy.runRepair))")
        }
        try put([record], in: tx)
    }

    /// Finds a record by id or by an unambiguous prefix of one: exit 66 when nothing matches,
    /// 64 listing the candidates when several do. A whole id parses only its own line (a task
    /// for ct42 needs ct42, not the thousand contacts of its shard).
    public func resolve(_ input: String, in session: Session) throws(InboxError) -> R {
        try ids.resolve(input, noun: noun, in: session, get: { (id) throws(InboxError) in try lookup(id, in: session) },
                        idsInShard: { (shard) throws(InboxError) in try idsInShard(shard, session) },
                        shards: { () throws(InboxError) in try shardFiles(in: session).map { String(shardName($0)) } })
    }

    /// `id` as people see it (`IDSpace.short`), reading the one shard it is in.
    public func short(_ id: String, in session: Session) throws(InboxError) -> String {
        guard let shard = ids.shard(of: id), ids.mintedBody(of: id) != nil else { return id }
        return ids.short(id, among: try idsInShard(shard, session))
    }
}

/// Records kept in a file of their parent's rather than in id shards (a conversation's thread
/// is `messages/SHARD/ID.jsonl`): in the order they were added, so an upsert appends what is
/// new and replaces what is there in place, rewriting each file once. `note` is told of each
/// change, as `IdentifiedRecord.noteChange` is for a table.
public enum ParentFiles {
    public static func upsert<R: IdentifiedRecord>(_ changed: [R], file: (R) -> String, in tx: Transaction,
                                                   note: (_ before: R?, _ after: R) -> Void) throws(InboxError) {
        var byFile: [String: [R]] = [:]
        for record in changed { byFile[file(record), default: []].append(record) }
        for (path, updates) in byFile {
            var records = try tx.records(path, as: R.self)
            var position: [String: Int] = [:]
            for (i, r) in records.enumerated() { position[r.id] = i }
            for record in updates {
                if let i = position[record.id] {
                    note(records[i], record)
                    records[i] = record
                } else {
                    note(nil, record)
                    position[record.id] = records.count
                    records.append(record)
                }
            }
            tx.stage(path, records: records)
        }
    }
}
