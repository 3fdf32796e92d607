import InboxCore

/// The command table flattened for completion: names, options and how each value completes.
/// The three scripts are generated from this, so they agree on what every word offers.
struct CompletionModel {
    struct Command {
        var name: String          // "contact add", or "init"
        var abstract: String
        var options: [OptionSpec]
        /// How each positional argument completes, by position; the last one repeats.
        var arguments: [CompletionKind]
    }

    var nouns: [(name: String, abstract: String)]
    var verbs: [String: [(name: String, abstract: String)]]
    var commands: [Command]
    let globals = GlobalOptions.specs

    init(_ table: CommandTable) {
        nouns = table.visibleNouns.map { ($0, table.nounAbstract($0)) }
        verbs = [:]
        commands = []
        for spec in table.visibleEntries {
            if let verb = spec.verb { verbs[spec.noun, default: []].append((verb, spec.abstract)) }
            var arguments = spec.arguments.map(\.completion)
            while arguments.last == CompletionKind.none { arguments.removeLast() }
            // A free-text argument after completing ones (send CV TEXT) offers nothing, not the ids again.
            if arguments.count < spec.arguments.count { arguments.append(.none) }
            commands.append(Command(name: spec.name, abstract: spec.abstract, options: spec.options, arguments: arguments))
        }
    }

    /// What an option's value completes to: its declared kind, or the time forms for a TIME.
    static func value(_ option: OptionSpec) -> CompletionKind {
        if option.completion == .none, option.valueName == "TIME" { return .choices(TimeForms.examples) }
        return option.completion
    }

    /// The option's spellings: `-n`, `--limit`.
    static func names(_ option: OptionSpec) -> [String] {
        [option.short.map { "-\($0)" }, "--" + option.long].compactMap { $0 }
    }

    /// How a value completes, as the scripts spell it: words:…, repo:KIND, file, dir, or none
    /// (a value is expected but nothing is offered: not the arguments, not file names).
    static func code(_ kind: CompletionKind) -> String {
        switch kind {
        case .none: return "none"
        case .file: return "file"
        case .directory: return "dir"
        case .choices(let words): return "words:" + words.joined(separator: " ")
        case .repository(let kind): return "repo:" + kind.rawValue
        }
    }

    var nounsWithVerbs: [String] { nouns.map(\.name).filter { verbs[$0] != nil } }

    /// Every option of every command that takes a value, with its value's code; globals last.
    var valueOptions: [(command: String?, option: OptionSpec)] {
        commands.flatMap { c in c.options.filter(\.takesValue).map { (Optional(c.name), $0) } }
            + globals.filter(\.takesValue).map { (nil, $0) }
    }
}
