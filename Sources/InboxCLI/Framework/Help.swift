import InboxCore

/// Help text, built from the command table and the specs (the same text for `inbox help X`,
/// `inbox X -h` and `inbox X --help`).
enum Help {
    static func overview(_ table: CommandTable) -> String {
        var out = """
        inbox — a customer-conversation inbox in a directory of JSON-lines files

        Usage: inbox [global options] NOUN VERB [arguments] [options]

        Commands:

        """
        let width = table.visibleEntries.map { $0.name.count }.max() ?? 0
        for noun in table.visibleNouns {
            for spec in table.visibleEntries.filter({ $0.noun == noun }) {
                out += "  " + pad(spec.name, width) + "  " + spec.abstract + "\n"
            }
        }
        out += "\nGlobal options:\n" + optionLines(GlobalOptions.specs)
        out += "\nExit status:\n"
        for (code, meaning) in ExitStatus.table { out += "  " + pad(String(code), 3) + "  " + meaning + "\n" }
        out += "\nSee 'inbox help NOUN' or 'inbox NOUN VERB --help' for more.\n"
        return out
    }

    static func noun(_ noun: String, _ table: CommandTable) -> String {
        let specs = table.entries.filter { $0.noun == noun }
        if specs.count == 1, specs[0].verb == nil { return command(specs[0]) }
        var out = "Usage: inbox \(noun) VERB [arguments] [options]\n\n\(table.nounAbstract(noun))\n\nCommands:\n"
        let width = specs.map { $0.verb?.count ?? 0 }.max() ?? 0
        for spec in specs {
            out += "  " + pad(spec.verb ?? "", width) + "  " + spec.abstract + "\n"
        }
        out += "\nSee 'inbox \(noun) VERB --help' for a command's options.\n"
        return out
    }

    static func command(_ spec: CommandSpec) -> String {
        var out = "Usage: \(spec.usage)\n\n\(spec.abstract)\n"
        if let discussion = spec.discussion { out += "\n" + discussion + "\n" }
        if !spec.arguments.isEmpty {
            out += "\nArguments:\n"
            let width = spec.arguments.map { $0.name.count }.max() ?? 0
            for argument in spec.arguments { out += "  " + pad(argument.name, width) + "  " + argument.help + "\n" }
        }
        if !spec.options.isEmpty { out += "\nOptions:\n" + optionLines(spec.options) }
        out += "\nGlobal options:\n" + optionLines(GlobalOptions.specs)
        if !spec.examples.isEmpty {
            out += "\nExamples:\n" + spec.examples.map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    static func optionLines(_ options: [OptionSpec]) -> String {
        let width = min(28, options.map { $0.synopsis.count + ($0.short == nil ? 4 : 0) }.max() ?? 0)
        return options.map { option in
            let name = (option.short == nil ? "    " : "") + option.synopsis
            let head = "  " + pad(name, width)
            return (name.count > width ? head + "\n  " + String(repeating: " ", count: width) : head) + "  " + option.helpText + "\n"
        }.joined()
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
