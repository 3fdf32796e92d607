import InboxCore

struct LogAddCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "log", verb: "add", access: .write, abstract: "Log a call, meeting, email or note with a contact",
        arguments: [ArgumentSpec("TEXT", "what happened; - reads it from standard input")],
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "the contact (required)"),
            OptionSpec("kind", value: "KIND", completion: .cases(LogEntry.Kind.self), "call, meeting, email, note or other (required)"),
            OptionSpec("direction", value: "DIR", completion: .cases(Message.Direction.self), "in (they reached us) or out"),
            OptionSpec("outcome", value: "OUTCOME", completion: .cases(LogEntry.Outcome.self), "completed, missed, failed or voicemail (calls and meetings)"),
            OptionSpec("duration", value: "DURATION", "how long, e.g. 12m or 1h30m"),
            OptionSpec("recording", value: "FILE", completion: .file, "an audio or video recording, copied into the repository"),
            OptionSpec("at", value: "TIME", "when it happened (default: now)"),
        ],
        examples: ["inbox log add --contact ct1 --kind call --direction out --outcome completed --duration 12m \"Walked through the return\""]
    )

    var draft: LogDraft
    var at: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> LogAddCommand {
        try arguments.allowPositionals(1)
        guard let contact = arguments.value("contact") else { throw InboxError.usage("missing --contact ID") }
        guard let kind = try arguments.choice("kind", LogEntry.Kind.self) else {
            throw InboxError.usage("missing --kind (\(ParsedArguments.alternatives(LogEntry.Kind.self)))")
        }
        var draft = LogDraft(contact: contact, kind: kind, text: try arguments.positional(0, "TEXT"))
        draft.direction = try arguments.choice("direction", Message.Direction.self)
        draft.outcome = try arguments.choice("outcome", LogEntry.Outcome.self)
        if let d = arguments.value("duration") {
            guard let seconds = DurationText.seconds(d) else { throw InboxError.usage("--duration takes a length such as 90s, 12m or 1h30m, not '\(d)'") }
            draft.durationSeconds = seconds
        }
        draft.recordingPath = arguments.value("recording")
        return LogAddCommand(draft: draft, at: arguments.value("at"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var draft = self.draft
        draft.text = try context.text(draft.text)
        draft.at = try at.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        draft.recordingPath = draft.recordingPath.map(context.absolutePath)
        let entry = try context.write { (tx, actor) throws(InboxError) in
            try CommunicationLog.add(draft, author: actor, now: context.now, in: tx)
        }
        return .record(entry.id, entry.jsonView(), "Logged \(entry.id): \(entry.kind.rawValue) with \(entry.contact)")
    }
}
