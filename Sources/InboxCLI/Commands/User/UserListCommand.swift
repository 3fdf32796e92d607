import InboxCore

struct UserListCommand: InboxCommand {
    static let spec = CommandSpec(noun: "user", verb: "list", access: .read, abstract: "List users and their roles")

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UserListCommand {
        try arguments.allowPositionals(0)
        return UserListCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let users = try context.read { (s) throws(InboxError) in try Users.all(s) }
        var out = CommandOutput()
        out.ids = users.map(\.name)
        out.records = users.map { .object($0.jsonView()) }
        if !users.isEmpty {
            out.lines = [.table(TextTable(
                header: ["NAME", "ROLE", "DISPLAY NAME", "EMAIL", "ADDED", "SIGNATURE"],
                rows: users.map {
                    [$0.name, $0.role.rawValue, $0.displayName ?? "-", $0.email ?? "-", $0.createdAt.age(relativeTo: context.now),
                     ($0.signature ?? "-").split(whereSeparator: \.isNewline).joined(separator: " / ")]
                },
                maxWidths: [5: 40]
            ))]
        }
        return out
    }
}
