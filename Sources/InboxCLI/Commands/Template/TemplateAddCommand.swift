import InboxCore

struct TemplateAddCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "template", verb: "add", access: .write, abstract: "Save a message template with placeholders",
        arguments: [ArgumentSpec("NAME", "the template's name"), ArgumentSpec("TEXT", "its text; - reads it from standard input")],
        options: [OptionSpec("channel", value: "CHANNEL", completion: .cases(Channel.self), "only for this channel (e.g. an approved WhatsApp template)")],
        examples: ["inbox template add followup \"Hi {first_name}, just checking in on your documents\" --channel whatsapp"]
    )

    var name: String
    var text: String
    var channel: Channel?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TemplateAddCommand {
        try arguments.allowPositionals(2)
        let name = try arguments.positional(0, "template NAME")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw InboxError.usage("'\(name)' is not a valid template name (letters, digits, '-', '_', '.')")
        }
        return TemplateAddCommand(name: name, text: try arguments.positional(1, "template TEXT"),
                                  channel: try arguments.value("channel").map { (c) throws(InboxError) in try ConversationView.channel(c) })
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let template = Template(name: name, text: try context.text(text), channel: channel, createdAt: context.now)
        try context.write { (tx, _) throws(InboxError) in try Templates.add(template, in: tx) }
        return .record(template.name, template.jsonView(), "Added template \(template.name)")
    }
}
