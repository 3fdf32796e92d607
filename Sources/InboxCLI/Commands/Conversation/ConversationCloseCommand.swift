import InboxCore

struct ConversationCloseCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "close", access: .write, abstract: "Close conversations, optionally sending a closing message",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository(.openConversations), "conversation ids; - reads them from standard input")],
        options: [OptionSpec("message", value: "TEXT", "send this to the contact first (placeholders are filled)"),
                  OptionSpec("cancel-scheduled", "cancel the messages still scheduled in the conversation"),
                  OptionSpec("keep-going", "skip ids that are unknown or refused (already closed), report each, close the rest")],
        discussion: "The closing is noted in the contact's history and shows in the conversation's thread. A message from the contact reopens a closed conversation. Nothing new can be sent or scheduled into a closed conversation; messages scheduled before it closed are listed when it closes and go out at their time without reopening it, unless --cancel-scheduled cancels them. Several ids are closed all or nothing; with --keep-going, ids that are unknown or refused are skipped and reported on stderr, the rest are closed in one change, and the exit status is 1 if anything was skipped.",
        examples: ["inbox conversation close cv1 --message \"Thanks, all done\"", "inbox conversation close cv1 --cancel-scheduled",
                   "inbox conversation list --contact ct1 -q | inbox conversation close - --keep-going"]
    )

    var ids: [String]
    var message: String?
    var cancelScheduled = false
    var keepGoing = false

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationCloseCommand {
        _ = try arguments.positional(0, "conversation ID")
        return ConversationCloseCommand(ids: arguments.positionals, message: arguments.value("message"),
                                        cancelScheduled: arguments.flag("cancel-scheduled"), keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let repository = try context.repository()
        let hook = try DeliveryHook.readiness(repository)
        if case .untrusted(let why) = hook, message != nil, !repository.isBatching { throw InboxError.refused(why) }
        if hook.isInstalled, message != nil, !repository.isBatching {
            try DeliveryHost.check(repository, doing: "closing with a message through the delivery hook")
        }
        let (closed, skipped, timeout) = try context.write { (tx, actor) throws(InboxError) in
            var closed: [Conversations.Closing] = []
            var skipped: [String] = []
            for id in ids {
                do throws(InboxError) {
                    closed.append(try Conversations.close(id, message: message, cancelScheduled: cancelScheduled, by: actor,
                                                          now: context.now, hookInstalled: hook.isInstalled, in: tx))
                } catch {
                    // Only what a rule refuses or an id that names nothing is skipped; I/O and bad data still stop all.
                    guard keepGoing, Self.skippable(error) else { throw error }
                    skipped.append("skipped \(id): \(ErrorText.message(error))")
                }
            }
            return (closed, skipped, try DeliveryHook.timeout(tx))
        }
        var out = CommandOutput()
        out.notices = skipped
        var failure: InboxError?
        for closing in closed {
            let conversation = closing.conversation
            out.ids.append(conversation.id)
            var line = "Closed \(conversation.id)"
            if let message = closing.message {
                let delivery = Outbox.deliver(message, repository: repository, timeout: timeout, now: context.now)
                if let error = delivery.failure {
                    failure = failure ?? error
                    line += "; its closing message \(message.id) is \(delivery.message.state?.rawValue ?? "failed")"
                } else {
                    line += " after sending \(delivery.message.id)"
                }
                if let note = delivery.deferredNote { line += " (\(note))" }
            }
            out.lines.append(.plain(line))
            if let pending = Self.pendingNotice(closing, now: context.now) { out.notices.append(pending) }
            out.records.append(.object(conversation.jsonView()))
        }
        if !skipped.isEmpty {
            failure = failure ?? .refused("\(skipped.count) of \(ids.count) conversations skipped; \(closed.count) closed")
        }
        out.failure = failure
        return out
    }

    static func skippable(_ error: InboxError) -> Bool {
        switch error {
        case .refused, .notFound: return true
        default: return false
        }
    }

    /// The scheduled sends closing left pending (or cancelled), one per line, for stderr.
    static func pendingNotice(_ closing: Conversations.Closing, now: Timestamp) -> String? {
        guard !closing.scheduled.isEmpty else { return nil }
        let id = closing.conversation.id
        let list = closing.scheduled.map { "  \($0.id)  \(($0.scheduledAt ?? $0.at).localDescription)  \(Conversations.previewText($0))" }
        if closing.cancelled {
            return (["\(id): cancelled \(closing.scheduled.count) scheduled message(s):"] + list).joined(separator: "\n")
        }
        return (["\(id) still has \(closing.scheduled.count) scheduled message(s); they go out at their time without reopening it (inbox conversation close --cancel-scheduled, or inbox message cancel ID, stops them):"]
                + list).joined(separator: "\n")
    }
}
