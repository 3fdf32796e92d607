import InboxCore

struct MessageEditCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "edit", access: .write, abstract: "Change a scheduled message's text or time",
        arguments: [
            ArgumentSpec("ID", completion: .repository(.scheduledMessages), "a scheduled message"),
            ArgumentSpec("TEXT", optional: true, "the new text; - reads it from standard input"),
        ],
        options: [
            OptionSpec("at", value: "TIME", "the new time to send it"),
            OptionSpec("no-signature", "leave out the author's signature from the new text (email only)"),
        ],
        discussion: "Only a message that is still scheduled can be edited; otherwise exit 1 says its state.",
        examples: ["inbox message edit ms7 --at \"fri 9:00\"", "inbox message edit ms7 \"Reminder: documents due Monday\""]
    )

    var id: String
    var text: String?
    var at: String?
    var signature: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageEditCommand {
        try arguments.allowPositionals(2)
        let id = try arguments.positional(0, "message ID")
        guard arguments.positionals.count == 2 || arguments.has("at") else { throw InboxError.usage("give a new TEXT, --at TIME, or both") }
        return MessageEditCommand(id: id, text: arguments.positionals.dropFirst().first, at: arguments.value("at"), signature: !arguments.flag("no-signature"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let newText = try text.map { (t) throws(InboxError) in try context.text(t) }
        let when = try at.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let message = try context.write { (tx, actor) throws(InboxError) in
            try ScheduledSends.edit(id, text: newText, at: when, actor: actor, signature: signature, now: context.now, in: tx)
        }
        let due = message.scheduledAt ?? message.at
        return .record(message.id, message.jsonView(), "\(message.id) is scheduled for \(due.localDescription) (\(due.age(relativeTo: context.now)))")
    }
}
