import InboxCore

/// `inbox __complete KIND`: candidates for shell completion, taken from the repository: one per
/// line, the value, a tab, and a short description. Prints nothing (and exits 0) when there is
/// no repository, so completion never shows an error.
struct CompleteCommand: InboxCommand {
    static let kinds = ["contacts", "conversations", "open-conversations", "messages", "scheduled-messages", "tasks",
                        "users", "tags", "templates"]

    static let spec = CommandSpec(
        noun: "__complete", abstract: "Print completion candidates from the repository (for the shell completion scripts)",
        arguments: [ArgumentSpec("KIND", completion: .choices(kinds), kinds.joined(separator: ", "))], hidden: true
    )

    var kind: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> CompleteCommand {
        try arguments.allowPositionals(1)
        let kind = try arguments.positional(0, "KIND")
        guard kinds.contains(kind) else { throw InboxError.usage("unknown kind '\(kind)' (\(kinds.joined(separator: ", ")))") }
        return CompleteCommand(kind: kind)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var candidates: [(value: String, about: String)] = []
        do throws(InboxError) {
            candidates = try context.read { (s) throws(InboxError) in try lookup(s) }
        } catch {
            // No repository, or a bad line: completion offers nothing rather than an error.
        }
        var out = CommandOutput()
        out.lines = candidates.map { .plain($0.value + "\t" + $0.about) }
        out.ids = candidates.map(\.value)
        return out
    }

    func lookup(_ s: Session) throws(InboxError) -> [(value: String, about: String)] {
        switch kind {
        case "contacts":
            return try Contacts.list(ContactFilter(), in: s).map { ($0.id, $0.displayName) }
        case "conversations", "open-conversations":
            var filter = ConversationFilter()
            filter.status = kind == "conversations" ? .all : .open
            let listing = try Conversations.list(filter, actor: "", in: s)
            return listing.conversations.map { ($0.id, "\(listing.contactNames[$0.contact] ?? $0.contact), \($0.channel.rawValue)") }
        case "messages":
            return try Messages.list(MessageFilter(), in: s).suffix(200).reversed().map { ($0.id, String($0.text.prefix(40))) }
        case "scheduled-messages":
            var filter = MessageFilter()
            filter.scheduled = true
            return try Messages.list(filter, in: s).map { ($0.id, "\(($0.scheduledAt ?? $0.at).localDescription) \($0.text.prefix(30))") }
        case "tasks":
            return try Tasks.list(TaskFilter(), now: Timestamp.systemNow(), in: s).map { ($0.id, String($0.text.prefix(40))) }
        case "users":
            return try Users.all(s).map { ($0.name, $0.role.rawValue) }
        case "tags":
            var seen: [String: String] = [:]
            try Contacts.table.forEachNewestFirst(in: s) { (c) throws(InboxError) -> Bool in
                for tag in c.tags where seen[tag.lowercased()] == nil { seen[tag.lowercased()] = tag }
                return true
            }
            return seen.values.sorted().map { ($0, "tag") }
        default:
            return try Templates.all(s).map { ($0.name, String($0.text.prefix(40))) }
        }
    }
}
