import InboxCore

struct ContactNoteCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "note", access: .write, abstract: "Add a note to a contact, or change one (--edit)",
        arguments: [
            ArgumentSpec("ID", completion: .repository(.contacts), "contact id or an unambiguous prefix"),
            ArgumentSpec("TEXT", "the note; - reads it from standard input"),
        ],
        options: [OptionSpec("edit", value: "NOTE", "replace the text of this note of the contact (nt…; its author or an admin)")],
        examples: ["inbox contact note ct1 \"Prefers email after 5pm\"", "pbpaste | inbox contact note ct1 -",
                   "inbox contact note ct1 --edit nt3 \"Prefers calls after 5pm\""]
    )

    var id: String
    var text: String
    var edit: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactNoteCommand {
        try arguments.allowPositionals(2)
        return ContactNoteCommand(id: try arguments.positional(0, "contact ID"), text: try arguments.positional(1, "note TEXT"),
                                  edit: arguments.value("edit"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let body = try context.text(text)
        if let edit {
            let note = try context.write { (tx, actor) throws(InboxError) in
                let contact = try Contacts.resolve(id, in: tx)
                // Someone else's note is an admin's to change.
                if let note = try ContactNotes.of(contact, in: tx).first(where: { $0.id == edit }), note.author != actor {
                    try Users.authorize(actor, adminOnly: true, in: tx)
                }
                return try ContactNotes.edit(edit, of: contact, text: body, now: context.now, in: tx)
            }
            return .record(note.id, note.jsonView(), "Changed note \(note.id) of \(note.contact)")
        }
        let note = try context.write { (tx, actor) throws(InboxError) in
            let contact = try Contacts.resolve(id, in: tx)
            return try ContactNotes.add(to: contact, text: body, author: actor, now: context.now, in: tx)
        }
        return .record(note.id, note.jsonView(), "Added note \(note.id) to \(note.contact)")
    }
}
