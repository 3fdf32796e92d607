import InboxCore

struct MessageShowCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "show", access: .read, abstract: "Show one message with its state, attachments and read receipts",
        arguments: [ArgumentSpec("ID", completion: .repository(.messages), "message id or an unambiguous prefix")],
        examples: ["inbox message show ms3"]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageShowCommand {
        try arguments.allowPositionals(1)
        return MessageShowCommand(id: try arguments.positional(0, "message ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let message = try context.read { (s) throws(InboxError) in try Messages.resolve(id, in: s) }
        var out = CommandOutput.record(message.id, message.jsonView(), "")
        out.lines = MessageView.details(message, now: context.now)
        return out
    }
}
