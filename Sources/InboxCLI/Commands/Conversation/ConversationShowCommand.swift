import InboxCore

struct ConversationShowCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "show", access: .read, abstract: "Print a conversation's thread without marking it read",
        arguments: [ArgumentSpec("ID", completion: .repository(.conversations), "conversation id or an unambiguous prefix")],
        examples: ["inbox conversation show cv1", "inbox --json conversation show cv1 | jq .messages"]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationShowCommand {
        try arguments.allowPositionals(1)
        return ConversationShowCommand(id: try arguments.positional(0, "conversation ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let (conversation, messages, log, notes, contact, actor) = try context.read { (s) throws(InboxError) in
            let conversation = try Conversations.resolve(id, in: s)
            return (conversation, try Messages.of(conversation.id, in: s), try CommunicationLog.of(conversation.contact, in: s),
                    try ContactNotes.of(conversation: conversation, in: s), try Contacts.table.lookup(conversation.contact, in: s),
                    try context.actingUser(s))
        }
        return ConversationThreadOutput.make(conversation, messages, log, notes, contact, actor: actor, now: context.now)
    }
}

/// What `show` and `open` print: the conversation, then its thread in time order.
enum ConversationThreadOutput {
    /// The thread holds the conversation's messages and notes, its closings (the notes closing
    /// left in the contact's history), and the contact's calls and other log entries, in time order.
    static func make(_ conversation: Conversation, _ messages: [Message], _ log: [LogEntry], _ closings: [ContactNote], _ contact: Contact?,
                     actor: String, now: Timestamp) -> CommandOutput {
        let ordered = messages.sorted { ($0.at.seconds, Messages.order($0.id)) < ($1.at.seconds, Messages.order($1.id)) }
        var json = conversation.jsonView(for: actor)
        json.append("messages", .array(ordered.map { m in
            var record = m.jsonView()
            if m.state == .scheduled { record.append("overdue", .bool(m.isOverdue(now: now))) }
            return .object(record)
        }))
        json.append("log", .array(log.map { .object($0.jsonView()) }))
        json.append("closings", .array(closings.map { .object($0.jsonView()) }))
        var out = CommandOutput()
        out.ids = [conversation.id]
        out.records = [.object(json)]
        let items = ordered.map(TimelineItem.message) + log.map(TimelineItem.log) + closings.map(TimelineItem.contactNote)
        out.lines = ConversationView.header(conversation, contact: contact, actor: actor) + ConversationView.timeline(items, contact: contact, now: now)
        return out
    }
}
