import InboxCore

struct ConversationCloseCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "close", abstract: "Close conversations, optionally sending a closing message",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository("open-conversations"), "conversation ids; - reads them from standard input")],
        options: [OptionSpec("message", value: "TEXT", "send this to the contact first (placeholders are filled)")],
        discussion: "The closing is noted in the contact's history. A message from the contact reopens a closed conversation.",
        examples: ["inbox conversation close cv1 --message \"Thanks, all done\"", "inbox conversation list --contact ct1 -q | inbox conversation close -"]
    )

    var ids: [String]
    var message: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationCloseCommand {
        _ = try arguments.positional(0, "conversation ID")
        return ConversationCloseCommand(ids: arguments.positionals, message: arguments.value("message"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let repository = try context.repository()
        let hook = try DeliveryHook.readiness(repository)
        if case .untrusted(let why) = hook, message != nil, !repository.isBatching { throw InboxError.refused(why) }
        let (closed, timeout) = try context.write { (tx, actor) throws(InboxError) in
            (try ids.map { (id) throws(InboxError) in
                try Conversations.close(id, message: message, by: actor, now: context.now, hookInstalled: hook.isInstalled, in: tx)
            }, try DeliveryHook.timeout(tx))
        }
        var out = CommandOutput()
        var failure: InboxError?
        for (conversation, closing) in closed {
            out.ids.append(conversation.id)
            var line = "Closed \(conversation.id)"
            if let closing {
                let delivery = Outbox.deliver(closing, repository: repository, timeout: timeout, now: context.now)
                if let error = delivery.failure {
                    failure = failure ?? error
                    line += "; its closing message \(closing.id) is \(delivery.message.state?.rawValue ?? "failed")"
                } else {
                    line += " after sending \(delivery.message.id)"
                }
                if let note = delivery.deferredNote { line += " (\(note))" }
            }
            out.lines.append(.plain(line))
            out.records.append(.object(conversation.json))
        }
        out.failure = failure
        return out
    }
}
