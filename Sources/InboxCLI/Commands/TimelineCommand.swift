import InboxCore

struct TimelineCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "timeline", access: .read, abstract: "Everything with one contact, grouped by date: messages, calls, notes, tasks, log entries",
        arguments: [ArgumentSpec("CONTACT", completion: .repository(.contacts), "contact id or an unambiguous prefix")],
        options: [
            OptionSpec("since", value: "TIME", "only what happened at or after TIME"),
            OptionSpec("until", value: "TIME", "only what happened at or before TIME"),
            OptionSpec("limit", short: "n", value: "N", "only the N most recent items (still shown oldest first)"),
        ],
        examples: ["inbox timeline ct1", "inbox timeline ct1 --since -30d", "inbox timeline ct1 -n 20"]
    )

    var contact: String
    var since: String?
    var until: String?
    var limit: Int?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TimelineCommand {
        try arguments.allowPositionals(1)
        return TimelineCommand(contact: try arguments.positional(0, "CONTACT"), since: arguments.value("since"),
                               until: arguments.value("until"), limit: try arguments.int("limit"))
    }

    /// The items within --since/--until, then the latest --limit of them, oldest first.
    static func window(_ items: [TimelineItem], since: Timestamp?, until: Timestamp?, limit: Int?) -> [TimelineItem] {
        let within = items.filter { item in (since.map { item.at >= $0 } ?? true) && (until.map { item.at <= $0 } ?? true) }
        return limit.map { Array(within.suffix($0)) } ?? within
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let from = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let to = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let (contact, everything) = try context.read { (s) throws(InboxError) -> (Contact, [TimelineItem]) in
            let contact = try Contacts.resolve(self.contact, in: s)
            var items: [TimelineItem] = []
            for conversation in try Conversations.of(contact: contact.id, in: s) {
                items += try Messages.of(conversation.id, in: s).map(TimelineItem.message)
            }
            items += try CommunicationLog.of(contact.id, in: s).map(TimelineItem.log)
            items += try ContactNotes.of(contact, in: s).map(TimelineItem.contactNote)
            items += try Tasks.of(contact: contact.id, in: s).map(TimelineItem.task)
            return (contact, items.sorted { $0.sortKey < $1.sortKey })
        }
        let items = TimelineCommand.window(everything, since: from, until: to, limit: limit)
        var out = CommandOutput()
        out.ids = items.map(\.id)
        out.records = items.map { item in
            switch item {
            case .message(let m): return .object(JSONObject([("type", .string("message"))] + m.jsonView().pairs))
            case .log(let e): return .object(JSONObject([("type", .string("log"))] + e.jsonView().pairs))
            case .contactNote(let n): return .object(JSONObject([("type", .string("note"))] + n.jsonView().pairs))
            case .task(let t): return .object(JSONObject([("type", .string("task"))] + t.jsonView().pairs))
            }
        }
        out.lines = [.heading("\(contact.id)  \(contact.displayName)")] + ConversationView.timeline(items, contact: contact, now: context.now)
        return out
    }
}
