import InboxCore

struct ContactDndCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "dnd", access: .write, abstract: "Turn do-not-contact on or off for channels",
        arguments: [ArgumentSpec("ID", optional: true, variadic: true, completion: .repository(.contacts),
                                 "contact ids; - reads them from standard input; or select with --where-tag/--search/--owner")],
        options: [
            OptionSpec("on", value: "CHANNEL", variadic: true, completion: .cases(ParsedArguments.OrAll<ContactChannel>.self),
                       "block these channels (sms, email, calls, whatsapp, …) or all"),
            OptionSpec("off", value: "CHANNEL", variadic: true, completion: .cases(ParsedArguments.OrAll<ContactChannel>.self), "lift these channels, or all"),
            OptionSpec("inbound", "with --on, also block inbound messages and calls; with --off, stop blocking them"),
            OptionSpec("where-tag", value: "TAG", completion: .repository(.tags), "select contacts that have this tag"),
            OptionSpec("search", value: "TEXT", "select contacts matching TEXT, as contact list --search"),
            OptionSpec("owner", value: "USER", completion: .repository(.users), "select contacts owned by USER"),
            OptionSpec("dry-run", "show what would change and write nothing"),
            ContactSelection.keepGoing,
        ],
        discussion: "Sending on a blocked channel is refused with exit 1 and says why. The whole set changes under one lock, each file rewritten once; the summary on stderr says how many changed and how many already were so.",
        examples: ["inbox contact dnd ct1 --on sms", "inbox contact dnd ct1 --on all --inbound", "inbox contact dnd ct1 --off sms email"]
    )

    var ids: [String]
    var selection: ContactFilter?
    var change: DoNotContactChange
    var dryRun: Bool
    var keepGoing: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactDndCommand {
        let selection = try ContactSelection.parse(arguments)
        try arguments.exclusive("on", "off")
        var change = DoNotContactChange()
        change.on = try arguments.choices("on", ParsedArguments.OrAll<ContactChannel>.self, ignoringCase: true).map(\.rawValue)
        change.off = try arguments.choices("off", ParsedArguments.OrAll<ContactChannel>.self, ignoringCase: true).map(\.rawValue)
        change.inbound = arguments.flag("inbound")
        guard !change.on.isEmpty || !change.off.isEmpty || change.inbound else {
            throw InboxError.usage("give --on CHANNEL… or --off CHANNEL… (channels: \(ParsedArguments.alternatives(ParsedArguments.OrAll<ContactChannel>.self)))")
        }
        return ContactDndCommand(ids: arguments.positionals, selection: selection, change: change, dryRun: arguments.flag("dry-run"), keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let given = selection == nil ? try context.ids(ids) : []
        let result: BulkContactChange
        if dryRun {
            result = try context.read { (s) throws(InboxError) in
                try Contacts.previewDoNotContact(try ContactSelection.ids(given, selection, in: s), change, keepGoing: keepGoing, in: s)
            }
        } else {
            result = try context.write { (tx, _) throws(InboxError) in
                try Contacts.setDoNotContact(try ContactSelection.ids(given, selection, in: tx), change, now: context.now, keepGoing: keepGoing, in: tx)
            }
        }
        return ContactSelection.output(result, dryRun: dryRun, for: context.globals) { "\($0.id) \($0.displayName): do-not-contact \(ContactView.dndDescription($0.dnd))" }
    }
}
