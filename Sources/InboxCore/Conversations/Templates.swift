/// A saved message text with placeholders, in `templates.jsonl` sorted by name.
public struct Template: StoredRecord, Sendable {
    public var name: String
    public var text: String
    public var channel: Channel?
    public var createdAt: Timestamp

    public init(name: String, text: String, channel: Channel?, createdAt: Timestamp) {
        self.name = name
        self.text = text
        self.channel = channel
        self.createdAt = createdAt
    }

    public static let schema = RecordSchema(blank: Template(name: "", text: "", channel: nil, createdAt: .earliest), [
        .field("name", \.name, .string),
        .field("text", \.text, .string),
        .optional("channel", \.channel, .choice()),
        .field("created_at", \.createdAt, .timestamp),
    ])
}

public enum Templates {
    public static let file = "templates.jsonl"

    public static func all(_ session: Session) throws(InboxError) -> [Template] { try session.records(file) }

    public static func find(_ name: String, in session: Session) throws(InboxError) -> Template {
        guard let template = try all(session).first(where: { $0.name == name }) else {
            throw InboxError.notFound("no template '\(name)' (see '\(CommandReference.listTemplates)')")
        }
        return template
    }

    public static func add(_ template: Template, in tx: Transaction) throws(InboxError) {
        _ = try Placeholders.names(in: template.text)
        var templates = try all(tx)
        guard !templates.contains(where: { $0.name == template.name }) else {
            throw InboxError.refused("template '\(template.name)' already exists")
        }
        templates.append(template)
        templates.sort { $0.name < $1.name }
        tx.stage(file, records: templates)
    }

    /// Removes templates by name, all or none. Messages already sent or scheduled from one keep
    /// their text (and the template's name as history), so nothing else changes.
    public static func remove(_ names: [String], in tx: Transaction) throws(InboxError) -> [Template] {
        let templates = try all(tx)
        let unknown = names.filter { name in !templates.contains { $0.name == name } }
        guard unknown.isEmpty else {
            throw InboxError.notFound("no template \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (see '\(CommandReference.listTemplates)'); nothing was removed")
        }
        let wanted = Set(names)
        tx.stage(file, records: templates.filter { !wanted.contains($0.name) })
        return templates.filter { wanted.contains($0.name) }
    }
}

/// `{first_name}`-style placeholders, filled from the contact and the sender. `{{` and `}}`
/// stand for literal braces. An unknown name is a usage error, never sent as typed.
public enum Placeholders {
    public static let known = ["first_name", "last_name", "full_name", "company", "email", "phone", "user"]

    static func names(in text: String) throws(InboxError) -> [String] {
        var names: [String] = []
        _ = try fill(text) { name in names.append(name); return "" }
        return names
    }

    public static func fill(_ text: String, contact: Contact, user: String) throws(InboxError) -> String {
        try fill(text) { name in
            switch name {
            case "first_name": return contact.firstName
            case "last_name": return contact.lastName
            case "full_name": return contact.fullName
            case "company": return contact.company ?? ""
            case "email": return contact.emails.first ?? ""
            case "phone": return contact.phones.first ?? ""
            default: return user
            }
        }
    }

    private static func fill(_ text: String, _ value: (String) -> String) throws(InboxError) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "{", next < text.endIndex, text[next] == "{" { out.append("{"); index = text.index(after: next); continue }
            if c == "}", next < text.endIndex, text[next] == "}" { out.append("}"); index = text.index(after: next); continue }
            if c == "{" {
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw InboxError.usage("unclosed placeholder in \"\(text)\" (write {{ for a literal brace)")
                }
                let name = String(text[next..<close])
                guard known.contains(name) else {
                    throw InboxError.usage("unknown placeholder {\(name)} (known: \(known.map { "{\($0)}" }.joined(separator: ", ")))")
                }
                out += value(name)
                index = text.index(after: close)
                continue
            }
            out.append(c)
            index = next
        }
        return out
    }
}
