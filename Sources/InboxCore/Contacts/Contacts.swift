/// What `contact add` is given.
public struct ContactDraft: Sendable {
    public var firstName = ""
    public var lastName = ""
    public var phones: [String] = []
    public var emails: [String] = []
    public var company: String?
    public var owner: String?
    public var disposition: String?
    public var tags: [String] = []
    public var fields: [(key: String, value: String)] = []
    /// Instagram, Telegram, Facebook usernames.
    public var handles: [Channel: String] = [:]

    public init() {}
}

/// What `contact edit` changes; nil leaves a field as it is, an empty string clears it.
public struct ContactChanges: Sendable {
    public var firstName: String?
    public var lastName: String?
    public var phones: [String]?
    public var addPhones: [String] = []
    public var removePhones: [String] = []
    public var emails: [String]?
    public var addEmails: [String] = []
    public var removeEmails: [String] = []
    public var company: String?
    public var owner: String?
    public var disposition: String?
    public var setFields: [(key: String, value: String)] = []
    public var removeFields: [String] = []
    /// A handle to set; an empty one removes it.
    public var handles: [Channel: String] = [:]

    public init() {}
}

/// Which contacts `contact list` shows.
public struct ContactFilter: Sendable {
    public var search: String?
    public var tag: String?
    public var dnd: String?
    public var owner: String?
    /// Paging cursor: only contacts older (listed after) this id.
    public var after: String?
    public var limit: Int?

    public init() {}

    public func admits(_ contact: Contact) -> Bool {
        if let search, !contact.matches(search: search) { return false }
        if let tag, !contact.hasTag(tag) { return false }
        if let dnd, !contact.dnd.blocks(dnd) { return false }
        if let owner, contact.owner != owner { return false }
        return true
    }
}

public enum Contacts {
    /// A full name split the way people write it: "Ada Lovelace", "Mary Ann Smith" (first word,
    /// then the rest) or "Lovelace, Ada".
    public static func splitName(_ full: String) -> (first: String, last: String) {
        let name = full.trimmingWhitespace()
        if let comma = name.firstIndex(of: ",") {
            return (String(name[name.index(after: comma)...]).trimmingWhitespace(), String(name[..<comma]).trimmingWhitespace())
        }
        let words = name.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return ("", "") }
        return (String(first), words.dropFirst().joined(separator: " "))
    }

    public static let table = ShardedTable<Contact>(directory: "contacts", prefix: "ct", noun: "contact")

    /// A contact by id or unambiguous prefix. The id of a contact merged into another finds
    /// the one it was merged into, before any prefix is tried (ct7 must not become ct70).
    public static func resolve(_ input: String, in session: Session) throws(InboxError) -> Contact {
        let text = input.trimmingWhitespace().lowercased()
        // Whole ids parse only their own line (a receive or a task names one contact), once:
        // a second read of the shard would index all of its lines.
        if table.ids.isValid(text) {
            if let contact = try table.lookup(text, in: session) { return contact }
            if let into = try ContactMerges.target(of: text, in: session), let kept = try table.lookup(into, in: session) {
                return kept
            }
        }
        return try table.resolve(input, in: session)
    }

    public static func add(_ draft: ContactDraft, allowDuplicate: Bool, now: Timestamp, in tx: Transaction) throws(InboxError) -> Contact {
        let config = try Config.load(tx)
        guard !draft.firstName.isEmpty || !draft.lastName.isEmpty || !draft.phones.isEmpty || !draft.emails.isEmpty else {
            throw InboxError.usage("a contact needs a name, a phone number or an email address")
        }
        var contact = Contact(id: try table.nextID(in: tx), firstName: draft.firstName, lastName: draft.lastName, createdAt: now)
        contact.phones = try unique(draft.phones.map { (p) throws(InboxError) in try PhoneNumber.normalize(p, config: config) })
        contact.emails = try unique(draft.emails.map { (e) throws(InboxError) in try EmailAddress.normalize(e) })
        contact.company = draft.company.flatMap(nonEmpty)
        contact.disposition = draft.disposition.flatMap(nonEmpty)
        if let owner = draft.owner.flatMap(nonEmpty) {
            try Users.requireKnown(owner, in: tx)
            contact.owner = owner
        }
        contact.tags = Tags.merge(contact.tags, adding: draft.tags)
        contact.fields = try CustomFields.apply(draft.fields, removing: [], to: [])
        for (channel, handle) in draft.handles { contact.handles[channel] = try Handle.normalize(handle, channel: channel) }
        if !allowDuplicate { try AddressIndex.refuseDuplicates(of: contact, in: tx) }
        try AddressIndex.update(from: nil, to: contact, in: tx)
        try table.insert(contact, in: tx)
        return contact
    }

    public static func edit(_ id: String, _ changes: ContactChanges, allowDuplicate: Bool, now: Timestamp, in tx: Transaction) throws(InboxError) -> Contact {
        let before = try resolve(id, in: tx)
        let config = try Config.load(tx)
        var contact = before
        func phone(_ p: String) throws(InboxError) -> String { try PhoneNumber.normalize(p, config: config) }
        if let v = changes.firstName { contact.firstName = v.trimmingWhitespace() }
        if let v = changes.lastName { contact.lastName = v.trimmingWhitespace() }
        if let list = changes.phones { contact.phones = try unique(list.map(phone)) }
        contact.phones = try unique(contact.phones + changes.addPhones.map(phone))
        for p in try changes.removePhones.map(phone) {
            guard let i = contact.phones.firstIndex(of: p) else { throw InboxError.notFound("\(contact.id) has no phone \(p)") }
            contact.phones.remove(at: i)
        }
        if let list = changes.emails { contact.emails = try unique(list.map { (e) throws(InboxError) in try EmailAddress.normalize(e) }) }
        contact.emails = try unique(contact.emails + changes.addEmails.map { (e) throws(InboxError) in try EmailAddress.normalize(e) })
        for e in changes.removeEmails {
            let key = EmailAddress.key(e.trimmingWhitespace())
            guard let i = contact.emails.firstIndex(where: { EmailAddress.key($0) == key }) else {
                throw InboxError.notFound("\(contact.id) has no email \(e)")
            }
            contact.emails.remove(at: i)
        }
        if let v = changes.company { contact.company = nonEmpty(v) }
        if let v = changes.disposition { contact.disposition = nonEmpty(v) }
        if let v = changes.owner {
            if let owner = nonEmpty(v) { try Users.requireKnown(owner, in: tx) }
            contact.owner = nonEmpty(v)
        }
        contact.fields = try CustomFields.apply(changes.setFields, removing: changes.removeFields, to: contact.fields)
        for (channel, handle) in changes.handles {
            contact.handles[channel] = handle.trimmingWhitespace().isEmpty ? nil : try Handle.normalize(handle, channel: channel)
        }
        guard !contact.fullName.isEmpty || !contact.phones.isEmpty || !contact.emails.isEmpty else {
            throw InboxError.usage("a contact needs a name, a phone number or an email address")
        }
        guard !contact.sameContent(as: before) else { return before }
        contact.updatedAt = now
        if !allowDuplicate { try AddressIndex.refuseDuplicates(of: contact, in: tx) }
        try AddressIndex.update(from: before, to: contact, in: tx)
        try table.put(contact, in: tx)
        return contact
    }

    /// Contacts newest first, filtered and paged.
    public static func list(_ filter: ContactFilter, in session: Session) throws(InboxError) -> [Contact] {
        try list(filter, rowsOnly: false, in: session)
    }

    /// As `list`, for a listing that shows rows: a search (without a do-not-contact filter,
    /// which a row does not know) takes its contacts from the search index, so they hold only
    /// what `ContactRow` holds (no dnd, custom fields or disposition; updated is created).
    public static func listRows(_ filter: ContactFilter, in session: Session) throws(InboxError) -> [Contact] {
        try list(filter, rowsOnly: filter.dnd == nil, in: session)
    }

    private static func list(_ filter: ContactFilter, rowsOnly: Bool, in session: Session) throws(InboxError) -> [Contact] {
        let cursor = try filter.after.map { (after) throws(InboxError) in try resolve(after, in: session) }
        var out: [Contact] = []
        let limit = filter.limit ?? Int.max
        guard limit > 0 else { return [] }
        if let search = filter.search, !search.trimmingWhitespace().isEmpty {
            // The search hands over only matches: the rest of the filter is left to check.
            var rest = filter
            rest.search = nil
            try searchNewestFirst(search, after: cursor, rowsOnly: rowsOnly, in: session) { (contact) throws(InboxError) -> Bool in
                if rest.admits(contact) { out.append(contact) }
                return out.count < limit
            }
            return out
        }
        try table.forEachNewestFirst(in: session, after: cursor, created: \.createdAt.seconds) { (contact) throws(InboxError) -> Bool in
            if filter.admits(contact) { out.append(contact) }
            return out.count < limit
        }
        return out
    }

    static func unique(_ items: [String]) throws(InboxError) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0.lowercased()).inserted }
    }

    static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingWhitespace()
        return t.isEmpty ? nil : t
    }
}

extension Contact {
    /// Equal apart from timestamps: an edit that changes nothing writes nothing.
    func sameContent(as other: Contact) -> Bool {
        var a = self, b = other
        a.updatedAt = b.updatedAt
        a.createdAt = b.createdAt
        return JSONWriter.bytes(.object(a.json)) == JSONWriter.bytes(.object(b.json))
    }
}

/// Tags compare case-insensitively and keep the spelling they were first written with.
public enum Tags {
    public static func validated(_ text: String) throws(InboxError) -> String {
        let tag = text.trimmingWhitespace()
        guard !tag.isEmpty, tag.count <= 64, !tag.contains(where: { $0 == "," || $0.isNewline }) else {
            throw InboxError.usage("'\(text)' is not a valid tag (1 to 64 characters, no commas or newlines)")
        }
        return tag
    }

    public static func merge(_ tags: [String], adding: [String]) -> [String] {
        var out = tags
        for tag in adding where !out.contains(where: { $0.lowercased() == tag.lowercased() }) {
            out.append(tag)
        }
        return out
    }

    public static func removing(_ tags: [String], _ remove: [String]) -> [String] {
        let gone = Set(remove.map { $0.lowercased() })
        return tags.filter { !gone.contains($0.lowercased()) }
    }
}

public enum CustomFields {
    public static func parse(_ text: String) throws(InboxError) -> (key: String, value: String) {
        guard let eq = text.firstIndex(of: "=") else {
            throw InboxError.usage("\(InputField.customField) takes key=value, not '\(text)'")
        }
        let key = try validatedKey(String(text[..<eq]))
        return (key, String(text[text.index(after: eq)...]))
    }

    public static func validatedKey(_ text: String) throws(InboxError) -> String {
        let key = text.trimmingWhitespace().lowercased()
        guard (1...40).contains(key.count),
              key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) })
        else {
            throw InboxError.usage("'\(text)' is not a valid field name (letters, digits, '_', '-', '.')")
        }
        return key
    }

    /// Sets and removes fields; an empty value removes the field too. Sorted by key.
    static func apply(_ set: [(key: String, value: String)], removing: [String], to fields: [(key: String, value: String)]) throws(InboxError) -> [(key: String, value: String)] {
        var map: [String: String] = [:]
        for f in fields { map[f.key] = f.value }
        for f in set { map[f.key] = f.value.isEmpty ? nil : f.value }
        for k in removing {
            let key = try validatedKey(k)
            guard map.removeValue(forKey: key) != nil else { throw InboxError.notFound("no field '\(key)' to remove") }
        }
        return map.keys.sorted().map { ($0, map[$0]!) }
    }
}
