import InboxCore

struct ConversationCreateCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "create", access: .write, abstract: "Start a conversation with a contact on a channel",
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "the contact (required)"),
            OptionSpec("channel", value: "CHANNEL", completion: .cases(Channel.self), "sms, email, whatsapp, instagram, telegram, facebook, webchat or imessage (required)"),
            OptionSpec("subject", value: "TEXT", "what it is about"),
            OptionSpec("assign", value: "USER", completion: .repository(.users), "assign it at once"),
        ],
        examples: ["inbox conversation create --contact ct1 --channel sms --subject \"Tax documents\""]
    )

    var contact: String
    var channel: Channel
    var subject: String?
    var assignee: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationCreateCommand {
        try arguments.allowPositionals(0)
        guard let contact = arguments.value("contact") else { throw InboxError.usage("missing --contact ID") }
        guard let channel = arguments.value("channel") else { throw InboxError.usage("missing --channel CHANNEL") }
        return ConversationCreateCommand(contact: contact, channel: try ConversationView.channel(channel), subject: arguments.value("subject"),
                                         assignee: try arguments.value("assign").map { (u) throws(InboxError) in try UserName.validated(u) })
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let (conversation, actor) = try context.write { (tx, actor) throws(InboxError) in
            let contact = try Contacts.resolve(self.contact, in: tx)
            var conversation = try Conversations.create(contact: contact, channel: channel, subject: subject, now: context.now, in: tx)
            if let assignee { conversation = try Conversations.assign([conversation.id], to: assignee, now: context.now, in: tx)[0] }
            return (conversation, actor)
        }
        return .record(conversation.id, conversation.jsonView(for: actor),
                       "Created conversation \(conversation.id) with \(conversation.contact) on \(conversation.channel.rawValue)")
    }
}
