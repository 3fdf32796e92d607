import InboxCore

struct MessageUnpinCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "unpin", access: .write, abstract: "Remove a message from the pinned panel",
        arguments: [ArgumentSpec("ID", completion: .repository(.messages), "message id or an unambiguous prefix")],
        examples: ["inbox message unpin ms4"]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageUnpinCommand {
        try arguments.allowPositionals(1)
        return MessageUnpinCommand(id: try arguments.positional(0, "message ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let message = try context.write { (tx, _) throws(InboxError) in try Messages.unpin(id, in: tx) }
        return .record(message.id, message.jsonView(), "\(message.id) unpinned")
    }
}
