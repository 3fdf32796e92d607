import InboxCore

struct ContactShowCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "show", access: .read, abstract: "Show a contact's details and notes (newest first)",
        arguments: [ArgumentSpec("ID", completion: .repository(.contacts), "contact id or an unambiguous prefix")],
        examples: ["inbox contact show ct1", "inbox --json contact show ct1 | jq .notes"]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactShowCommand {
        try arguments.allowPositionals(1)
        return ContactShowCommand(id: try arguments.positional(0, "contact ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let (contact, notes) = try context.read { (s) throws(InboxError) in
            let contact = try Contacts.resolve(id, in: s)
            return (contact, try ContactNotes.of(contact, in: s))
        }
        var json = contact.jsonView()
        json.append("notes", .array(notes.map { .object($0.jsonView()) }))
        var out = CommandOutput()
        out.ids = [contact.id]
        out.records = [.object(json)]
        out.lines = ContactView.details(contact, notes: notes, now: context.now)
        return out
    }
}
