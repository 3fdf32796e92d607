import InboxCore

struct ConversationListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "conversation", verb: "list", access: .read, abstract: "List conversations, most recent activity first",
        options: [
            OptionSpec("mine", "only conversations assigned to you"),
            OptionSpec("all", "conversations of every assignee (the default)"),
            OptionSpec("unassigned", "only unassigned conversations"),
            OptionSpec("assignee", value: "USER", completion: .repository(.users), "only conversations assigned to USER"),
            OptionSpec("status", value: "STATUS", completion: .cases(ConversationFilter.StatusFilter.self), "open (default), closed or all"),
            OptionSpec("category", value: "CATEGORY", completion: .cases(Conversation.Category.self),
                       "new (unassigned), missed (unassigned, auto-responded, unanswered), yours or others (assigned)"),
            OptionSpec("channel", value: "CHANNEL", completion: .cases(Channel.self), "only this channel"),
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "only this contact's conversations"),
            OptionSpec("tag", value: "TAG", completion: .repository(.tags), "only contacts with this tag"),
            OptionSpec("search", value: "TEXT", "match the contact (name, email, phone), the subject, or a message holding every word of TEXT"),
            OptionSpec("since", value: "TIME", "last activity at or after TIME"),
            OptionSpec("until", value: "TIME", "last activity at or before TIME"),
            OptionSpec("sort", value: "ORDER", completion: .cases(ConversationOrder.self), "newest (default) or oldest activity first"),
            OptionSpec("limit", short: "n", value: "N", "show at most N"),
            OptionSpec("after", value: "ID", completion: .repository(.conversations), "start after this conversation (the last id of the previous page)"),
        ],
        discussion: "A row shows an unread marker (*), the contact, channel, subject, age of the last message, its preview (← from the contact, → from us), the assignee and the category as the acting user sees it. Every open conversation is in exactly one category: yours or others when assigned (to you, to someone else); unassigned, missed when the client wrote while availability was off and nobody has answered since, else new. Closed conversations have none.",
        examples: ["inbox conversation list --mine --status open", "inbox conversation list --category new -q | xargs -n1 inbox conversation assign --me",
                   "inbox --json conversation list --status all | jq -r .id"]
    )

    var filter: ConversationFilter
    var since: String?
    var until: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConversationListCommand {
        try arguments.allowPositionals(0)
        try arguments.exclusive("mine", "all", "unassigned", "assignee")
        var filter = ConversationFilter()
        if arguments.flag("mine") { filter.ownership = .mine }
        if arguments.flag("unassigned") { filter.ownership = .unassigned }
        if let user = arguments.value("assignee") { filter.ownership = .assignee(try UserName.validated(user)) }
        if let status = try arguments.choice("status", ConversationFilter.StatusFilter.self) { filter.status = status }
        filter.category = try arguments.choice("category", Conversation.Category.self)
        filter.channel = try arguments.value("channel").map { (c) throws(InboxError) in try ConversationView.channel(c) }
        filter.contact = arguments.value("contact")
        filter.tag = arguments.value("tag")
        filter.search = arguments.value("search")
        if let sort = try arguments.choice("sort", ConversationOrder.self) { filter.newestFirst = sort == .newest }
        filter.limit = try arguments.int("limit")
        filter.after = arguments.value("after")
        return ConversationListCommand(filter: filter, since: arguments.value("since"), until: arguments.value("until"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var filter = self.filter
        filter.since = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        filter.until = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let (conversations, contacts, actor) = try context.read { (s) throws(InboxError) in
            let actor = try context.actingUser(s)
            let listing = try Conversations.list(filter, actor: actor, in: s)
            var names = listing.contactNames
            for (id, contact) in try ConversationView.contacts(of: listing.conversations.filter { names[$0.contact] == nil }, in: s) {
                names[id] = contact.displayName
            }
            return (listing.conversations, names, actor)
        }
        var out = CommandOutput()
        out.ids = conversations.map(\.id)
        out.records = conversations.map { .object($0.jsonView(for: actor)) }
        if !conversations.isEmpty { out.lines = [.table(ConversationView.table(conversations, contacts: contacts, actor: actor, now: context.now))] }
        return out
    }
}
