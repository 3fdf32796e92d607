import InboxCore

struct MessageSendCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "send", access: .write, abstract: "Send a message, or write an internal note, in a conversation",
        arguments: [
            ArgumentSpec("CONVERSATION", optional: true, completion: .repository(.openConversations), "the conversation (or give --contact and --channel)"),
            ArgumentSpec("TEXT", optional: true, "the message; - reads it from standard input (may be left out with --template)"),
        ],
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "send to this contact (with --channel): their open conversation, or a new one"),
            OptionSpec("channel", value: "CHANNEL", completion: .cases(Channel.self), "the channel, with --contact"),
            OptionSpec("attach", value: "FILE", repeatable: true, completion: .file, "attach a file (repeatable); refused where the channel cannot carry it"),
            OptionSpec("template", value: "NAME", completion: .repository(.templates), "send a saved template (required on WhatsApp after 24 hours)"),
            OptionSpec("from", value: "NUMBER", completion: .repository(.fromNumbers), "one of the firm's SMS numbers (config sms.from; default: the first)"),
            OptionSpec("cc", value: "ADDRESS", repeatable: true, "copy to this address (email only; repeatable)"),
            OptionSpec("note", "an internal note: recorded in the thread, never delivered"),
            OptionSpec("no-signature", "leave out your signature (added to email only)"),
            OptionSpec("at", value: "TIME", "send later instead (see TIME FORMS); the cron flush delivers it"),
            OptionSpec("retry", value: "ID", completion: .repository(.messages), "send a failed or in-doubt message again, on purpose, under the same id"),
        ],
        discussion: "Placeholders {first_name}, {last_name}, {full_name}, {company}, {email}, {phone} and {user} are filled in; an unknown one is exit 64. Do-not-contact on the channel, and WhatsApp free text more than 24 hours after the contact's last message, are refused with exit 1 and nothing is written. With a delivery hook (.inbox/hooks/deliver) the message is marked sending, the hook runs, then it is marked sent, or failed (exit 69), or in-doubt if the hook ran past delivery.timeout and was killed (exit 69); without one it is recorded as sent. A hook not trusted on this machine (inbox hook status) is never run: the send is refused with exit 1 and nothing is written. Once the hook has run, its outcome is kept: if the repository is busy it is recorded by the next inbox command that writes, and send still exits 0 for a message sent.",
        examples: ["inbox message send cv1 \"Hi {first_name}, the form is on its way by email\"",
                   "inbox message send --contact ct1 --channel email \"Your form\" --attach form.pdf",
                   "inbox message send cv1 --note \"Called, left voicemail\""]
    )

    var request: OutboundRequest
    var textArgument: String?
    var attachments: [String]
    var at: String?
    var retry: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageSendCommand {
        if let retry = arguments.value("retry") {
            let others = ["contact", "channel", "attach", "template", "from", "cc", "note", "no-signature", "at"].filter(arguments.has)
            guard others.isEmpty, arguments.positionals.isEmpty else {
                throw InboxError.usage("--retry ID takes nothing else: the message is sent again as it was")
            }
            return MessageSendCommand(request: OutboundRequest(), textArgument: nil, attachments: [], at: nil, retry: retry)
        }
        var request = OutboundRequest()
        var positionals = arguments.positionals
        if let contact = arguments.value("contact") {
            guard let channel = arguments.value("channel") else { throw InboxError.usage("--contact needs --channel") }
            request.contact = contact
            request.channel = try ConversationView.channel(channel)
        } else {
            if arguments.has("channel") { throw InboxError.usage("--channel goes with --contact; a conversation already has its channel") }
            guard !positionals.isEmpty else { throw InboxError.usage("missing CONVERSATION (or --contact and --channel)") }
            request.conversation = positionals.removeFirst()
        }
        guard positionals.count <= 1 else { throw InboxError.usage("unexpected argument '\(positionals[1])' (quote the message text)") }
        request.template = arguments.value("template")
        if positionals.isEmpty && request.template == nil && arguments.list("attach").isEmpty {
            throw InboxError.usage("missing message TEXT (or --template NAME)")
        }
        request.from = arguments.value("from")
        request.cc = arguments.list("cc")
        request.note = arguments.flag("note")
        request.signature = !arguments.flag("no-signature")
        if request.note && (request.template != nil || !request.cc.isEmpty || request.from != nil || arguments.has("at")) {
            throw InboxError.usage("a --note is never delivered, so it takes no --template, --cc, --from or --at")
        }
        return MessageSendCommand(request: request, textArgument: positionals.first, attachments: arguments.list("attach"),
                                  at: arguments.value("at"), retry: nil)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        if let retry { return try MessageSending.retry(retry, context) }
        var request = self.request
        if let textArgument { request.text = try context.text(textArgument) }
        request.scheduledAt = try at.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        return try MessageSending.send(request, attachments: attachments, context)
    }
}

/// Shared by `send` and `schedule`: write under the lock, deliver after it, report.
enum MessageSending {
    static func send(_ request: OutboundRequest, attachments: [String], _ context: CommandContext) throws(InboxError) -> CommandOutput {
        var request = request
        request.attachments = attachments.map(context.absolutePath)
        let repository = try context.repository()
        request.queueForFlush = repository.isBatching
        let hook = try DeliveryHook.readiness(repository)
        // An untrusted hook is never run: a send that would run it now is refused, unwritten.
        if case .untrusted(let why) = hook, !request.note, request.scheduledAt == nil, !request.queueForFlush {
            throw InboxError.refused(why)
        }
        if hook.isInstalled, !request.note, request.scheduledAt == nil, !request.queueForFlush {
            try DeliveryHost.check(repository, doing: "sending through the delivery hook")
        }
        let (prepared, conversation, timeout) = try context.write { (tx, actor) throws(InboxError) in
            let (message, conversation) = try Outbox.prepare(request, actor: actor, now: context.now, hookInstalled: hook.isInstalled, in: tx)
            return (message, conversation, try DeliveryHook.timeout(tx))
        }
        let delivery = Outbox.deliver(prepared, repository: repository, timeout: timeout, now: context.now)
        let message = delivery.message
        var what: String
        switch (message.kind, message.state) {
        case (.note, _): what = "Added note \(message.id) to \(conversation.id)"
        case (_, .scheduled?) where request.queueForFlush && message.scheduledAt == context.now:
            what = "Queued \(message.id) in \(conversation.id) for the next flush (delivery waits until the batch is written)"
        case (_, .scheduled?): what = "Scheduled \(message.id) in \(conversation.id) for \(message.scheduledAt!.localDescription) (\(message.scheduledAt!.age(relativeTo: context.now)))"
        default: what = "Sent \(message.id) in \(conversation.id) by \(conversation.channel.rawValue)" + (message.to.map { " to \($0)" } ?? "")
        }
        return report(delivery, what, context)
    }

    /// The confirmation, or (exit 69) what became of a failed or timed-out delivery; never
    /// "try again" once the hook has run.
    static func report(_ delivery: Outbox.Delivery, _ what: String, _ context: CommandContext) -> CommandOutput {
        var out = CommandOutput.record(delivery.message.id, delivery.message.jsonView(), what + (delivery.deferredNote.map { " (\($0))" } ?? ""))
        if let failure = delivery.failure {
            out.lines = []
            if let note = delivery.deferredNote { out.notices = ["\(delivery.message.id): \(note)"] }
            out.failure = failure
        }
        return out
    }

    static func retry(_ id: String, _ context: CommandContext) throws(InboxError) -> CommandOutput {
        let repository = try context.repository()
        let hook = try DeliveryHook.readiness(repository)
        if hook.isInstalled && repository.isBatching { throw InboxError.refused("send --retry runs the delivery hook at once, so it cannot run inside a batch") }
        if case .untrusted(let why) = hook { throw InboxError.refused(why) }
        if hook.isInstalled { try DeliveryHost.check(repository, doing: "send --retry through the delivery hook") }
        let (started, timeout) = try context.write { (tx, _) throws(InboxError) in
            (try ScheduledSends.retry(id, now: context.now, hookInstalled: hook.isInstalled, in: tx), try DeliveryHook.timeout(tx))
        }
        let delivery = Outbox.deliver(started, repository: repository, timeout: timeout, now: context.now)
        return report(delivery, "Sent \(delivery.message.id) again (attempt \(delivery.message.attempts))", context)
    }
}
