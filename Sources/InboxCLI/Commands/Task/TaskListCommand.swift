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
        let (tasks, names) = try context.read { (s) throws(InboxError) in
            let tasks = try sortedList(in: s, now: context.now)
            // People read names; the id stays in --json and in task show.
            let contacts = try Contacts.table.records(withIDs: Set(tasks.map(\.contact)), in: s)
            return (tasks, contacts.mapValues(\.displayName))
        }
        var out = CommandOutput()
        out.ids = tasks.map(\.id)
        out.records = tasks.map { .object($0.jsonView()) }
        if !tasks.isEmpty {
            out.lines = [.table(TextTable(
                header: ["ID", "CONTACT", "KIND", "STATE", "DUE", "ASSIGNEE", "TEXT"],
                rows: tasks.map { t in
                    [t.id, names[t.contact] ?? t.contact, t.kind.rawValue, t.state.rawValue,
                     t.due.map { $0.localDescription + (t.isOverdue(at: context.now) ? " (overdue)" : "") } ?? "-", t.assignee ?? "-", t.text]
                },
                maxWidths: [6: 50]))]
        }
        return out
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
