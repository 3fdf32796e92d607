import InboxCore

struct ConversationMoveCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "move", access: .write, abstract: "Give a conversation to another contact",
        arguments: [ArgumentSpec("ID", completion: .repository(.conversations), "conversation id or an unambiguous prefix")],
        options: [OptionSpec("contact", value: "ID", completion: .repository(.contacts), "the contact it belongs to from now on")],
        discussion: "The conversation's messages and its closing notes move with it (a message filed under the wrong client, a contact created twice).",
        examples: ["inbox conversation move cv12 --contact ct3"]
    )

    var id: String
    var contact: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationMoveCommand {
        try arguments.allowPositionals(1)
        guard let contact = arguments.value("contact") else { throw InboxError.usage("give --contact ID: the contact the conversation moves to") }
        return ConversationMoveCommand(id: try arguments.positional(0, "conversation ID"), contact: contact)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let (moved, actor) = try context.write { (tx, actor) throws(InboxError) in
            (try Contacts.moveConversation(id, to: contact, now: context.now, in: tx), actor)
        }
        let c = moved.conversation
        let text = moved.from == c.contact ? "\(c.id) already belongs to \(c.contact)" : "Moved \(c.id) from \(moved.from) to \(c.contact)"
        return .record(c.id, c.jsonView(for: actor), text)
    }
}
