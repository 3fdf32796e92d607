import InboxCore

/// `inbox help [NOUN [VERB]]`. The argument reader answers it before dispatch; it is in the
/// table so that help, completions and the man page list it like any other command.
struct HelpCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "help", access: .none, abstract: "Show help for the tool, a noun, or a command (same as -h and --help)",
        arguments: [ArgumentSpec("NOUN", optional: true, completion: .repository(.helpTopics), "a command noun, such as contact"),
                    ArgumentSpec("VERB", optional: true, completion: .repository(.helpTopics), "one of its verbs, such as add")],
        examples: ["inbox help contact add"]
    )

    var topic: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> HelpCommand {
        HelpCommand(topic: arguments.positionals)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let text = InboxCLI.helpText(noun: topic.first, verb: topic.dropFirst().first, .shared)
        var out = CommandOutput()
        out.lines = [.plain(String(text.dropLast()))]
        return out
    }
}
