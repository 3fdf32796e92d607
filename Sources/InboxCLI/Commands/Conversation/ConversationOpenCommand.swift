import InboxCore

struct ConversationOpenCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "open", access: .write, abstract: "Print a conversation's thread and mark it read by you",
        arguments: [ArgumentSpec("ID", completion: .repository(.conversations), "conversation id or an unambiguous prefix")],
        discussion: "Messages, notes, auto-responses, closings and the contact's calls and log entries are grouped by date with their states and read receipts; a scheduled message whose time has passed unsent is marked OVERDUE. Opening records a receipt for you on every message from the contact and clears the unread marker; 'show' prints the same without recording anything.",
        examples: ["inbox conversation open cv1"]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationOpenCommand {
        try arguments.allowPositionals(1)
        return ConversationOpenCommand(id: try arguments.positional(0, "conversation ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        // Opening records a read receipt, a change any user may make, viewers included.
        let (conversation, messages, log, notes, contact, actor) = try context.repository().write { (tx) throws(InboxError) in
            let actor = try context.actingUser(tx)
            let (conversation, messages) = try Conversations.open(id, by: actor, now: context.now, in: tx)
            return (conversation, messages, try CommunicationLog.of(conversation.contact, in: tx),
                    try ContactNotes.of(conversation: conversation, in: tx), try Contacts.table.lookup(conversation.contact, in: tx), actor)
        }
        var out = ConversationThreadOutput.make(conversation, messages, log, notes, contact, actor: actor, now: context.now)
        let overdue = messages.filter { $0.isOverdue(now: context.now) }
        if !overdue.isEmpty {
            out.notices.append("warning: \(overdue.map(\.id).joined(separator: ", ")) overdue: scheduled, due, and not sent; is 'inbox message flush' running from cron?")
        }
        return out
    }
}
