/// Reads a contact-search line as `ContactSearchEntry.schema.write` writes it, without the
/// generic parser: a search at 100,000 contacts reads 5,000 of these lines, and parsing them
/// into values and then through the schema took a third of its time. Every string must be
/// printable ASCII without escapes; any other line (an escape, a name in another script, an
/// entry without a row, a hand edit) gives nil and is left to the schema's decoder, so what a
/// line means is still decided there.
struct ContactSearchLine {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    /// Where the row's tags array lies in the line, brackets included, once `entry()` read it.
    private var tags: Range<Int>?

    static func entry(_ line: UnsafeBufferPointer<UInt8>) -> ContactSearchEntry? {
        var reader = ContactSearchLine(bytes: line)
        return reader.entry()
    }

    /// The entry and where its tags array lies, for a line this reader takes. Such a line is
    /// exactly what the schema writes for that entry (strings needing no escape are written
    /// as they are, a timestamp has one stored form, keys come in the schema's order), so
    /// putting other tags between those bytes gives the line the schema would write for them.
    static func entryWithTags(_ line: UnsafeBufferPointer<UInt8>) -> (entry: ContactSearchEntry, tags: Range<Int>)? {
        var reader = ContactSearchLine(bytes: line)
        guard let entry = reader.entry(), let tags = reader.tags else { return nil }
        return (entry, tags)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let id = Array(#"{"id":"#.utf8), text = Array(#","text":"#.utf8)
    private static let first = Array(#","row":{"first_name":"#.utf8), last = Array(#","last_name":"#.utf8)
    private static let phones = Array(#","phones":"#.utf8), emails = Array(#","emails":"#.utf8)
    private static let company = Array(#","company":"#.utf8), owner = Array(#","owner":"#.utf8), tags = Array(#","tags":"#.utf8)
    private static let handles = Handle.channels.map { (channel: $0, key: Array(#","\#($0.rawValue)":"#.utf8)) }
    private static let created = Array(#","created_at":"#.utf8), end = Array("}}".utf8), null = Array("null".utf8)

    private mutating func entry() -> ContactSearchEntry? {
        var row = ContactRow()
        guard take(Self.id), let id = string(), take(Self.text), let text = string(),
              take(Self.first), let first = string(), take(Self.last), let last = string(),
              take(Self.phones), let phones = strings(), take(Self.emails), let emails = strings(),
              take(Self.company), let company = optionalString(), take(Self.owner), let owner = optionalString(),
              take(Self.tags), case let tagsStart = at, let tags = strings() else { return nil }
        self.tags = tagsStart..<at
        (row.firstName, row.lastName, row.phones, row.emails, row.company, row.owner, row.tags) = (first, last, phones, emails, company, owner, tags)
        for (channel, key) in Self.handles where take(key) {
            guard let handle = string() else { return nil }
            row.handles[channel] = handle
        }
        guard take(Self.created), let created = stringBytes(), let time = Timestamp.parseISO(UnsafeBufferPointer(rebasing: bytes[created])),
              take(Self.end), at == bytes.count else { return nil }
        row.createdAt = time
        return ContactSearchEntry(id: id, text: text, row: row)
    }

    /// Steps over `literal` when the bytes at hand are it.
    private mutating func take(_ literal: [UInt8]) -> Bool {
        guard bytes.count - at >= literal.count else { return false }
        for (i, byte) in literal.enumerated() where bytes[at + i] != byte { return false }
        at += literal.count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// A string's bytes, inside its quotes, when they are all printable ASCII and not escapes.
    private mutating func stringBytes() -> Range<Int>? {
        guard at < bytes.count, bytes[at] == 0x22 else { return nil }
        var end = at + 1
        while end < bytes.count && bytes[end] != 0x22 {
            guard bytes[end] != 0x5C, bytes[end] >= 0x20, bytes[end] < 0x7F else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        defer { at = end + 1 }
        return (at + 1)..<end
    }

    private mutating func string() -> String? {
        stringBytes().map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    private mutating func optionalString() -> String?? {
        if take(Self.null) { return .some(nil) }
        return string().map { .some($0) }
    }

    private mutating func strings() -> [String]? {
        guard take(0x5B) else { return nil }
        var out: [String] = []
        if take(0x5D) { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while take(0x2C)
        return take(0x5D) ? out : nil
    }
}
