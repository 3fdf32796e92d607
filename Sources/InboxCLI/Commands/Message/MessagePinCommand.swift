import InboxCore

struct MessagePinCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "pin", access: .write, abstract: "Pin a message as a to-do on its conversation, or mark the to-do done",
        arguments: [ArgumentSpec("ID", completion: .repository(.messages), "message id or an unambiguous prefix")],
        options: [
            OptionSpec("assign", value: "USER", completion: .repository(.users), "who should act on it"),
            OptionSpec("done", "mark the pinned to-do done"),
        ],
        examples: ["inbox message pin ms4 --assign bob", "inbox message pin ms4 --done", "inbox message list --pinned"]
    )

    var id: String
    var assignee: String?
    var done: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessagePinCommand {
        try arguments.allowPositionals(1)
        try arguments.exclusive("assign", "done")
        return MessagePinCommand(id: try arguments.positional(0, "message ID"),
                                 assignee: try arguments.value("assign").map { (u) throws(InboxError) in try UserName.validated(u) },
                                 done: arguments.flag("done"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let message = try context.write { (tx, actor) throws(InboxError) in
            try Messages.pin(id, by: actor, assignee: assignee, done: done, now: context.now, in: tx)
        }
        let state = message.pin?.done == true ? "done" : "pinned" + (message.pin?.assignee.map { " for \($0)" } ?? "")
        return .record(message.id, message.jsonView(), "\(message.id) \(state)")
    }
}
