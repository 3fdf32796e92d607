import InboxCore

struct UserEditCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "user", verb: "edit", access: .write, abstract: "Change a user's signature, display name, email or role",
        arguments: [ArgumentSpec("NAME", completion: .repository(.users), "a registered user")],
        options: [
            OptionSpec("signature", value: "TEXT", "added to the user's email (never to SMS, chat or templates); \"\" removes it"),
            OptionSpec("display-name", value: "TEXT", "the name people see"),
            OptionSpec("email", value: "ADDRESS", "the user's email address"),
            OptionSpec("role", value: "ROLE", completion: .cases(User.Role.self),
                       "admin, agent or viewer (admins only)"),
        ],
        discussion: "Users change their own signature, display name and email; changing someone else, or any role, needs an admin once one exists.",
        examples: ["inbox user edit bob --signature \"Bob Smith, Moreau & Co\"", "inbox user edit carol --role viewer"]
    )

    var name: String
    var signature: String??
    var displayName: String??
    var email: String??
    var role: User.Role?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UserEditCommand {
        try arguments.allowPositionals(1)
        let name = try UserName.validated(try arguments.positional(0, "user NAME"))
        func cleared(_ text: String?) -> String?? { text.map { $0.isEmpty ? nil : $0 } }
        var command = UserEditCommand(name: name, signature: cleared(arguments.value("signature")),
                                      displayName: cleared(arguments.value("display-name")))
        if let text = arguments.value("email") {
            command.email = text.isEmpty ? .some(nil) : .some(try EmailAddress.normalize(text))
        }
        command.role = try arguments.choice("role", User.Role.self, ignoringCase: true)
        guard command.signature != nil || command.displayName != nil || command.email != nil || command.role != nil else {
            throw InboxError.usage("nothing to change: give --signature, --display-name, --email or --role")
        }
        return command
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let user = try context.write { (tx, actor) throws(InboxError) -> User in
            // Your own details are yours to change; anyone else's, and roles, are an admin's.
            if actor != name || role != nil { try Users.authorize(actor, adminOnly: true, in: tx) }
            guard var user = try Users.find(name, in: tx) else {
                throw InboxError.notFound("no user '\(name)' (see 'inbox user list'; add one with 'inbox user add \(name)')")
            }
            if let signature { user.signature = signature }
            if let displayName { user.displayName = displayName }
            if let email { user.email = email }
            if let role { user.role = role }
            try Users.update(user, in: tx)
            return user
        }
        return .record(user.name, user.jsonView(), "Updated user \(user.name)")
    }
}
