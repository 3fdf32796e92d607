import InboxCore

struct TaskListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "task", verb: "list", access: .read, abstract: "List client tasks by due date",
        options: [
            OptionSpec("state", value: "STATE", completion: .cases(ParsedArguments.OrAll<ClientTask.State>.self),
                       "outstanding, read, answered, done or all (default: all but done)"),
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "only this client's"),
            OptionSpec("assignee", value: "USER", completion: .repository(.users), "only those this user follows up"),
            OptionSpec("overdue", "only those past their due time and still waiting on the client (outstanding or read)"),
            OptionSpec("limit", short: "n", value: "N", "at most N"),
            TaskOrder.option,
        ],
        examples: ["inbox task list --overdue", "inbox task list --contact ct1 --state all", "inbox task list --sort created -n 10"]
    )

    var filter: TaskFilter
    var order: TaskOrder?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TaskListCommand {
        try arguments.allowPositionals(0)
        var filter = TaskFilter()
        switch try arguments.choice("state", ParsedArguments.OrAll<ClientTask.State>.self) {
        case .all?: filter.states = Set(ClientTask.State.allCases)
        case .one(let state)?: filter.states = [state]
        case nil: break
        }
        filter.contact = arguments.value("contact")
        filter.assignee = arguments.value("assignee")
        filter.overdue = arguments.flag("overdue")
        filter.limit = try arguments.int("limit")
        return TaskListCommand(filter: filter, order: try TaskOrder.parse(arguments))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        // The agenda carries what a row shows; --json shows whole records, and another order
        // than by due time needs fields a row does not carry: those read the records.
        guard context.globals.json || (order ?? .due) != .due else { return try agendaListing(context) }
        let (tasks, names) = try context.read { (s) throws(InboxError) in
            let tasks = try sortedList(in: s, now: context.now)
            // People read names; the id stays in --json and in task show.
            let contacts = try Contacts.table.records(withIDs: Set(tasks.map(\.contact)), in: s)
            return (tasks, contacts.mapValues(\.displayName))
        }
        var out = CommandOutput()
        out.ids = tasks.map(\.id)
        out.records = tasks.map { .object($0.jsonView()) }
        out.lines = table(tasks.map { AgendaRow($0, contactName: names[$0.contact] ?? $0.contact) }, now: context.now)
        return out
    }

    func agendaListing(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let listing = try context.read { (s) throws(InboxError) in try Tasks.agenda(filter, now: context.now, in: s) }
        var out = CommandOutput()
        out.ids = listing.ids
        guard listing.count > 0 else { return out }
        // Cells go from the agenda's bytes to the table's: no string per row.
        var due = DueText(now: context.now)
        var table = PackedTable(header: Self.header, maxWidths: Self.maxWidths, rows: listing.count, bytes: listing.byteCount)
        listing.forEachRow(now: context.now) { row in
            table.add(row.id)
            table.add(row.contactName)
            table.add(row.kind.rawValue)
            table.add(row.state.rawValue)
            table.add(due.text(row.due, overdue: row.isOverdue))
            if let assignee = row.assignee { table.add(assignee) } else { table.add("-") }
            table.add(row.text)
        }
        out.lines = [.packedTable(table)]
        return out
    }

    static let header = ["ID", "CONTACT", "KIND", "STATE", "DUE", "ASSIGNEE", "TEXT"]
    static let maxWidths = [6: 50]

    func table(_ rows: [AgendaRow], now: Timestamp) -> [CommandOutput.Line] {
        guard !rows.isEmpty else { return [] }
        var due = DueText(now: now)
        return [.table(TextTable(
            header: Self.header,
            rows: rows.map { r in [r.id, r.contactName, r.kind.rawValue, r.state.rawValue, due.text(r.due, overdue: r.isOverdue(at: now)), r.assignee ?? "-", r.text] },
            maxWidths: Self.maxWidths))]
    }

    /// A row's due time as shown. Ten thousand tasks often share a handful of due times: each
    /// is formatted once.
    struct DueText {
        let now: Timestamp
        var known: [Int64: (plain: String, overdue: String)] = [:]

        mutating func text(_ seconds: Int64?, overdue: Bool) -> String {
            guard let seconds else { return "-" }
            let text: (plain: String, overdue: String)
            if let found = known[seconds] { text = found } else {
                let plain = Timestamp(seconds: seconds).localDescription
                text = (plain, plain + " (overdue)")
                known[seconds] = text
            }
            return overdue ? text.overdue : text.plain
        }
    }

    /// The listing in the order asked for: another order than the default needs every match
    /// before --limit applies.
    func sortedList(in session: Session, now: Timestamp) throws(InboxError) -> [ClientTask] {
        guard let order, order != .due else { return try Tasks.list(filter, now: now, in: session) }
        var all = filter
        all.limit = nil
        let sorted = order.sorted(try Tasks.list(all, now: now, in: session))
        return filter.limit.map { Array(sorted.prefix($0)) } ?? sorted
    }
}
