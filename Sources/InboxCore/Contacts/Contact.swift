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

    public init(fields reader: inout FieldReader) throws(JSONParseError) {
        id = try reader.string("id")
        firstName = try reader.string("first_name")
        lastName = try reader.string("last_name")
        phones = try reader.strings("phones")
        emails = try reader.strings("emails")
        company = try reader.optionalString("company")
        owner = try reader.optionalString("owner")
        disposition = try reader.optionalString("disposition")
        tags = try reader.strings("tags")
        dnd = try DoNotContact(reader.value("dnd"), inbound: reader.bool("dnd_inbound"))
        fields = try reader.stringMap("fields")
        for channel in Handle.channels {
            guard let value = reader.absentOr(channel.rawValue) else { continue }
            guard case .string(let handle) = value, (try? Handle.normalize(handle, channel: channel)) == handle else {
                throw JSONParseError("field \"\(channel.rawValue)\" must be a \(Handle.name(channel)) username like \"ada.lovelace\"")
            }
            handles[channel] = handle
        }
        createdAt = try reader.timestamp("created_at")
        updatedAt = try reader.timestamp("updated_at")
        guard Contacts.table.ids.isValid(id) else { throw JSONParseError("field \"id\" is not a contact id: \"\(id)\"") }
    }

    public var json: JSONObject {
        var pairs: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("first_name", .string(firstName)), ("last_name", .string(lastName)),
            ("phones", .strings(phones)), ("emails", .strings(emails)), ("company", .optional(company)),
            ("owner", .optional(owner)), ("disposition", .optional(disposition)), ("tags", .strings(tags)),
            ("dnd", dnd.json), ("dnd_inbound", .bool(dnd.inbound)),
            ("fields", .object(JSONObject(fields.map { ($0.key, JSONValue.string($0.value)) }))),
        ]
        // Only when set, so records written before handles existed stay byte-identical.
        for channel in Handle.channels { if let handle = handles[channel] { pairs.append((channel.rawValue, .string(handle))) } }
        pairs += [("created_at", .string(createdAt.iso)), ("updated_at", .string(updatedAt.iso))]
        return JSONObject(pairs)
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
