import InboxCore

struct TaskUpdateCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "task", verb: "update", access: .write, abstract: "Change a task's state, answer, due time or assignee",
        arguments: [ArgumentSpec("ID", completion: .repository(.tasks), "task id or an unambiguous prefix")],
        options: [
            OptionSpec("state", value: "STATE", completion: .cases(ClientTask.State.self), "outstanding, read, answered or done"),
            OptionSpec("answer", value: "TEXT", "the client's answer (marks it answered unless --state says otherwise)"),
            OptionSpec("due", value: "TIME", "a new due time"),
            OptionSpec("assign", value: "USER", completion: .repository(.users), "a new assignee (empty to clear)"),
        ],
        examples: ["inbox task update tk3 --state done", "inbox task update tk4 --answer \"Married filing jointly\""]
    )

    var id: String
    var state: ClientTask.State?
    var answer: String?
    var due: String?
    var assignee: String??

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TaskUpdateCommand {
        try arguments.allowPositionals(1)
        let state = try arguments.choice("state", ClientTask.State.self)
        guard ["state", "answer", "due", "assign"].contains(where: arguments.has) else {
            throw InboxError.usage("nothing to change: give --state, --answer, --due or --assign")
        }
        var assignee: String?? = nil
        if let a = arguments.value("assign") { assignee = .some(a.isEmpty ? nil : try UserName.validated(a)) }
        return TaskUpdateCommand(id: try arguments.positional(0, "task ID"), state: state, answer: arguments.value("answer"),
                                 due: arguments.value("due"), assignee: assignee)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let dueAt: Timestamp?? = try due.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }.map { .some($0) }
        let task = try context.write { (tx, _) throws(InboxError) in
            try Tasks.update(id, state: state, answer: answer, due: dueAt, assignee: assignee, now: context.now, in: tx)
        }
        var out = CommandOutput.record(task.id, task.jsonView(), "\(task.id) is \(task.state.rawValue)")
        if let warning = ClientTask.pastDueWarning(dueAt ?? nil, now: context.now) { out.notices = [warning] }
        return out
    }
}
