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
    /// Added to this user's email (see `Signature`); absent from older records.
    public var signature: String?
    public var createdAt: Timestamp

    public init(name: String, displayName: String?, email: String?, role: Role, signature: String? = nil, createdAt: Timestamp) {
        self.name = name
        self.signature = signature
        self.displayName = displayName
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }

    public static let schema = RecordSchema(blank: User(name: "", displayName: nil, email: nil, role: .viewer, createdAt: .earliest), [
        .field("name", \.name, .string),
        .optional("display_name", \.displayName, .string),
        .optional("email", \.email, .string),
        .field("role", \.role, .choice()),
        // Written only when set, so repositories from before signatures stay byte-identical.
        .optional("signature", \.signature, .string, whenNil: .omitted),
        .field("created_at", \.createdAt, .timestamp),
    ])
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
            throw InboxError.notFound("no user '\(name)' (see '\(CommandReference.listUsers)'; add one with '\(CommandReference.addUser(name: name))')")
        }
    }

    /// Refuses a change by anyone but a registered user once users exist, by a viewer, and a
    /// settings or user change by anyone but an admin once an admin exists. Roles guard against
    /// mistakes, not malice (`--as` is not a login), so every refusal says how to act as someone.
    public static func authorize(_ actor: String, adminOnly: Bool, in session: Session) throws(InboxError) {
        let users = try all(session)
        guard !users.isEmpty else { return }
        guard let me = users.first(where: { $0.name == actor }) else {
            let names = users.map(\.name).joined(separator: ", ")
            throw InboxError.refused("you are acting as '\(actor)', who is not a registered user (users: \(names)); \(howToActAs(adminOnly ? users.first { $0.role == .admin } ?? users[0] : users[0]))")
        }
        if me.role == .viewer {
            throw InboxError.refused("user '\(actor)' is a viewer and cannot make changes; \(howToActAs(users.first { $0.role != .viewer } ?? me))")
        }
        if adminOnly, let admin = users.first(where: { $0.role == .admin }), me.role != .admin {
            throw InboxError.refused("only an admin can do this, and '\(actor)' is not one (see '\(CommandReference.listUsers)'); \(howToActAs(admin))")
        }
    }

    /// The three ways to choose who you act as, for refusals and hints.
    public static func howToActAs(_ user: User) -> Explanation {
        "\(Remedy.actAs(user: user.name))"
    }

    /// Replaces a registered user's record (same name).
    public static func update(_ user: User, in tx: Transaction) throws(InboxError) {
        var users = try all(tx)
        guard let i = users.firstIndex(where: { $0.name == user.name }) else {
            throw InboxError.notFound("no user '\(user.name)' (see '\(CommandReference.listUsers)')")
        }
        users[i] = user
        tx.stage(file, records: users)
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
