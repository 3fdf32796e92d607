import InboxCore

struct LogListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "log", verb: "list", access: .read, abstract: "List log entries, newest first",
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "only this contact's"),
            OptionSpec("kind", value: "KIND", completion: .cases(LogEntry.Kind.self), "only this kind"),
            OptionSpec("since", value: "TIME", "at or after TIME"),
            OptionSpec("until", value: "TIME", "at or before TIME"),
            OptionSpec("limit", short: "n", value: "N", "at most N"),
            LogOrder.option,
        ],
        examples: ["inbox log list --kind call --since 2026-11-01", "inbox log list --contact ct1"]
    )

    var filter: LogFilter
    var since: String?
    var until: String?
    var order: LogOrder?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> LogListCommand {
        try arguments.allowPositionals(0)
        var filter = LogFilter()
        filter.contact = arguments.value("contact")
        filter.kind = try arguments.choice("kind", LogEntry.Kind.self)
        filter.limit = try arguments.int("limit")
        return LogListCommand(filter: filter, since: arguments.value("since"), until: arguments.value("until"), order: try LogOrder.parse(arguments))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var filter = self.filter
        filter.since = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        filter.until = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let entries = try context.read { (s) throws(InboxError) in try sortedList(filter, in: s) }
        var out = CommandOutput()
        out.ids = entries.map(\.id)
        out.records = entries.map { .object($0.jsonView()) }
        if !entries.isEmpty {
            out.lines = [.table(TextTable(
                header: ["ID", "CONTACT", "WHEN", "KIND", "DIR", "OUTCOME", "LENGTH", "BY", "TEXT"],
                rows: entries.map { e in
                    [e.id, e.contact, e.at.localDescription, e.kind.rawValue, e.direction?.rawValue ?? "-", e.outcome?.rawValue ?? "-",
                     e.durationSeconds.map(DurationText.format) ?? "-", e.author, e.text]
                },
                maxWidths: [8: 50]))]
        }
        return out
    }

    /// The listing in the order asked for: another order than the default needs every match
    /// before --limit applies.
    func sortedList(_ filter: LogFilter, in session: Session) throws(InboxError) -> [LogEntry] {
        guard let order, order != .at else { return try CommunicationLog.list(filter, in: session) }
        var all = filter
        all.limit = nil
        let sorted = order.sorted(try CommunicationLog.list(all, in: session))
        return filter.limit.map { Array(sorted.prefix($0)) } ?? sorted
    }
}
