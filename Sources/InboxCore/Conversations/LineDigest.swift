/// A derived directory as its sources say it should be, for fsck: per file, each line's place
/// and a hash of its bytes rather than the records (a hundred thousand of them at scale). A
/// file matches when its lines, in order, hash as the records encode.
struct LineDigest {
    private var files: [String: [(order: IDOrder, line: UInt64)]] = [:]

    /// Notes that `file` should hold `record`'s line, at `order` among its lines.
    mutating func add<R: StoredRecord>(_ record: R, to file: String, at order: IDOrder) {
        add(line: LineDigest.hash(JSONLines.encode([record])[...]), to: file, at: order)
    }

    /// `line`: the hash of the record's line, newline included.
    mutating func add(line: UInt64, to file: String, at order: IDOrder) {
        files[file, default: []].append((order, line))
    }

    var paths: Dictionary<String, [(order: IDOrder, line: UInt64)]>.Keys { files.keys }

    /// The hashes of the lines `file` should hold, in order.
    func wanted(_ file: String) -> [UInt64] {
        (files[file] ?? []).sorted { ($0.order, $0.line) < ($1.order, $1.line) }.map(\.line)
    }

    /// Whether `bytes` are the lines `file` should hold.
    func matches(_ file: String, _ bytes: [UInt8]) -> Bool { LineDigest.lines(bytes) == wanted(file) }

    /// The files of `directory` that differ, and those missing, in path order.
    func differences(_ directory: String, in session: Session) throws(InboxError) -> [String] {
        var out: [String] = []
        let present = Set(try session.list(directory).map { directory + "/" + $0 })
        for path in present.union(files.keys).sorted() where !matches(path, try session.bytes(path) ?? []) { out.append(path) }
        return out
    }

    /// The hash of each line, newline included; a last line without one is hashed as it is,
    /// so it matches no record's line.
    static func lines(_ bytes: [UInt8]) -> [UInt64] {
        var out: [UInt64] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            end = min(end + 1, bytes.count)
            out.append(hash(bytes[start..<end]))
            start = end
        }
        return out
    }

    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return WordIndexDigest.mix(h ^ UInt64(bytes.count))
    }
}
