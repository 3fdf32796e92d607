/// A person the business talks to.
public struct Contact: IdentifiedRecord, Sendable {
    public var id: String
    public var firstName: String
    public var lastName: String
    public var phones: [String]
    public var emails: [String]
    public var company: String?
    public var owner: String?
    public var disposition: String?
    /// Case-insensitive, kept as first written.
    public var tags: [String]
    public var dnd: DoNotContact
    /// Custom fields, sorted by key.
    public var fields: [(key: String, value: String)]
    /// Instagram, Telegram and Facebook usernames, without the @, lower case; stored only when set.
    public var handles: [Channel: String] = [:]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, firstName: String, lastName: String, createdAt: Timestamp) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.phones = []
        self.emails = []
        self.tags = []
        self.dnd = DoNotContact()
        self.fields = []
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public static let schema = RecordSchema(blank: Contact(id: "", firstName: "", lastName: "", createdAt: .earliest), [
        .field("id", \.id, .string),
        .field("first_name", \.firstName, .string),
        .field("last_name", \.lastName, .string),
        .field("phones", \.phones, .strings),
        .field("emails", \.emails, .strings),
        .optional("company", \.company, .string),
        .optional("owner", \.owner, .string),
        .optional("disposition", \.disposition, .string),
        .field("tags", \.tags, .strings),
        .field("dnd", \.dnd, .doNotContact),
        .field("dnd_inbound", \.dnd.inbound, .bool),
        .field("fields", \.fields, .stringMap),
    ]
    // Handles only when set, so records written before handles existed stay byte-identical.
    + Handle.channels.map { channel in
        .optional(channel.rawValue, \.handles[channel], .string.checked(
            "must be a \(Handle.name(channel)) username like \"ada.lovelace\"") { (try? Handle.normalize($0, channel: channel)) == $0 },
            whenNil: .omitted)
    } + [
        .field("created_at", \.createdAt, .timestamp),
        .field("updated_at", \.updatedAt, .timestamp),
    ]) { c throws(JSONParseError) in
        guard Contacts.table.ids.isValid(c.id) else { throw JSONParseError("field \"id\" is not a contact id: \"\(c.id)\"") }
    }

    public var fullName: String {
        // Without an array to join: a listing asks this of every row.
        if firstName.isEmpty { return lastName }
        if lastName.isEmpty { return firstName }
        return firstName + " " + lastName
    }

    /// What people see for this contact: the name, else the first phone or email, else the id.
    public var displayName: String {
        let name = fullName
        if !name.isEmpty { return name }
        return phones.first ?? emails.first ?? id
    }

    public func hasTag(_ tag: String) -> Bool {
        let wanted = tag.lowercased()
        return tags.contains { $0.lowercased() == wanted }
    }

    /// Matches `contact list --search`: first name, last name, full name, email, handle, or phone
    /// digits (the rule is `ContactQuery`'s; a search prepares one query for all its contacts).
    public func matches(search query: String) -> Bool {
        ContactQuery(query).matches(self)
    }
}
