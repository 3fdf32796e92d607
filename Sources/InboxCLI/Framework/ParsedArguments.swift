import InboxCore

/// A command's arguments after parsing: positionals in order and option values by long name.
/// Accessors turn a missing or malformed value into a usage error that names the option.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []

    public init() {}

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    public func value(_ name: String) -> String? { values[name]?.last }

    public func list(_ name: String) -> [String] { values[name] ?? [] }

    public func has(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    public func int(_ name: String, min: Int = 0) throws(InboxError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), n >= min else {
            throw InboxError.usage("--\(name) needs a whole number\(min > 0 ? " of at least \(min)" : ""), not '\(text)'")
        }
        return n
    }

    /// The value of an option whose allowed values are the cases of one `CaseIterable` enum,
    /// which also gives the error's list and, through `CompletionKind.cases`, the completion.
    public func choice<Choice: CaseIterable & RawRepresentable>(_ name: String, _ type: Choice.Type, ignoringCase: Bool = false)
        throws(InboxError) -> Choice? where Choice.RawValue == String {
        guard let text = value(name) else { return nil }
        return try Self.parse(text, as: Choice.self, option: name, ignoringCase: ignoringCase)
    }

    /// Every value of a repeatable option, each word split at commas (`--on sms,email`).
    public func choices<Choice: CaseIterable & RawRepresentable>(_ name: String, _ type: Choice.Type, ignoringCase: Bool = false)
        throws(InboxError) -> [Choice] where Choice.RawValue == String {
        var out: [Choice] = []
        for value in list(name) {
            for part in value.split(separator: ",") { out.append(try Self.parse(String(part), as: Choice.self, option: name, ignoringCase: ignoringCase)) }
        }
        return out
    }

    /// `text` as one of `Choice`'s cases, or the usage error that lists them all.
    public static func parse<Choice: CaseIterable & RawRepresentable>(_ text: String, as type: Choice.Type, option name: String, ignoringCase: Bool = false)
        throws(InboxError) -> Choice where Choice.RawValue == String {
        guard let choice = Choice(rawValue: ignoringCase ? text.lowercased() : text) else {
            throw InboxError.usage("--\(name) must be \(Self.alternatives(Choice.self)), not '\(text)'")
        }
        return choice
    }

    /// One of `Choice`'s values, or `all`: a filter that may take every case at once.
    public enum OrAll<Choice: CaseIterable & RawRepresentable & Hashable>: CaseIterable, RawRepresentable, Hashable where Choice.RawValue == String {
        case one(Choice)
        case all

        public static var allCases: [OrAll] { Choice.allCases.map(OrAll.one) + [.all] }
        public init?(rawValue: String) {
            if rawValue == "all" { self = .all } else if let choice = Choice(rawValue: rawValue) { self = .one(choice) } else { return nil }
        }
        public var rawValue: String {
            switch self {
            case .one(let choice): return choice.rawValue
            case .all: return "all"
            }
        }
    }

    /// "a, b or c": an enum's cases as a message lists them.
    public static func alternatives<Choice: CaseIterable & RawRepresentable>(_ type: Choice.Type) -> String where Choice.RawValue == String {
        let names = Choice.allCases.map { $0.rawValue }
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// The positional at `index`, or a usage error naming what is missing.
    public func positional(_ index: Int, _ name: String) throws(InboxError) -> String {
        guard index < positionals.count else { throw InboxError.usage("missing \(name)") }
        return positionals[index]
    }

    /// Refuses positionals beyond `count`.
    public func allowPositionals(_ count: Int) throws(InboxError) {
        if positionals.count > count {
            throw InboxError.usage("unexpected argument '\(positionals[count])'")
        }
    }

    /// At most one of these options may be given.
    public func exclusive(_ names: String...) throws(InboxError) {
        let given = names.filter { has($0) }
        if given.count > 1 {
            throw InboxError.usage("--\(given[0]) and --\(given[1]) cannot be used together")
        }
    }
}
