#if canImport(Glibc)
import Glibc
#endif

/// What one `index/contact-search` file gives a search, worked out from its bytes alone. Only
/// the `text` of a line is searched (the rest is most of its bytes: the row); a line holding
/// the query is read as the store writes it and, for a listing of rows, confirmed with
/// `ContactQuery` on its row. A line written otherwise is handed back whole, for the strict
/// decoder to read or reject.
struct ContactSearchScan: Sendable {
    let needles: [ContactSearchNeedle]
    let query: ContactQuery
    let rowsOnly: Bool

    init(_ search: String, rowsOnly: Bool) {
        needles = ContactSearchIndex.needles(for: search).filter { !$0.isEmpty }.map(ContactSearchNeedle.init)
        query = ContactQuery(search)
        self.rowsOnly = rowsOnly
    }

    enum Candidate: Sendable {
        /// A row the query matches: the contact as far as the row knows it.
        case row(Contact)
        /// A contact to read from its shard and confirm there (a listing that needs whole contacts).
        case id(String)
        /// A line the store did not write this way (an escape, another script, an entry without a
        /// row, a hand edit): the strict decoder reads it.
        case line(Range<Int>)
    }

    /// The lines of `bytes` whose text holds the query, oldest first as the file is; rows the
    /// query does not match are left out.
    func candidates(in bytes: [UInt8]) -> [Candidate] {
        bytes.withUnsafeBufferPointer { buffer in
            var out: [Candidate] = []
            for line in Self.lines(in: buffer, holding: needles) {
                let text = UnsafeBufferPointer(rebasing: buffer[line])
                guard let contact = ContactSearchLine.contact(text) else {
                    out.append(.line(line))
                    continue
                }
                if !rowsOnly {
                    out.append(.id(contact.id))
                } else if query.matches(contact) {
                    out.append(.row(contact))
                }
            }
            return out
        }
    }

    /// The lines of `buffer` (without their newline) whose text, or whole line when it does
    /// not start as the store writes it, holds one of `needles`, in file order.
    static func lines(in buffer: UnsafeBufferPointer<UInt8>, holding needles: [ContactSearchNeedle]) -> [Range<Int>] {
        guard needles.count > 1 else { return needles.first.map { $0.lines(in: buffer) } ?? [] }
        var starts = Set<Int>()
        var lines: [Range<Int>] = []
        for needle in needles {
            for line in needle.lines(in: buffer) where starts.insert(line.lowerBound).inserted { lines.append(line) }
        }
        return lines.sorted { $0.lowerBound < $1.lowerBound }
    }
}

/// A query's bytes, looked for by their rarest byte: `memchr` for the first byte of "lovelace"
/// stops at every "l" of every name and email, for its "v" seldom.
struct ContactSearchNeedle: Sendable {
    let bytes: [UInt8]
    /// Where the rarest byte is in `bytes`.
    let anchor: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var anchor = 0
        for (i, byte) in bytes.enumerated() where Self.commonness(byte) < Self.commonness(bytes[anchor]) { anchor = i }
        self.anchor = anchor
    }

    /// Bytes of the searched text from most to least common (separators, email punctuation,
    /// phone digits, then letters as English uses them); any other byte is rarer than these.
    private static let common = Array(" |.@0123456789eaoinrtslcmxphdu".utf8)

    private static func commonness(_ byte: UInt8) -> Int {
        common.firstIndex(of: byte).map { common.count - $0 } ?? 0
    }

    /// The lines of `buffer` (without their newline) whose text, or whole line when it does
    /// not start as the store writes it, holds the needle, in file order. The rarest byte is
    /// looked for through the whole buffer, not line by line: most lines do not hold it, and
    /// those cost nothing but the pass of `memchr` over them.
    func lines(in buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = buffer.baseAddress, !bytes.isEmpty, buffer.count >= bytes.count else { return [] }
        let count = bytes.count, total = buffer.count
        let key = Int32(bytes[anchor])
        var lines: [Range<Int>] = []
        // Where the next line starts, at or before anything not yet looked at.
        var floor = 0
        // The first place a match may start.
        var from = 0
        return bytes.withUnsafeBufferPointer { needle in
            while from <= total - count {
                guard let p = memchr(base + from + anchor, key, total - count - from + 1) else { break }
                let hit = base.distance(to: p.assumingMemoryBound(to: UInt8.self)) - anchor
                guard memcmp(base + hit, needle.baseAddress!, count) == 0 else {
                    from = hit + 1
                    continue
                }
                let start = Self.lineStart(base, floor: floor, before: hit)
                let end = memchr(base + hit, 0x0A, total - hit).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? total
                let text = ContactSearchIndex.textRange(in: buffer, line: start..<end) ?? start..<end
                floor = start
                if hit < text.lowerBound {
                    // Before the text (in the id): the text may still hold it.
                    from = text.lowerBound
                    continue
                }
                // In the text, or after it: the text does not hold it anywhere earlier.
                if hit + count <= text.upperBound { lines.append(start..<end) }
                from = end + 1
                floor = min(end + 1, total)
            }
            return lines
        }
    }

    /// Where the line holding offset `end` starts: just after the last newline before `end`,
    /// not before `floor` (a line start). Eight bytes at a time: a hit is up to a row's length
    /// into its line.
    static func lineStart(_ base: UnsafePointer<UInt8>, floor: Int, before end: Int) -> Int {
        var at = end
        while at - floor >= 8 {
            let x = UnsafeRawPointer(base + at - 8).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            // A byte that was a newline is now zero and gets its top bit set (a borrow may set
            // it in bytes above too, so the bytes are then looked at one by one).
            if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 {
                for i in stride(from: at - 1, through: at - 8, by: -1) where base[i] == 0x0A { return i + 1 }
            }
            at -= 8
        }
        while at > floor {
            if base[at - 1] == 0x0A { return at }
            at -= 1
        }
        return floor
    }
}
