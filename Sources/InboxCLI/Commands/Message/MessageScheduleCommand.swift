import InboxCore

struct MessageScheduleCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "schedule", access: .write, abstract: "Schedule a message to send later (the cron flush delivers it)",
        arguments: [
            ArgumentSpec("CONVERSATION", completion: .repository(.openConversations), "the conversation"),
            ArgumentSpec("TEXT", optional: true, "the message; - reads it from standard input (may be left out with --template)"),
        ],
        options: [
            OptionSpec("at", value: "TIME", "when to send it (required; see TIME FORMS)"),
            OptionSpec("attach", value: "FILE", repeatable: true, completion: .file, "attach a file"),
            OptionSpec("template", value: "NAME", completion: .repository(.templates), "send a saved template"),
            OptionSpec("from", value: "NUMBER", completion: .repository(.fromNumbers), "one of the firm's SMS numbers (config sms.from; default: the first)"),
            OptionSpec("cc", value: "ADDRESS", repeatable: true, "copy to this address (email only)"),
            OptionSpec("no-signature", "leave out your signature (added to email only)"),
        ],
        discussion: "The confirmation shows the resolved time in local time. A time in the past, or an unclear one, is exit 64. Do-not-contact and the WhatsApp window are checked now and again at delivery. A closed conversation takes no new schedule (exit 1); what was scheduled before it closed goes out at its time without reopening it, unless closing cancelled it (conversation close --cancel-scheduled). message list --scheduled marks a message OVERDUE once its time has passed unsent.",
        examples: ["inbox message schedule cv1 \"Reminder: documents due Friday\" --at \"tomorrow 9:00\"",
                   "inbox message schedule cv1 --template followup --at \"mon 9:00\""]
    )

    var request: OutboundRequest
    var textArgument: String?
    var attachments: [String]
    var at: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageScheduleCommand {
        try arguments.allowPositionals(2)
        guard let at = arguments.value("at") else { throw InboxError.usage("missing --at TIME (for example --at \"tomorrow 9:00\")") }
        var request = OutboundRequest()
        request.conversation = try arguments.positional(0, "CONVERSATION")
        request.template = arguments.value("template")
        guard arguments.positionals.count == 2 || request.template != nil else { throw InboxError.usage("missing message TEXT (or --template NAME)") }
        request.from = arguments.value("from")
        request.cc = arguments.list("cc")
        request.signature = !arguments.flag("no-signature")
        return MessageScheduleCommand(request: request, textArgument: arguments.positionals.dropFirst().first,
                                      attachments: arguments.list("attach"), at: at)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var request = self.request
        if let textArgument { request.text = try context.text(textArgument) }
        request.scheduledAt = try TimeExpression.resolve(at, now: context.now)
        return try MessageSending.send(request, attachments: attachments, context)
    }
}
