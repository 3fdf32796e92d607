import InboxCore

struct TaskShowCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "task", verb: "show", access: .read, abstract: "Show one client task",
        arguments: [ArgumentSpec("ID", completion: .repository(.tasks), "task id or an unambiguous prefix")]
    )

    var id: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TaskShowCommand {
        try arguments.allowPositionals(1)
        return TaskShowCommand(id: try arguments.positional(0, "task ID"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let task = try context.read { (s) throws(InboxError) in try Tasks.table.resolve(id, in: s) }
        var out = CommandOutput.record(task.id, task.jsonView(), "")
        var fields: [(String, String)] = [("Contact", task.contact), ("Kind", task.kind.rawValue), ("State", task.state.rawValue),
                                          ("Due", task.due.map { $0.localDescription + (task.isOverdue(at: context.now) ? " (overdue)" : "") } ?? "-"),
                                          ("Assignee", task.assignee ?? "-"), ("Created", "\(task.createdAt.localDescription) by \(task.author)")]
        if let answer = task.answer { fields.append(("Answer", answer)) }
        fields += task.attachments.map { ("Attachment", "\($0.name) \($0.path)") }
        let width = fields.map { $0.0.count }.max() ?? 0
        out.lines = [.heading(task.id), .plain("  " + task.text)] + fields.map { .plain("  " + $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1) }
        return out
    }
}
