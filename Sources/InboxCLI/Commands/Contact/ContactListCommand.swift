import InboxCore

struct ContactListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "list", access: .read, abstract: "List contacts, newest first",
        options: [
            OptionSpec("search", value: "TEXT", "match first name, last name, email, or phone digits"),
            OptionSpec("tag", value: "TAG", completion: .repository(.tags), "only contacts with this tag (any case)"),
            OptionSpec("dnd", value: "CHANNEL", completion: .cases(ContactChannel.self), "only contacts with do-not-contact on this channel"),
            OptionSpec("owner", value: "USER", completion: .repository(.users), "only contacts owned by this user"),
            OptionSpec("limit", short: "n", value: "N", "show at most N contacts"),
            OptionSpec("after", value: "ID", completion: .repository(.contacts), "start after this contact (the last id of the previous page; in the default order only)"),
            ContactOrder.option,
        ],
        examples: [
            "inbox contact list --search lovelace",
            "inbox contact list --search smith -q | inbox contact tag - --add vip",
            "inbox contact list --limit 50 --after ct950",
            "inbox contact list --sort name",
        ]
    )

    var filter: ContactFilter
    var order: ContactOrder?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactListCommand {
        try arguments.allowPositionals(0)
        var filter = ContactFilter()
        filter.search = arguments.value("search")
        filter.tag = arguments.value("tag")
        filter.dnd = try arguments.choice("dnd", ContactChannel.self, ignoringCase: true)?.rawValue
        filter.owner = arguments.value("owner")
        filter.limit = try arguments.int("limit")
        filter.after = arguments.value("after")
        let order = try ContactOrder.parse(arguments)
        if filter.after != nil, let order, order != .created {
            throw InboxError.usage("--after pages through contacts newest first; it cannot be used with --sort \(order.rawValue)")
        }
        return ContactListCommand(filter: filter, order: order)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        // Rows and ids need only what the search index holds of a contact; --json shows the
        // whole record, read from its shard.
        let rowsOnly = !context.globals.json
        let contacts = try context.read { (s) throws(InboxError) in try sortedList(rowsOnly: rowsOnly, in: s) }
        var out = CommandOutput()
        out.ids = contacts.map(\.id)
        if !rowsOnly { out.records = contacts.map { .object($0.jsonView()) } }
        if !contacts.isEmpty { out.lines = [.table(ContactView.table(contacts, now: context.now))] }
        return out
    }

    /// The listing in the order asked for: another order than the default needs every match
    /// before --limit applies (and sorting by updated, whole contacts).
    func sortedList(rowsOnly: Bool = false, in session: Session) throws(InboxError) -> [Contact] {
        guard let order, order != .created else {
            return rowsOnly ? try Contacts.listRows(filter, in: session) : try Contacts.list(filter, in: session)
        }
        var all = filter
        all.limit = nil
        let sorted = order.sorted(try Contacts.list(all, in: session))
        return filter.limit.map { Array(sorted.prefix($0)) } ?? sorted
    }
}
