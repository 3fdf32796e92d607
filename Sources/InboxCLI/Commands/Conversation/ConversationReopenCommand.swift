import InboxCore

struct ConversationReopenCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "reopen", access: .write, abstract: "Reopen closed conversations",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository(.conversations), "conversation ids; - reads them from standard input")],
        examples: ["inbox conversation reopen cv1"]
    )

    var ids: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationReopenCommand {
        _ = try arguments.positional(0, "conversation ID")
        return ConversationReopenCommand(ids: arguments.positionals)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let reopened = try context.write { (tx, _) throws(InboxError) in
            try ids.map { (id) throws(InboxError) in try Conversations.reopen(id, now: context.now, in: tx) }
        }
        var out = CommandOutput()
        out.ids = reopened.map(\.id)
        out.records = reopened.map { .object($0.jsonView()) }
        out.lines = reopened.map { .plain("Reopened \($0.id)") }
        return out
    }
}
