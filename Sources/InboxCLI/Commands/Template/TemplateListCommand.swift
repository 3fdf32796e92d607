import InboxCore

struct TemplateListCommand: InboxCommand {
    static let spec = CommandSpec(noun: "template", verb: "list", access: .read, abstract: "List message templates")

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TemplateListCommand {
        try arguments.allowPositionals(0)
        return TemplateListCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let templates = try context.read { (s) throws(InboxError) in try Templates.all(s) }
        var out = CommandOutput()
        out.ids = templates.map(\.name)
        out.records = templates.map { .object($0.jsonView()) }
        if !templates.isEmpty {
            out.lines = [.table(TextTable(header: ["NAME", "CHANNEL", "TEXT"],
                                          rows: templates.map { [$0.name, $0.channel?.rawValue ?? "any", $0.text] }, maxWidths: [2: 70]))]
        }
        return out
    }
}
