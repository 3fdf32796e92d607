import InboxCore

struct ContactTagCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "tag", access: .write, abstract: "Add and remove tags on many contacts at once",
        arguments: [ArgumentSpec("ID", optional: true, variadic: true, completion: .repository(.contacts),
                                 "contact ids; - reads them from standard input; or select with --where-tag/--search")],
        options: [
            OptionSpec("add", value: "TAG", variadic: true, completion: .repository(.tags), "tags to add"),
            OptionSpec("remove", value: "TAG", variadic: true, completion: .repository(.tags), "tags to remove (any case)"),
            OptionSpec("where-tag", value: "TAG", completion: .repository(.tags), "select contacts that have this tag"),
            OptionSpec("search", value: "TEXT", "select contacts matching TEXT, as contact list --search"),
            OptionSpec("owner", value: "USER", completion: .repository(.users), "select contacts owned by USER"),
            OptionSpec("dry-run", "show what would change and write nothing"),
            ContactSelection.keepGoing,
        ],
        discussion: "The whole set changes under one lock, each file rewritten once. The summary on stderr says how many changed and how many already were so.",
        examples: ["inbox contact list --search smith -q | inbox contact tag - --add vip",
                   "inbox contact tag --where-tag prospect --add client --remove prospect", "inbox contact tag ct1 ct2 --add tax-2026 --dry-run"]
    )

    var ids: [String]
    var filter: ContactFilter?
    var change: TagChange
    var dryRun: Bool
    var keepGoing: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactTagCommand {
        var change = TagChange()
        change.add = try arguments.list("add").map { (t) throws(InboxError) in try Tags.validated(t) }
        change.remove = try arguments.list("remove").map { (t) throws(InboxError) in try Tags.validated(t) }
        guard !change.add.isEmpty || !change.remove.isEmpty else { throw InboxError.usage("give --add TAG… or --remove TAG…") }
        return ContactTagCommand(ids: arguments.positionals, filter: try ContactSelection.parse(arguments), change: change,
                                 dryRun: arguments.flag("dry-run"), keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let given = filter == nil ? try context.ids(ids) : []
        let result: BulkContactChange
        if dryRun {
            result = try context.read { (s) throws(InboxError) in
                try Contacts.previewTags(try ContactSelection.ids(given, filter, in: s), change, keepGoing: keepGoing, in: s)
            }
        } else {
            result = try context.write { (tx, _) throws(InboxError) in
                try Contacts.tag(try ContactSelection.ids(given, filter, in: tx), change, now: context.now, keepGoing: keepGoing, in: tx)
            }
        }
        return ContactSelection.output(result, dryRun: dryRun, for: context.globals) { "\($0.id) \($0.displayName): \($0.tags.isEmpty ? "no tags" : $0.tags.joined(separator: ", "))" }
    }
}
