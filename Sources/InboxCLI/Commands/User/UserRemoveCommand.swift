import InboxCore

struct UserRemoveCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "user", verb: "remove", access: .write, abstract: "Remove a user who has left (admins only)",
        arguments: [ArgumentSpec("NAME", completion: .repository(.users), "a registered user")],
        discussion: "Refused while the user is assigned conversations or tasks, owns contacts, is the only admin, or is config user.name: the refusal lists what to hand over and how. What they wrote keeps their name.",
        examples: ["inbox conversation list --assignee bob --status all -q | inbox conversation assign - alice", "inbox user remove bob"]
    )

    var name: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UserRemoveCommand {
        try arguments.allowPositionals(1)
        return UserRemoveCommand(name: try UserName.validated(try arguments.positional(0, "user NAME")))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let user = try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Users.remove(name, in: tx) }
        return .record(user.name, user.jsonView(), "Removed user \(user.name)")
    }
}
