#if canImport(Glibc)
import Glibc
#endif

/// A derived file of sorted lines changed as bytes. A flush of 10,000 sends moves 10,000 rows
/// among the activity index's hundred thousand and replaces 10,000 response records of a
/// hundred thousand; decoding and re-encoding every row it leaves as it was cost more than
/// the change. Here only the lines that change are touched: the others are kept byte for byte.
///
/// `key` reads a line's sort key from its bytes as the store writes them. A line it cannot
/// read that way, or a file not in order, makes `lines` give up (nil), and the caller takes
/// the decoding path, which reports a damaged line as it always has.
struct SortedLines<Key: Comparable> {
    struct Line {
        let key: Key
        let range: Range<Int>
        /// 1-based, for a message naming the line.
        let number: Int
    }

    let bytes: [UInt8]
    let lines: [Line]

    /// The lines of `bytes` with their keys; nil when a line is not as the store writes it (no
    /// key, blank, not ended by a newline) or the lines are not in key order.
    init?(_ bytes: [UInt8], key: (UnsafeBufferPointer<UInt8>) -> Key?) {
        var lines: [Line] = []
        let sound = bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var start = 0
            while start < buffer.count {
                guard let found = memchr(base + start, 0x0A, buffer.count - start) else { return false }
                let end = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                guard let k = key(UnsafeBufferPointer(rebasing: buffer[start..<end])) else { return false }
                if let last = lines.last, !(last.key < k) { return false }
                lines.append(Line(key: k, range: start..<end, number: lines.count + 1))
                start = end + 1
            }
            return true
        }
        guard sound else { return nil }
        self.bytes = bytes
        self.lines = lines
    }

    /// The file with the lines `dropping` says go removed and `adding` (keys with their encoded
    /// lines, no newline) merged in by key.
    func spliced(dropping: (Line) -> Bool, adding: [(key: Key, line: [UInt8])]) -> [UInt8] {
        let added = adding.sorted { $0.key < $1.key }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + added.reduce(0) { $0 + $1.line.count + 1 })
        var next = 0
        for line in lines where !dropping(line) {
            while next < added.count && added[next].key < line.key {
                out += added[next].line
                out.append(0x0A)
                next += 1
            }
            out += bytes[line.range]
            out.append(0x0A)
        }
        for rest in added[next...] {
            out += rest.line
            out.append(0x0A)
        }
        return out
    }

    /// The bytes of one line, newline included, as `JSONLines.decode` takes them.
    func text(of line: Line) -> [UInt8] {
        Array(bytes[line.range]) + [0x0A]
    }
}

/// Finding a field in a derived line from its bytes (the rest is `StoredLineCursor`).
enum LineFields {
    /// Where `pattern` first occurs in `line` from `offset`, or nil.
    static func find(_ pattern: [UInt8], in line: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int? {
        guard let first = pattern.first, line.count >= offset + pattern.count else { return nil }
        var at = offset
        while at + pattern.count <= line.count {
            guard let base = line.baseAddress, let hit = memchr(base + at, Int32(first), line.count - pattern.count + 1 - at) else { return nil }
            at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
            if (1..<pattern.count).allSatisfy({ line[at + $0] == pattern[$0] }) { return at }
            at += 1
        }
        return nil
    }
}
