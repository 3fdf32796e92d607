import InboxCore

struct ContactDeleteCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "delete", access: .write, abstract: "Delete contacts that nothing refers to (or, with --force, with all they have)",
        arguments: [ArgumentSpec("ID", variadic: true, completion: .repository(.contacts), "contact ids; - reads them from standard input")],
        options: [
            OptionSpec("force", "also delete their conversations (with every message), notes, tasks and log entries"),
            OptionSpec("dry-run", "show what would be deleted and write nothing"),
        ],
        discussion: """
            A contact that conversations, notes, tasks or log entries refer to is kept: exit 1, naming what each has, and nothing \
            is deleted. Merge it into another contact instead ('contact merge'), move its conversations ('conversation move'), \
            or give --force, which deletes all of it and says what it deleted. Ids of deleted contacts are never reused.
            """,
        examples: ["inbox contact delete ct12", "inbox contact delete ct12 --force --dry-run"]
    )

    var ids: [String]
    var force: Bool
    var dryRun: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactDeleteCommand {
        guard !arguments.positionals.isEmpty else { throw InboxError.usage("missing contact ID") }
        return ContactDeleteCommand(ids: arguments.positionals, force: arguments.flag("force"), dryRun: arguments.flag("dry-run"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let ids = try context.ids(self.ids)
        let deletions: [ContactDeletion]
        if dryRun {
            deletions = try context.read { (s) throws(InboxError) in try Contacts.deletions(ids, force: force, in: s) }
        } else {
            deletions = try context.write { (tx, _) throws(InboxError) in
                let found = try Contacts.deletions(ids, force: force, in: tx)
                try Contacts.delete(found, in: tx)
                return found
            }
        }
        var out = CommandOutput()
        out.ids = deletions.map(\.contact.id)
        out.records = deletions.map { d in
            .object(JSONObject([("id", .string(d.contact.id)), ("deleted", .bool(!dryRun)),
                                ("conversations", .strings(d.removed.conversations.map(\.id))), ("notes", .strings(d.removed.notes.map(\.id))),
                                ("tasks", .strings(d.removed.tasks.map(\.id))), ("log_entries", .strings(d.removed.logEntries.map(\.id)))]))
        }
        out.lines = deletions.map { d in
            .plain("\(dryRun ? "Would delete" : "Deleted") contact \(d.contact.id) \(d.contact.displayName)"
                   + (d.removed.isEmpty ? "" : " with \(d.removed.summary)"))
        }
        return out
    }
}
