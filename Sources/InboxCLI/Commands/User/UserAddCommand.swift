import InboxCore

struct UserAddCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "user", verb: "add", access: .write, abstract: "Register a user who works the inbox",
        arguments: [ArgumentSpec("NAME", "user name: lower-case letters, digits, '.', '_' and '-'")],
        options: [
            OptionSpec("role", value: "ROLE", completion: .cases(User.Role.self),
                       "admin (settings and users), agent (default) or viewer (read-only)"),
            OptionSpec("display-name", value: "TEXT", "the name people see"),
            OptionSpec("email", value: "ADDRESS", "the user's email address"),
            OptionSpec("signature", value: "TEXT", "added to the user's email (never to SMS, chat or templates)"),
        ],
        discussion: "Once users are registered, only they may make changes (act as one with --as NAME, INBOX_USER or 'inbox config set user.name NAME'), and once an admin exists, only admins may add users or change settings. While no users are registered, anyone may add the first and any name is accepted as an owner or assignee.",
        examples: ["inbox user add alice --role admin --display-name \"Alice Moreau\"", "inbox config set user.name alice",
                   "inbox user add bob --signature \"Bob Smith, Moreau & Co\""]
    )

    var name: String
    var role: User.Role
    var displayName: String?
    var email: String?
    var signature: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UserAddCommand {
        try arguments.allowPositionals(1)
        let name = try UserName.validated(try arguments.positional(0, "user NAME"))
        let role = try arguments.choice("role", User.Role.self, ignoringCase: true) ?? .agent
        let email = try arguments.value("email").map { (e) throws(InboxError) in try EmailAddress.normalize(e) }
        return UserAddCommand(name: name, role: role, displayName: arguments.value("display-name"), email: email,
                              signature: arguments.value("signature").flatMap { $0.isEmpty ? nil : $0 })
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let user = User(name: name, displayName: displayName, email: email, role: role, signature: signature, createdAt: context.now)
        let (first, actor) = try context.write(adminOnly: true) { (tx, actor) throws(InboxError) -> (Bool, String) in
            let first = try Users.all(tx).isEmpty
            try Users.add(user, in: tx)
            return (first, actor)
        }
        var out = CommandOutput.record(user.name, user.jsonView(), "Added user \(user.name) (\(user.role.rawValue))")
        if first && actor != user.name {
            // From now on changes need a registered user: say how to be one before the next
            // command is refused.
            out.notices.append("hint: you act as '\(actor)', who is not a registered user; to act as \(user.name) here, run 'inbox config set user.name \(user.name)' (or pass --as \(user.name), or set INBOX_USER=\(user.name))")
        }
        return out
    }
}
