/// The 3-way merge of one record file, for `inbox merge-file` (git's merge driver).
///
/// Records are matched by their key (`id`, or `key`/`name`/`prefix` in the files keyed by
/// those). A record changed on one side only takes that side; changed on both, it merges field
/// by field (`RecordMerge.record`). Added on one side: kept. Deleted on one side and changed on
/// the other: the change is kept. The output is sorted the way the store sorts the file and
/// written by `JSONWriter` from the record type's own `json`, so it is byte-for-byte what the
/// store would write, and merging A into B gives the same bytes as B into A.
public enum RecordMerge {
    /// Why a merge cannot be made: a file that is not a record file, or one id naming two
    /// different records (two clones added a record offline with the same sequential id).
    public struct Failure: Error, Sendable {
        public let path: String
        public let line: Int?
        public let reason: String
        public var description: String { path + (line.map { ":\($0)" } ?? "") + ": " + reason }
    }

    /// One side of the merge: its records by key, in file order.
    struct Side {
        var records: [String: JSONObject] = [:]
        var keys: [String] = []
    }

    /// Merges `ours` and `theirs` against `base`. `path` is the file's path in the repository
    /// (git's %P) when known, else the record kind is read from the first record.
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], path: String?,
                             names: (base: String, ours: String, theirs: String)) throws(Failure) -> [UInt8] {
        let kind = try detectKind(path: path, files: [(base, names.base), (ours, names.ours), (theirs, names.theirs)])
        let display = path ?? names.ours
        let b = try parse(base, names.base, kind), o = try parse(ours, names.ours, kind), t = try parse(theirs, names.theirs, kind)
        var merged: [(key: String, record: JSONObject)] = []
        for key in Set(o.keys).union(t.keys).union(b.keys) {
            let old = b.records[key], mine = o.records[key], other = t.records[key]
            let result: JSONObject?
            switch (mine, other) {
            case (nil, nil):
                result = nil
            case (let one?, nil), (nil, let one?):
                // Present on one side only: added there, or deleted on the other. A deletion
                // of a record the other side left as it was stands; one the other side changed
                // keeps the change (no edit is ever lost).
                result = old == nil || one != old ? one : nil
            case (let mine?, let other?):
                if mine == other {
                    result = mine
                } else if old == nil && kind.idPrefix != nil {
                    throw Failure(path: display, line: nil, reason: "\(kind.name) \(key) was added on both sides with different content: two clones issued the same id offline; nothing was merged (rename one side's record by hand, then merge again)")
                } else {
                    result = RecordMerge.record(base: old, ours: mine, theirs: other, kind: kind)
                }
            }
            guard let result else { continue }
            do throws(JSONParseError) {
                merged.append((key, try kind.canonical(.object(result))))
            } catch {
                throw Failure(path: display, line: nil, reason: "\(kind.name) \(key): the merged record is not valid: \(error.reason)")
            }
        }
        merged.sort { kind.sortKey($0.key) < kind.sortKey($1.key) }
        var out: [UInt8] = []
        out.reserveCapacity(ours.count + theirs.count)
        for entry in merged {
            JSONWriter.write(.object(entry.record), into: &out)
            out.append(0x0A)
        }
        return out
    }

    private static func detectKind(path: String?, files: [([UInt8], String)]) throws(Failure) -> RecordKind {
        if let path {
            guard let kind = RecordKind.forPath(path) else {
                throw Failure(path: path, line: nil, reason: "not a record file inbox merges (derived and machine-local files are never committed)")
            }
            return kind
        }
        for (bytes, name) in files where !bytes.isEmpty {
            var firstLine = bytes.prefix { $0 != 0x0A }
            if firstLine.last == 0x0D { firstLine.removeLast() }
            guard case .object(let object)? = try? JSONParser.parse(Array(firstLine)), let kind = RecordKind.forRecord(object) else {
                throw Failure(path: name, line: 1, reason: "not an inbox record (no id, key, name or prefix field of a known kind)")
            }
            return kind
        }
        return RecordKind.setting // all three empty: any kind merges nothing into nothing
    }

    /// Parses one side strictly: every line a record of `kind`, each key once.
    static func parse(_ bytes: [UInt8], _ name: String, _ kind: RecordKind) throws(Failure) -> Side {
        var side = Side()
        do throws(InboxError) {
            try JSONLines.forEachLine(bytes, path: name) { (content, line) throws(InboxError) in
                let object: JSONObject
                do throws(JSONParseError) {
                    let value = try JSONParser.parse(content)
                    _ = try kind.canonical(value)
                    guard case .object(let parsed) = value else { throw JSONParseError("expected an object") }
                    object = parsed
                } catch {
                    throw InboxError.badData(path: name, line: line, reason: "not a valid \(kind.name) record: \(error.reason)")
                }
                guard let key = object[kind.key]?.stringValue else {
                    throw InboxError.badData(path: name, line: line, reason: "no \"\(kind.key)\" field")
                }
                guard side.records[key] == nil else {
                    throw InboxError.badData(path: name, line: line, reason: "\(kind.name) \(key) appears twice")
                }
                side.records[key] = object
                side.keys.append(key)
            }
        } catch {
            if case .badData(let path, let line, let reason) = error { throw Failure(path: path, line: line, reason: reason) }
            throw Failure(path: name, line: nil, reason: error.message)
        }
        return side
    }
}
