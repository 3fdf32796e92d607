/// Reads a contact line exactly as `Contact.schema.write` writes it, without the generic
/// parser, and says where its tags and its update time lie, so a bulk change can write the
/// changed contact by putting new bytes there (`ContactShardRewrite`) instead of encoding it.
///
/// Taken only: keys in the schema's order with nothing between them, `null` for no company,
/// owner or disposition, handles only when set, every string printable ASCII without an escape,
/// no key twice among the custom fields, and every value one the schema's decoder accepts
/// (a contact id, a stored time, a handle as `Handle.normalize` writes it, `"all"` or known
/// channels). Such a line is the one the schema writes for the contact it gives, byte for byte,
/// and the strict decoder reads the same contact from it. Any other line gives nil and is left
/// to the strict decoder, which decides what it means or says what is wrong with it.
struct ContactLine {
    /// Where the tags array (brackets included) and the update time (quotes included) lie,
    /// counted from the start of the line.
    struct Spans: Sendable {
        var tags: Range<Int>
        var updatedAt: Range<Int>
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0

    static func read(_ line: UnsafeBufferPointer<UInt8>) -> (contact: Contact, spans: Spans)? {
        var reader = ContactLine(bytes: line)
        return reader.contact()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let id = Array(#"{"id":"#.utf8), first = Array(#","first_name":"#.utf8), last = Array(#","last_name":"#.utf8)
    private static let phones = Array(#","phones":"#.utf8), emails = Array(#","emails":"#.utf8)
    private static let company = Array(#","company":"#.utf8), owner = Array(#","owner":"#.utf8)
    private static let disposition = Array(#","disposition":"#.utf8), tags = Array(#","tags":"#.utf8)
    private static let dnd = Array(#","dnd":"#.utf8), inbound = Array(#","dnd_inbound":"#.utf8), fields = Array(#","fields":"#.utf8)
    private static let handles = Handle.channels.map { (channel: $0, key: Array(#","\#($0.rawValue)":"#.utf8)) }
    private static let created = Array(#","created_at":"#.utf8), updated = Array(#","updated_at":"#.utf8)
    private static let null = Array("null".utf8), all = Array(#""all""#.utf8)
    private static let yes = Array("true".utf8), no = Array("false".utf8)

    private mutating func contact() -> (contact: Contact, spans: Spans)? {
        guard take(Self.id), let id = string(), Contacts.table.ids.isValid(id),
              take(Self.first), let first = string(), take(Self.last), let last = string() else { return nil }
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: .earliest)
        guard take(Self.phones), let phones = strings(), take(Self.emails), let emails = strings(),
              take(Self.company), let company = optionalString(), take(Self.owner), let owner = optionalString(),
              take(Self.disposition), let disposition = optionalString(),
              take(Self.tags), case let tagsStart = at, let tags = strings(), case let tagsEnd = at,
              take(Self.dnd), let dnd = doNotContact(), take(Self.inbound), let inbound = bool(),
              take(Self.fields), let fields = stringMap() else { return nil }
        (c.phones, c.emails, c.company, c.owner, c.disposition, c.tags) = (phones, emails, company, owner, disposition, tags)
        c.dnd = dnd
        c.dnd.inbound = inbound
        c.fields = fields
        for (channel, key) in Self.handles where take(key) {
            guard let handle = string(), (try? Handle.normalize(handle, channel: channel)) == handle else { return nil }
            c.handles[channel] = handle
        }
        guard take(Self.created), let created = time(), take(Self.updated), case let updatedStart = at, let updated = time(),
              case let updatedEnd = at, take(0x7D), at == bytes.count else { return nil }
        (c.createdAt, c.updatedAt) = (created, updated)
        return (c, Spans(tags: tagsStart..<tagsEnd, updatedAt: updatedStart..<updatedEnd))
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

    private mutating func bool() -> Bool? {
        if take(Self.yes) { return true }
        if take(Self.no) { return false }
        return nil
    }

    /// A stored time: `Timestamp.parseISO` takes one spelling of each time, the one it writes.
    private mutating func time() -> Timestamp? {
        guard let range = stringBytes() else { return nil }
        return Timestamp.parseISO(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    /// `"all"`, or known channels (in any order, as the decoder takes them).
    private mutating func doNotContact() -> DoNotContact? {
        var dnd = DoNotContact()
        if take(Self.all) {
            dnd.all = true
            return dnd
        }
        guard let channels = strings(), channels.allSatisfy({ ContactChannel.all.contains($0) }) else { return nil }
        dnd.channels = channels
        return dnd
    }

    /// An object of strings, no key twice (the parser refuses a duplicate key).
    private mutating func stringMap() -> [(key: String, value: String)]? {
        guard take(0x7B) else { return nil }
        var out: [(key: String, value: String)] = []
        if take(0x7D) { return out }
        repeat {
            guard let key = string(), take(0x3A), let value = string(), !out.contains(where: { $0.key == key }) else { return nil }
            out.append((key, value))
        } while take(0x2C)
        return take(0x7D) ? out : nil
    }
}
