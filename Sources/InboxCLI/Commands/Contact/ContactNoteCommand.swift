import InboxCore

struct ContactNoteCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "note", abstract: "Add a note to a contact",
        arguments: [
            ArgumentSpec("ID", completion: .repository("contacts"), "contact id or an unambiguous prefix"),
            ArgumentSpec("TEXT", "the note; - reads it from standard input"),
        ],
        examples: ["inbox contact note ct1 \"Prefers email after 5pm\"", "pbpaste | inbox contact note ct1 -"]
    )

    var id: String
    var text: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactNoteCommand {
        try arguments.allowPositionals(2)
        return ContactNoteCommand(id: try arguments.positional(0, "contact ID"), text: try arguments.positional(1, "note TEXT"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let body = try context.text(text)
        let note = try context.write { (tx, actor) throws(InboxError) in
            let contact = try Contacts.resolve(id, in: tx)
            return try ContactNotes.add(to: contact, text: body, author: actor, now: context.now, in: tx)
        }
        return .record(note.id, note.json, "Added note \(note.id) to \(note.contact)")
    }
}
