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

    private var cursor: StoredLineCursor

    static func read(_ line: UnsafeBufferPointer<UInt8>) -> (contact: Contact, spans: Spans)? {
        var reader = ContactLine(bytes: line)
        return reader.contact()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        cursor = StoredLineCursor(bytes)
    }

    private static let id = Array(#"{"id":"#.utf8), first = Array(#","first_name":"#.utf8), last = Array(#","last_name":"#.utf8)
    private static let phones = Array(#","phones":"#.utf8), emails = Array(#","emails":"#.utf8)
    private static let company = Array(#","company":"#.utf8), owner = Array(#","owner":"#.utf8)
    private static let disposition = Array(#","disposition":"#.utf8), tags = Array(#","tags":"#.utf8)
    private static let dnd = Array(#","dnd":"#.utf8), inbound = Array(#","dnd_inbound":"#.utf8), fields = Array(#","fields":"#.utf8)
    private static let handles = Handle.channels.map { (channel: $0, key: Array(#","\#($0.rawValue)":"#.utf8)) }
    private static let created = Array(#","created_at":"#.utf8), updated = Array(#","updated_at":"#.utf8)
    private static let all = Array(#""all""#.utf8)
    private static let yes = Array("true".utf8), no = Array("false".utf8)

    private mutating func contact() -> (contact: Contact, spans: Spans)? {
        guard cursor.take(Self.id), let id = cursor.string(), Contacts.table.ids.isValid(id),
              cursor.take(Self.first), let first = cursor.string(), cursor.take(Self.last), let last = cursor.string() else { return nil }
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: .earliest)
        guard cursor.take(Self.phones), let phones = cursor.strings(), cursor.take(Self.emails), let emails = cursor.strings(),
              cursor.take(Self.company), let company = cursor.optionalString(), cursor.take(Self.owner), let owner = cursor.optionalString(),
              cursor.take(Self.disposition), let disposition = cursor.optionalString(),
              cursor.take(Self.tags), case let tagsStart = cursor.at, let tags = cursor.strings(), case let tagsEnd = cursor.at,
              cursor.take(Self.dnd), let dnd = doNotContact(), cursor.take(Self.inbound), let inbound = bool(),
              cursor.take(Self.fields), let fields = stringMap() else { return nil }
        (c.phones, c.emails, c.company, c.owner, c.disposition, c.tags) = (phones, emails, company, owner, disposition, tags)
        c.dnd = dnd
        c.dnd.inbound = inbound
        c.fields = fields
        for (channel, key) in Self.handles where cursor.take(key) {
            guard let handle = cursor.string(), (try? Handle.normalize(handle, channel: channel)) == handle else { return nil }
            c.handles[channel] = handle
        }
        guard cursor.take(Self.created), let created = time(), cursor.take(Self.updated), case let updatedStart = cursor.at, let updated = time(),
              case let updatedEnd = cursor.at, cursor.take(0x7D), cursor.atEnd else { return nil }
        (c.createdAt, c.updatedAt) = (created, updated)
        return (c, Spans(tags: tagsStart..<tagsEnd, updatedAt: updatedStart..<updatedEnd))
    }

    private mutating func bool() -> Bool? {
        if cursor.take(Self.yes) { return true }
        if cursor.take(Self.no) { return false }
        return nil
    }

    /// A stored time: `Timestamp.parseISO` takes one spelling of each time, the one it writes.
    private mutating func time() -> Timestamp? {
        guard let range = cursor.stringBytes() else { return nil }
        return Timestamp.parseISO(UnsafeBufferPointer(rebasing: cursor.bytes[range]))
    }

    /// `"all"`, or known channels (in any order, as the decoder takes them).
    private mutating func doNotContact() -> DoNotContact? {
        var dnd = DoNotContact()
        if cursor.take(Self.all) {
            dnd.all = true
            return dnd
        }
        guard let channels = cursor.strings(), channels.allSatisfy({ ContactChannel.all.contains($0) }) else { return nil }
        dnd.channels = channels
        return dnd
    }

    /// An object of strings, no key twice (the parser refuses a duplicate key).
    private mutating func stringMap() -> [(key: String, value: String)]? {
        guard cursor.take(0x7B) else { return nil }
        var out: [(key: String, value: String)] = []
        if cursor.take(0x7D) { return out }
        repeat {
            guard let key = cursor.string(), cursor.take(0x3A), let value = cursor.string(), !out.contains(where: { $0.key == key }) else { return nil }
            out.append((key, value))
        } while cursor.take(0x2C)
        return cursor.take(0x7D) ? out : nil
    }
}
