import InboxCore

struct MessageSeenCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "seen", access: .write, abstract: "Record a read receipt a channel reported",
        arguments: [ArgumentSpec("ID", completion: .repository(.messages), "message id or an unambiguous prefix")],
        options: [
            OptionSpec("by", value: "WHO", completion: .repository(.people), "the contact id or user name who read it (required)"),
            OptionSpec("at", value: "TIME", "when (default: now)"),
        ],
        examples: ["inbox message seen ms4 --by ct1"]
    )

    var id: String
    var by: String
    var at: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageSeenCommand {
        try arguments.allowPositionals(1)
        guard let by = arguments.value("by") else { throw InboxError.usage("missing --by CONTACT|USER") }
        return MessageSeenCommand(id: try arguments.positional(0, "message ID"), by: by, at: arguments.value("at"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let when = try at.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) } ?? context.now
        let message = try context.repository().write { (tx) throws(InboxError) -> Message in
            // A contact id is taken as given (and checked); anything else must be a user name.
            let reader: String
            if let contact = try? Contacts.resolve(by, in: tx) { reader = contact.id } else {
                reader = try UserName.validated(by)
                try Users.requireKnown(reader, in: tx)
            }
            return try Messages.markSeen(id, by: reader, at: when, in: tx)
        }
        return .record(message.id, message.jsonView(), "\(message.id) seen by \(message.seenBy.map(\.by).joined(separator: ", "))")
    }
}
