import InboxCore

/// What completion offers for an option's value or a positional argument.
public enum CompletionKind: Sendable, Equatable {
    case none
    case file
    case directory
    case choices([String])
    /// Ids or names taken from the repository (`inbox __complete KIND`).
    case repository(CompletionSource)

    /// The cases of the enum an option is parsed as (`ParsedArguments.choice`).
    public static func cases<Choice: CaseIterable & RawRepresentable>(_ type: Choice.Type) -> CompletionKind where Choice.RawValue == String {
        .choices(Choice.allCases.map { $0.rawValue })
    }

    /// `OrAll`'s cases, "all" last, named without making its array of cases: every command
    /// before the one run has its spec read (`CommandTable.command`), and making that array
    /// of a generic type cost `task create` more than the rest of its parsing.
    public static func cases<Choice>(_ type: ParsedArguments.OrAll<Choice>.Type) -> CompletionKind {
        .choices(Choice.allCases.map { $0.rawValue } + ["all"])
    }
}

/// What `inbox __complete KIND` offers; the raw value is the KIND the completion scripts pass.
public enum CompletionSource: String, CaseIterable, Sendable {
    case contacts, conversations, openConversations = "open-conversations", messages, scheduledMessages = "scheduled-messages"
    case tasks, users, tags, templates, people, fromNumbers = "from-numbers", configValues = "config-values", helpTopics = "help-topics"
}

/// One option, declared once: parsing, help, the man page and completions all read it.
public struct OptionSpec: Sendable {
    public let long: String
    public let short: Character?
    /// Nil for a flag; otherwise the value's name in help (`--phone NUMBER`).
    public let valueName: String?
    public let help: String
    /// May be given more than once (`--phone A --phone B`).
    public let repeatable: Bool
    /// Takes every following word up to the next option (`--on sms email`); implies repeatable.
    public let variadic: Bool
    public let completion: CompletionKind

    public init(_ long: String, short: Character? = nil, value: String? = nil, repeatable: Bool = false, variadic: Bool = false,
                completion: CompletionKind = .none, _ help: String) {
        self.variadic = variadic
        self.long = long
        self.short = short
        self.valueName = value
        self.help = help
        self.repeatable = repeatable || variadic
        self.completion = completion
    }

    public var takesValue: Bool { valueName != nil }

    /// The help as people read it (`--help`, the man page): a repeatable option says so, here
    /// and only here; a variadic one shows it in its synopsis (`--on CHANNEL…`).
    public var helpText: String { repeatable && !variadic ? help + " (repeatable)" : help }

    public var synopsis: String {
        var s = (short.map { "-\($0), " } ?? "") + "--" + long
        if let valueName { s += " " + valueName + (variadic ? "…" : "") }
        return s
    }
}

/// A positional argument, for help and completions.
public struct ArgumentSpec: Sendable {
    public let name: String
    public let help: String
    public let optional: Bool
    /// Takes several values (`ID…`).
    public let variadic: Bool
    public let completion: CompletionKind

    public init(_ name: String, optional: Bool = false, variadic: Bool = false, completion: CompletionKind = .none, _ help: String) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
        self.completion = completion
    }

    var synopsis: String {
        let core = name + (variadic ? "…" : "")
        return optional ? "[\(core)]" : core
    }
}

/// What a command may do to the repository. Declared by every command, so a reader can tell
/// without reading its `run`, and checked by a test that traces every `.read` command.
public enum Access: Sendable, Equatable {
    /// Touches no repository (`date`, `help`, the generators).
    case none
    /// Reads, never writes: no file created, renamed, removed or opened for writing.
    case read
    /// May change the repository (or, for `hook trust`, this machine's trust store).
    case write
}

/// A command's whole interface: `noun verb`, or a bare noun such as `init`.
public struct CommandSpec: Sendable {
    public let noun: String
    public let verb: String?
    public let access: Access
    public let abstract: String
    public let arguments: [ArgumentSpec]
    public let options: [OptionSpec]
    public let discussion: String?
    /// Example lines shown in help and the man page.
    public let examples: [String]
    /// Plumbing for tools (completion, man page generation): left out of help and the man page.
    public let hidden: Bool

    public init(noun: String, verb: String? = nil, access: Access, abstract: String, arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], discussion: String? = nil, examples: [String] = [], hidden: Bool = false) {
        self.access = access
        self.hidden = hidden
        self.noun = noun
        self.verb = verb
        self.abstract = abstract
        self.arguments = arguments
        self.options = options
        self.discussion = discussion
        self.examples = examples
    }

    public var name: String { verb.map { "\(noun) \($0)" } ?? noun }

    public var usage: String {
        var parts = ["inbox", name] + arguments.map(\.synopsis)
        if !options.isEmpty { parts.append("[options]") }
        return parts.joined(separator: " ")
    }

    public func option(_ long: String) -> OptionSpec? { options.first { $0.long == long } }
}

/// A leaf command: parse turns arguments into a plain value, run does the work and returns
/// what to show. Neither touches the process (argv, stdio, exit).
public protocol InboxCommand {
    static var spec: CommandSpec { get }
    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> Self
    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput
}
