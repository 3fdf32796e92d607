import InboxCore

struct TemplateRemoveCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "template", verb: "remove", access: .write, abstract: "Remove message templates",
        arguments: [ArgumentSpec("NAME", variadic: true, completion: .repository(.templates), "template names")],
        discussion: "All or nothing: an unknown name removes none. Messages already sent or scheduled from a template keep their text.",
        examples: ["inbox template remove followup"]
    )

    var names: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TemplateRemoveCommand {
        _ = try arguments.positional(0, "template NAME")
        return TemplateRemoveCommand(names: arguments.positionals)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let removed = try context.write { (tx, _) throws(InboxError) in try Templates.remove(names, in: tx) }
        var out = CommandOutput()
        out.ids = removed.map(\.name)
        out.records = removed.map { .object($0.jsonView()) }
        out.lines = removed.map { .plain("Removed template \($0.name)") }
        return out
    }
}
