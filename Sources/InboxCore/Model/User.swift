/// A person who works the inbox. Users are named, not numbered: the name is what `--as`,
/// `assign` and `--owner` take.
public struct User: StoredRecord, Sendable {
    public enum Role: String, CaseIterable, Sendable {
        /// May change settings and users.
        case admin
        /// Works conversations.
        case agent
        /// Reads only; every change is refused.
        case viewer
    }

    public var name: String
    public var displayName: String?
    public var email: String?
    public var role: Role
    public var createdAt: Timestamp

    public init(name: String, displayName: String?, email: String?, role: Role, createdAt: Timestamp) {
        self.name = name
        self.displayName = displayName
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }

    public init(fields: inout FieldReader) throws(JSONParseError) {
        name = try fields.string("name")
        displayName = try fields.optionalString("display_name")
        email = try fields.optionalString("email")
        let roleText = try fields.string("role")
        guard let role = Role(rawValue: roleText) else {
            throw JSONParseError("field \"role\" must be admin, agent or viewer, not \"\(roleText)\"")
        }
        self.role = role
        createdAt = try fields.timestamp("created_at")
    }

    public var json: JSONObject {
        JSONObject([
            ("name", .string(name)), ("display_name", .optional(displayName)), ("email", .optional(email)),
            ("role", .string(role.rawValue)), ("created_at", .string(createdAt.iso)),
        ])
    }
}

public enum UserName {
    /// Names are what people type after --as: lower-case letters, digits, '.', '_' and '-'.
    public static func validated(_ text: String) throws(InboxError) -> String {
        let name = text.trimmingWhitespace()
        guard (1...40).contains(name.count),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }),
              !name.hasPrefix("-")
        else {
            throw InboxError.usage("'\(text)' is not a valid user name (lower-case letters, digits, '.', '_' and '-', up to 40)")
        }
        return name
    }
}

public enum Users {
    public static let file = "users.jsonl"

    public static func all(_ session: Session) throws(InboxError) -> [User] {
        try session.records(file)
    }

    public static func find(_ name: String, in session: Session) throws(InboxError) -> User? {
        try all(session).first { $0.name == name }
    }

    /// Checks that `name` may be used as an assignee or owner: any name while no users are
    /// registered, afterwards only registered ones.
    public static func requireKnown(_ name: String, in session: Session) throws(InboxError) {
        let users = try all(session)
        guard users.isEmpty || users.contains(where: { $0.name == name }) else {
            throw InboxError.notFound("no user '\(name)' (see 'inbox user list'; add one with 'inbox user add \(name)')")
        }
    }

    /// Refuses a change by a registered viewer, and a settings or user change by anyone but an
    /// admin once an admin exists.
    public static func authorize(_ actor: String, adminOnly: Bool, in session: Session) throws(InboxError) {
        let users = try all(session)
        let me = users.first { $0.name == actor }
        if me?.role == .viewer {
            throw InboxError.refused("user '\(actor)' is a viewer and cannot make changes")
        }
        if adminOnly, users.contains(where: { $0.role == .admin }), me?.role != .admin {
            throw InboxError.refused("only an admin can do this, and '\(actor)' is not one (see 'inbox user list')")
        }
    }

    public static func add(_ user: User, in tx: Transaction) throws(InboxError) {
        var users = try all(tx)
        guard !users.contains(where: { $0.name == user.name }) else {
            throw InboxError.refused("user '\(user.name)' already exists")
        }
        users.append(user)
        users.sort { $0.name < $1.name }
        tx.stage(file, records: users)
    }
}

extension FieldReader {
    public mutating func timestamp(_ key: String) throws(JSONParseError) -> Timestamp {
        let text = try string(key)
        guard let t = Timestamp(iso: text) else {
            throw JSONParseError("field \"\(key)\" must be a UTC time from 1970 to 9999 like 2026-11-21T09:00:00Z, not \"\(text)\"")
        }
        return t
    }

    public mutating func optionalTimestamp(_ key: String) throws(JSONParseError) -> Timestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let t = Timestamp(iso: text) else {
            throw JSONParseError("field \"\(key)\" must be a UTC time from 1970 to 9999 like 2026-11-21T09:00:00Z, not \"\(text)\"")
        }
        return t
    }
}
