import InboxCore

struct TaskCreateCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "task", verb: "create", access: .write, abstract: "Ask a client for something: a question, a document, a booking, a notice",
        arguments: [ArgumentSpec("TEXT", "what is asked; - reads it from standard input")],
        options: [
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "the client (required)"),
            OptionSpec("kind", value: "KIND", completion: .cases(ClientTask.Kind.self),
                       "question, document-request, document, scheduling-link or notice (required)"),
            OptionSpec("due", value: "TIME", "when it is due (see TIME FORMS)"),
            OptionSpec("assign", value: "USER", completion: .repository(.users), "the user who follows it up"),
            OptionSpec("attach", value: "FILE", repeatable: true, completion: .file, "a file for the client"),
        ],
        examples: ["inbox task create --contact ct1 --kind document-request \"Please upload your W-2\" --due +7d"]
    )

    var contact: String
    var kind: ClientTask.Kind
    var text: String
    var due: String?
    var assignee: String?
    var attachments: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TaskCreateCommand {
        try arguments.allowPositionals(1)
        guard let contact = arguments.value("contact") else { throw InboxError.usage("missing --contact ID") }
        guard let kind = try arguments.choice("kind", ClientTask.Kind.self) else {
            throw InboxError.usage("missing --kind (\(ParsedArguments.alternatives(ClientTask.Kind.self)))")
        }
        return TaskCreateCommand(contact: contact, kind: kind, text: try arguments.positional(0, "TEXT"), due: arguments.value("due"),
                                 assignee: try arguments.value("assign").map { (u) throws(InboxError) in try UserName.validated(u) },
                                 attachments: arguments.list("attach"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let body = try context.text(text)
        let dueAt = try due.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let task = try context.write { (tx, actor) throws(InboxError) in
            try Tasks.create(contact: contact, kind: kind, text: body, due: dueAt, assignee: assignee,
                             attachments: attachments.map(context.absolutePath), author: actor, now: context.now, in: tx)
        }
        let dueText = task.due.map { ", due \($0.localDescription)" } ?? ""
        var out = CommandOutput.record(task.id, task.jsonView(), "Created task \(task.id) for \(task.contact) (\(task.kind.rawValue)\(dueText))")
        if let warning = ClientTask.pastDueWarning(dueAt, now: context.now) { out.notices = [warning] }
        return out
    }
}
