import InboxCore

struct UserAddCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "user", verb: "add", abstract: "Register a user who works the inbox",
        arguments: [ArgumentSpec("NAME", "user name: lower-case letters, digits, '.', '_' and '-'")],
        options: [
            OptionSpec("role", value: "ROLE", completion: .choices(User.Role.allCases.map(\.rawValue)),
                       "admin (settings and users), agent (default) or viewer (read-only)"),
            OptionSpec("display-name", value: "TEXT", "the name people see"),
            OptionSpec("email", value: "ADDRESS", "the user's email address"),
        ],
        discussion: "Once an admin exists, only admins may add users or change settings. While no users are registered, any name is accepted as an owner or assignee.",
        examples: ["inbox user add alice --role admin --display-name \"Alice Moreau\"", "inbox user add bob"]
    )

    var name: String
    var role: User.Role
    var displayName: String?
    var email: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UserAddCommand {
        try arguments.allowPositionals(1)
        let name = try UserName.validated(try arguments.positional(0, "user NAME"))
        var role = User.Role.agent
        if let text = arguments.value("role") {
            guard let r = User.Role(rawValue: text.lowercased()) else {
                throw InboxError.usage("--role must be admin, agent or viewer, not '\(text)'")
            }
            role = r
        }
        let email = try arguments.value("email").map { (e) throws(InboxError) in try EmailAddress.normalize(e) }
        return UserAddCommand(name: name, role: role, displayName: arguments.value("display-name"), email: email)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let user = User(name: name, displayName: displayName, email: email, role: role, createdAt: context.now)
        try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Users.add(user, in: tx) }
        return .record(user.name, user.json, "Added user \(user.name) (\(user.role.rawValue))")
    }
}
