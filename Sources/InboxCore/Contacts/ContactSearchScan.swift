#if canImport(Glibc)
import Glibc
#endif

/// What one `index/contact-search` file gives a search, worked out from its bytes alone, so
/// the files of a search are looked at on every core (reading them stays with the caller, whose
/// session is not shared). Only the `text` of a line is searched (the rest is most of its
/// bytes: the row); a line holding the query is read as the store writes it and, for a listing
/// of rows, confirmed with `ContactQuery` on its row. A line written otherwise is handed back
/// whole, for the strict decoder on the caller's thread to read or reject.
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
    /// not start as the store writes it, holds one of `needles`.
    static func lines(in buffer: UnsafeBufferPointer<UInt8>, holding needles: [ContactSearchNeedle]) -> [Range<Int>] {
        guard let base = buffer.baseAddress else { return [] }
        var lines: [Range<Int>] = []
        var start = 0
        while start < buffer.count {
            let end = memchr(base + start, 0x0A, buffer.count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? buffer.count
            let text = ContactSearchIndex.textRange(in: buffer, line: start..<end) ?? start..<end
            for needle in needles where needle.occurs(in: base, text) {
                lines.append(start..<end)
                break
            }
            start = end + 1
        }
        return lines
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

    /// Whether the bytes at `range` of `base` hold the needle.
    func occurs(in base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        let count = bytes.count
        guard count > 0 else { return true }
        guard range.count >= count else { return false }
        let key = Int32(bytes[anchor])
        // The anchor of a match lies between these two, both included.
        var at = range.lowerBound + anchor
        let last = range.upperBound - count + anchor
        return bytes.withUnsafeBufferPointer { needle in
            while at <= last {
                guard let p = memchr(base + at, key, last - at + 1) else { return false }
                let hit = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + hit - anchor, needle.baseAddress!, count) == 0 { return true }
                at = hit + 1
            }
            return false
        }
    }
}
