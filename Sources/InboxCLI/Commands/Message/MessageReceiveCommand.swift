import InboxCore

struct MessageReceiveCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "receive", access: .write, abstract: "Record a message from a contact (for webhooks and imports)",
        arguments: [ArgumentSpec("TEXT", optional: true, "the message; - reads it from standard input (may be left out with --attach)")],
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "the contact who wrote"),
            OptionSpec("from", value: "ADDRESS", "their phone number or email address: matched to a contact, or a new contact is made"),
            OptionSpec("channel", value: "CHANNEL", completion: .cases(Channel.self), "the channel it came on (required)"),
            OptionSpec("at", value: "TIME", "when it arrived (default: now)"),
            OptionSpec("attach", value: "FILE", repeatable: true, completion: .file, "a file that came with it, stored by content as sent files are"),
            OptionSpec("subject", value: "TEXT", "the email's subject: it goes to the thread of that subject (Re: and Fwd: aside), or starts one named so"),
        ],
        discussion: "The message goes to the contact's open conversation on that channel, else their latest one (reopened), else a new one. While availability is off, an unassigned conversation is filed as missed and the auto-response is queued for the next flush, once per conversation per off period; an assigned conversation stays with its assignee, with no auto-response. An SMS of STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT sets do-not-contact for SMS. A contact with inbound do-not-contact has the message recorded without raising a new or unread conversation. An email with --subject goes to the contact's email thread of that subject, open first, else the latest (reopened), else a new thread with that subject; --subject on another channel is exit 64.",
        examples: ["inbox message receive --contact ct1 --channel sms \"Hi, can you send the form?\"",
                   "inbox message receive --from \"+1 212 555 0177\" --channel sms - < body.txt",
                   "inbox message receive --from client@example.com --channel email --subject \"Your W-2\" \"Here it is\" --attach w2.pdf"]
    )

    var contact: String?
    var from: String?
    var channel: Channel
    var text: String
    var at: String?
    var attachments: [String]
    var subject: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageReceiveCommand {
        try arguments.allowPositionals(1)
        try arguments.exclusive("contact", "from")
        guard arguments.has("contact") || arguments.has("from") else { throw InboxError.usage("give --contact ID or --from ADDRESS") }
        guard let channel = arguments.value("channel") else { throw InboxError.usage("missing --channel CHANNEL") }
        // The channel is checked before the text, so a bad one is named whatever else is missing.
        let parsedChannel = try ConversationView.channel(channel)
        let attachments = arguments.list("attach")
        let text = attachments.isEmpty || !arguments.positionals.isEmpty ? try arguments.positional(0, "message TEXT") : ""
        return MessageReceiveCommand(contact: arguments.value("contact"), from: arguments.value("from"),
                                     channel: parsedChannel, text: text,
                                     at: arguments.value("at"), attachments: attachments, subject: arguments.value("subject"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var request = InboundRequest(channel: channel, text: text.isEmpty ? "" : try context.text(text))
        request.attachments = attachments.map(context.absolutePath)
        request.subject = subject
        request.contact = contact
        request.from = from
        request.at = try at.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        guard !request.text.trimmingWhitespace().isEmpty || !attachments.isEmpty else { throw InboxError.usage("the message is empty") }
        let reception = try context.repository().write { (tx) throws(InboxError) in
            try Receiving.receive(request, now: context.now, in: tx)
        }
        var out = CommandOutput.record(reception.message.id, reception.message.jsonView(),
                                       "Received \(reception.message.id) from \(reception.contact.displayName) in \(reception.conversation.id)")
        if reception.createdContact { out.info.append("New contact \(reception.contact.id) for \(reception.contact.displayName)") }
        if reception.reopened { out.info.append("Reopened \(reception.conversation.id)") }
        if reception.startedThread, let subject = reception.conversation.subject { out.info.append("New thread \(reception.conversation.id): \(subject)") }
        if reception.optedOut { out.info.append("\(reception.contact.id) opted out: do-not-contact is now on for SMS") }
        if let reply = reception.autoResponse { out.info.append("Availability is off: \(reception.conversation.id) is missed; auto-response \(reply.id) is queued") }
        return out
    }
}
