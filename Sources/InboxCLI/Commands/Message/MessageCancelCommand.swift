import InboxCore

struct MessageCancelCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "cancel", access: .write, abstract: "Cancel scheduled messages",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository(.scheduledMessages), "scheduled messages; - reads ids from standard input")],
        discussion: "Only a message that is still scheduled can be cancelled; otherwise exit 1 says its state.",
        examples: ["inbox message cancel ms7", "inbox message list --scheduled --conversation cv1 -q | inbox message cancel -"]
    )

    var ids: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageCancelCommand {
        _ = try arguments.positional(0, "message ID")
        return MessageCancelCommand(ids: arguments.positionals)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let cancelled = try context.write { (tx, _) throws(InboxError) in
            try ids.map { (id) throws(InboxError) in try ScheduledSends.cancel(id, in: tx) }
        }
        var out = CommandOutput()
        out.ids = cancelled.map(\.id)
        out.records = cancelled.map { .object($0.jsonView()) }
        out.lines = cancelled.map { .plain("Cancelled \($0.id)") }
        return out
    }
}
