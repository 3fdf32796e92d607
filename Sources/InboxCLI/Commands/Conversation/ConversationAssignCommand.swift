import InboxCore

struct ConversationAssignCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "assign", access: .write, abstract: "Assign conversations to a user, to yourself, or to nobody",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository(.conversations), "conversation ids; - reads ids from standard input"),
                    ArgumentSpec("USER", optional: true, completion: .repository(.users), "the user to assign them to (unless --me or --none)")],
        options: [OptionSpec("me", "assign to yourself"), OptionSpec("none", "unassign")],
        discussion: "Assigning a conversation never changes who owns the contact.",
        examples: ["inbox conversation assign cv1 --me", "inbox conversation assign cv1 cv2 bob", "inbox conversation assign cv3 --none"]
    )

    enum Target { case me, none, user(String) }

    var ids: [String]
    var target: Target

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationAssignCommand {
        try arguments.exclusive("me", "none")
        var ids = arguments.positionals
        let target: Target
        if arguments.flag("me") { target = .me } else if arguments.flag("none") { target = .none } else {
            guard ids.count >= 2 else { throw InboxError.usage("give the conversation ids and then a USER, or --me, or --none") }
            target = .user(try UserName.validated(ids.removeLast()))
        }
        guard !ids.isEmpty else { throw InboxError.usage("missing conversation ID") }
        return ConversationAssignCommand(ids: ids, target: target)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let (assigned, actor) = try context.write { (tx, actor) throws(InboxError) in
            let user: String?
            switch target {
            case .me: user = actor
            case .none: user = nil
            case .user(let name): user = name
            }
            return (try Conversations.assign(ids, to: user, now: context.now, in: tx), actor)
        }
        var out = CommandOutput()
        out.ids = assigned.map(\.id)
        out.records = assigned.map { .object($0.jsonView(for: actor)) }
        out.lines = assigned.map { .plain("\($0.id) is " + ($0.assignee.map { "assigned to \($0)" } ?? "unassigned")) }
        return out
    }
}
