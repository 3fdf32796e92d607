/// A record with a sequential id such as `ct42`: a fixed prefix and a number that is handed out
/// once and never reused.
public protocol IdentifiedRecord: StoredRecord {
    var id: String { get }
    /// Told of each record a transaction adds (before: nil) or replaces, so the derived files
    /// that follow this kind of record can be brought up to date at commit.
    static func noteChange(from before: Self?, to after: Self, in tx: Transaction)
}

extension IdentifiedRecord {
    public static func noteChange(from before: Self?, to after: Self, in tx: Transaction) {}
}

/// Records of one kind spread over files of `perShard` ids each (`contacts/0000.jsonl` holds
/// ct1–ct999, `0001.jsonl` ct1000–ct1999, …), sorted by id inside a file. A change rewrites only
/// the shards it touches, so its cost follows what it changes, not the size of the repository.
public struct ShardedTable<R: IdentifiedRecord>: Sendable {
    public let directory: String
    public let prefix: String
    /// What one record is called in messages ("contact").
    public let noun: String
    public let perShard: Int

    public init(directory: String, prefix: String, noun: String, perShard: Int = 1000) {
        self.directory = directory
        self.prefix = prefix
        self.noun = noun
        self.perShard = perShard
    }

    public func number(of id: String) -> Int? { IDPrefix.number(of: id, prefix: prefix) }

    public func id(_ number: Int) -> String { prefix + String(number) }

    public func shardFile(for number: Int) -> String {
        directory + "/" + Timestamp.pad(number / perShard, 4) + ".jsonl"
    }

    /// Shard files present, oldest ids first. Names grow past four digits (`10000.jsonl` holds
    /// ct10000000…), so they are ordered by length before spelling.
    public func shardFiles(in session: Session) throws(InboxError) -> [String] {
        try session.list(directory).filter { $0.hasSuffix(".jsonl") }
            .sorted { ($0.count, $0) < ($1.count, $1) }.map { directory + "/" + $0 }
    }

    public func records(inShard file: String, _ session: Session) throws(InboxError) -> [R] {
        try session.records(file)
    }

    /// The records of one shard with these ids, oldest first, parsing only their lines (a
    /// line that does not start with its id, as the store writes it, is parsed to find out).
    /// A malformed line among those parsed is reported with its own line number. Inside a
    /// transaction the bytes are what it staged, so this reads what the transaction would write.
    public func records(withIDs ids: Set<String>, inShard file: String, _ session: Session) throws(InboxError) -> [R] {
        if session.isParsed(file) { return try session.records(file, as: R.self).filter { ids.contains($0.id) } }
        let path = session.displayPath(file)
        guard let index = try session.lineIndex(file) else {
            guard let bytes = try session.bytes(file) else { return [] }
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

    /// The records with these ids, by id, reading each shard once (a listing's contact names).
    public func records(withIDs ids: Set<String>, in session: Session) throws(InboxError) -> [String: R] {
        var byShard: [String: Set<String>] = [:]
        for id in ids { if let n = number(of: id) { byShard[shardFile(for: n), default: []].insert(id) } }
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
        guard let n = number(of: id) else { return nil }
        return try records(withIDs: [id], inShard: shardFile(for: n), session).first
    }

    public func get(_ id: String, in session: Session) throws(InboxError) -> R? {
        guard let n = number(of: id) else { return nil }
        // By index: `first(where:)` would copy each record it passes over.
        let records = try session.records(shardFile(for: n), as: R.self)
        return records.firstIndex { $0.id == id }.map { records[$0] }
    }

    public func all(in session: Session) throws(InboxError) -> [R] {
        var out: [R] = []
        for file in try shardFiles(in: session) { out += try session.records(file, as: R.self) }
        return out
    }

    /// Calls `body` with records newest (highest id) first, starting below id number `below`,
    /// until it returns false. Reads only the shards it reaches, so `--limit 50` reads one file.
    public func forEachNewestFirst(in session: Session, below: Int = Int.max, _ body: (R) throws(InboxError) -> Bool) throws(InboxError) {
        for file in try shardFiles(in: session).reversed() {
            let name = file.dropFirst(directory.count + 1).dropLast(".jsonl".count)
            // shard * perShard >= below, without multiplying a number taken from a file name.
            if below > 0, let shard = Int(name), shard > (below - 1) / perShard { continue }
            for record in try session.records(file, as: R.self).reversed() where (number(of: record.id) ?? 0) < below {
                guard try body(record) else { return }
            }
        }
    }

    /// Adds or replaces records, rewriting each shard they fall in once. Records in a shard
    /// are sorted by id number, so each is found by binary search (a flush updates thousands
    /// of conversations in one change).
    public func put(_ changed: [R], in tx: Transaction) throws(InboxError) {
        var byShard: [String: [(number: Int, record: R)]] = [:]
        for record in changed {
            guard let n = number(of: record.id) else { continue }
            byShard[shardFile(for: n), default: []].append((n, record))
        }
        for (file, updates) in byShard {
            let shard = try tx.shard(file, as: R.self) { self.number(of: $0.id) ?? 0 }
            for (n, record) in updates {
                var low = 0, high = shard.numbers.count
                while low < high {
                    let mid = (low + high) / 2
                    if shard.numbers[mid] < n { low = mid + 1 } else { high = mid }
                }
                if low < shard.numbers.count && shard.numbers[low] == n && shard.records[low].id == record.id {
                    R.noteChange(from: shard.records[low], to: record, in: tx)
                    shard.records[low] = record
                } else if let i = shard.records.firstIndex(where: { $0.id == record.id }) {
                    // A shard out of order (a hand edit; fsck reports it) still gets no duplicate.
                    R.noteChange(from: shard.records[i], to: record, in: tx)
                    shard.records[i] = record
                } else {
                    R.noteChange(from: nil, to: record, in: tx)
                    shard.records.insert(record, at: low)
                    shard.numbers.insert(n, at: low)
                }
            }
        }
    }

    public func put(_ record: R, in tx: Transaction) throws(InboxError) {
        try put([record], in: tx)
    }

    /// Adds a record under a newly issued id. An id already on disk means the counter fell
    /// behind the data (a hand edit, a restored file): refuse rather than overwrite a record.
    public func insert(_ record: R, in tx: Transaction) throws(InboxError) {
        if try get(record.id, in: tx) != nil {
            throw InboxError.dataProblems("\(tx.displayPath(Sequences.file)): the \(noun) counter is behind the data: \(record.id) already exists (run 'inbox fsck --repair')")
        }
        try put([record], in: tx)
    }

    /// Finds a record by id or by an unambiguous prefix of one: exit 66 when nothing matches,
    /// 64 listing the candidates when several do. A whole id parses only its own line (a task
    /// for ct42 needs ct42, not the thousand contacts of its shard).
    public func resolve(_ input: String, in session: Session) throws(InboxError) -> R {
        let text = input.trimmingWhitespace().lowercased()
        if let record = try lookup(text, in: session) { return record }
        let candidates = IDPrefix.candidates(text, prefix: prefix, last: try Sequences.last(prefix, in: session))
        var found: [R] = []
        for n in candidates {
            if let record = try get(id(n), in: session) { found.append(record) }
        }
        if found.count == 1 { return found[0] }
        if found.count > 1 { throw InboxError.ambiguousID(input: input, candidates: found.map(\.id)) }
        throw InboxError.notFound("no \(noun) '\(input)'")
    }
}

/// Ids that begin with what was typed, for prefix resolution: at most 11, enough to show ten
/// and say there are more. Ids are sequential, so the candidates follow from the last one issued.
public enum IDPrefix {
    /// An id's number has at most 12 digits (ct999999999999). Every number read from input or
    /// from the repository is held to it, so id arithmetic never overflows, and the shard file
    /// an id maps to (number / 1000, or / 100 for messages) has at most 10 digits.
    public static let maxDigits = 12
    public static let maxNumber = 999_999_999_999

    /// The number of an id such as `ct42` (no leading zeros, at most `maxDigits` digits), or nil
    /// when it is not one.
    public static func number(of id: String, prefix: String) -> Int? {
        // By bytes: Character's isNumber looks up Unicode properties, and a flush asks this
        // hundreds of thousands of times.
        let utf8 = id.utf8
        guard utf8.starts(with: prefix.utf8) else { return nil }
        let digits = utf8.dropFirst(prefix.utf8.count)
        guard let first = digits.first, first != UInt8(ascii: "0"), digits.count <= maxDigits else { return nil }
        var number = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return number
    }

    public static func candidates(_ text: String, prefix: String, last: Int) -> [Int] {
        var candidates: [Int] = []
        let digits = text.dropFirst(prefix.count)
        let last = min(last, maxNumber)
        if prefix.hasPrefix(text) {
            candidates = last > 0 ? Array((1...last).prefix(11)) : []
        } else if text.hasPrefix(prefix), digits.count < maxDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let d = Int(digits), d > 0 {
            // d has fewer than 12 digits and low stays within 13, so nothing here can overflow.
            var low = d * 10, width = 10
            while low <= last && candidates.count < 11 {
                candidates += (low...min(low + width - 1, last)).prefix(11 - candidates.count)
                low *= 10
                width *= 10
            }
        }
        return candidates
    }
}
