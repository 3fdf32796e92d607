/// Reads a contact-search line as `ContactSearchEntry.schema.write` writes it, without the
/// generic parser: a search at 100,000 contacts reads 5,000 of these lines, and parsing them
/// into values and then through the schema took a third of its time. Every string must be
/// printable ASCII without escapes; any other line (an escape, a name in another script, an
/// entry without a row, a hand edit) gives nil and is left to the schema's decoder, so what a
/// line means is still decided there.
struct ContactSearchLine {
    private var cursor: StoredLineCursor

    static func entry(_ line: UnsafeBufferPointer<UInt8>) -> ContactSearchEntry? {
        var reader = ContactSearchLine(bytes: line)
        guard let (contact, text) = reader.read(keepingText: true), let text else { return nil }
        return ContactSearchEntry(id: contact.id, text: text, row: ContactRow(contact))
    }

    /// The contact as far as the line's row knows it (what `entry` gives, as
    /// `ContactRow.contact` makes it), without making the text, the entry or its row: a search
    /// reads 5,000 of these.
    static func contact(_ line: UnsafeBufferPointer<UInt8>) -> Contact? {
        var reader = ContactSearchLine(bytes: line)
        return reader.read(keepingText: false)?.contact
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        cursor = StoredLineCursor(bytes)
    }

    /// The fixed parts of a line, in its order: written from here by `line(for:into:)` and
    /// taken by the reader as the byte arrays below.
    private enum Part {
        static let id: StaticString = #"{"id":"#, text: StaticString = #","text":"#
        static let first: StaticString = #","row":{"first_name":"#, last: StaticString = #","last_name":"#
        static let phones: StaticString = #","phones":"#, emails: StaticString = #","emails":"#
        static let company: StaticString = #","company":"#, owner: StaticString = #","owner":"#
        static let tags: StaticString = #","tags":"#, created: StaticString = #","created_at":"#, end: StaticString = "}}"
    }

    private static func bytes(_ part: StaticString) -> [UInt8] { part.withUTF8Buffer { Array($0) } }

    static let id = bytes(Part.id), text = bytes(Part.text), first = bytes(Part.first), last = bytes(Part.last)
    static let phones = bytes(Part.phones), emails = bytes(Part.emails), company = bytes(Part.company), owner = bytes(Part.owner)
    static let tags = bytes(Part.tags), created = bytes(Part.created), end = bytes(Part.end)
    static let handles = Handle.channels.map { (channel: $0, key: Array(#","\#($0.rawValue)":"#.utf8)) }

    /// The line's id and row as a contact, and its text when asked for (else only checked to
    /// be written as the others are).
    private mutating func read(keepingText: Bool) -> (contact: Contact, text: String?)? {
        guard cursor.take(Self.id), let id = cursor.string(), cursor.take(Self.text) else { return nil }
        var text: String?
        if keepingText {
            guard let kept = cursor.string() else { return nil }
            text = kept
        } else {
            guard cursor.stringBytes() != nil else { return nil }
        }
        guard cursor.take(Self.first), let first = cursor.string(), cursor.take(Self.last), let last = cursor.string(),
              cursor.take(Self.phones), let phones = cursor.strings(), cursor.take(Self.emails), let emails = cursor.strings(),
              cursor.take(Self.company), let company = cursor.optionalString(), cursor.take(Self.owner), let owner = cursor.optionalString(),
              cursor.take(Self.tags), let tags = cursor.strings() else { return nil }
        var handles: [Channel: String] = [:]
        for (channel, key) in Self.handles where cursor.take(key) {
            guard let handle = cursor.string() else { return nil }
            handles[channel] = handle
        }
        guard cursor.take(Self.created), let created = cursor.stringBytes(), let time = Timestamp.parseISO(UnsafeBufferPointer(rebasing: cursor.bytes[created])),
              cursor.take(Self.end), cursor.atEnd else { return nil }
        var contact = Contact(id: id, firstName: first, lastName: last, createdAt: time)
        (contact.phones, contact.emails, contact.company, contact.owner, contact.tags, contact.handles) = (phones, emails, company, owner, tags, handles)
        return (contact, text)
    }

}

extension ContactSearchLine {
    /// The line `ContactSearchEntry.schema.write` writes for `contact`'s entry, newline
    /// included, written field by field without building the entry and its row (a bulk tag
    /// writes 100,000 of them, and the handles went through key paths). Its fixed parts are
    /// static strings: appending the arrays above retained and released each, which the two
    /// cores writing at once did on the same counters (a fifth of the time).
    static func line(for contact: Contact, into out: inout [UInt8]) {
        put(Part.id, &out)
        JSONWriter.writeString(contact.id, into: &out)
        put(Part.text, &out)
        if !plainText(of: contact, into: &out) { JSONWriter.writeString(ContactSearchEntry.text(of: contact), into: &out) }
        put(Part.first, &out)
        JSONWriter.writeString(contact.firstName, into: &out)
        put(Part.last, &out)
        JSONWriter.writeString(contact.lastName, into: &out)
        put(Part.phones, &out)
        strings(contact.phones, into: &out)
        put(Part.emails, &out)
        strings(contact.emails, into: &out)
        put(Part.company, &out)
        optional(contact.company, into: &out)
        put(Part.owner, &out)
        optional(contact.owner, into: &out)
        put(Part.tags, &out)
        strings(contact.tags, into: &out)
        if !contact.handles.isEmpty {
            for (channel, key) in handles {
                guard let handle = contact.handles[channel] else { continue }
                out += key
                JSONWriter.writeString(handle, into: &out)
            }
        }
        put(Part.created, &out)
        JSONWriter.writeString(contact.createdAt.iso, into: &out)
        put(Part.end, &out)
        out.append(0x0A)
    }

    private static func put(_ literal: StaticString, _ out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// `ContactSearchEntry.text(of:)` written as a JSON string, quotes included, without making
    /// it, when every string it is made of is printable ASCII needing no escape (phones: any
    /// ASCII, only their digits are kept): lower-casing is then per byte, as `lowercased()` is
    /// for ASCII. False, with nothing written, otherwise. Each string is copied, then checked and
    /// lower-cased in place: appending byte by byte checked the array's room and owner each time.
    static func plainText(of c: Contact, into out: inout [UInt8]) -> Bool {
        let mark = out.count
        var plain = true
        // Copies `s` lower-cased, noting when it is not plain.
        func lower(_ s: String) {
            let from = out.count
            out += s.utf8
            out.withUnsafeMutableBufferPointer { buffer in
                for i in from..<buffer.count {
                    let b = buffer[i]
                    if b < 0x20 || b >= 0x7F || b == 0x22 || b == 0x5C { plain = false }
                    if b >= 0x41 && b <= 0x5A { buffer[i] = b | 0x20 }
                }
            }
        }
        out.append(0x22)
        if c.firstName.isEmpty {
            lower(c.lastName)
        } else if c.lastName.isEmpty {
            lower(c.firstName)
        } else {
            lower(c.firstName)
            out.append(0x20)
            lower(c.lastName)
        }
        for email in c.emails {
            put(" | ", &out)
            lower(email)
        }
        for phone in c.phones {
            guard phone.utf8.allSatisfy({ $0 < 0x80 }) else { plain = false; break }
            put(" | ", &out)
            for b in phone.utf8 where b >= 0x30 && b <= 0x39 { out.append(b) }
        }
        if !c.handles.isEmpty {
            for channel in Handle.channels {
                guard let handle = c.handles[channel] else { continue }
                put(" | ", &out)
                // Stored as written (handles are lower case already); only checked here.
                let from = out.count
                out += handle.utf8
                if out[from...].contains(where: { $0 < 0x20 || $0 >= 0x7F || $0 == 0x22 || $0 == 0x5C }) { plain = false }
            }
        }
        guard plain else {
            out.removeSubrange(mark...)
            return false
        }
        out.append(0x22)
        return true
    }

    private static func strings(_ list: [String], into out: inout [UInt8]) {
        out.append(0x5B)
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONWriter.writeString(s, into: &out)
        }
        out.append(0x5D)
    }

    private static func optional(_ value: String?, into out: inout [UInt8]) {
        if let value { JSONWriter.writeString(value, into: &out) } else { put("null", &out) }
    }
}
