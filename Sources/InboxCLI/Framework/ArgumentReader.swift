import InboxCore

/// What the command line asked for.
public enum Invocation {
    /// Run a command.
    case command(any InboxCommand.Type, ParsedArguments)
    /// Print help for a topic: nothing (overview), a noun, or a noun and verb.
    case help(noun: String?, verb: String?)
    case version
}

/// Reads argv: global options anywhere, then `NOUN [VERB]`, then the command's own arguments.
/// Handles `--opt value`, `--opt=value`, `-q`, bundled short flags (`-qh`), `--` and `-`.
public struct ArgumentReader: Sendable {
    let table: CommandTable

    public init(table: CommandTable = .shared) { self.table = table }

    /// A usage error tied to the command it happened in, so the message can show its usage.
    public struct Failure: Error {
        public let error: InboxError
        public let spec: CommandSpec?
        /// The noun whose verbs to list when the verb is missing or unknown.
        public let noun: String?
    }

    /// `defaults` are global options already given (to `batch`, for its lines): the line's own win.
    public func read(_ argv: [String], defaults: GlobalOptions = GlobalOptions()) -> Result<(GlobalOptions, Invocation), Failure> {
        var globals = defaults
        var index = 0
        var noun: String?
        var verb: String?

        // Global options and the command's name.
        while index < argv.count {
            let token = argv[index]
            if token.hasPrefix("-") && token != "-" && token != "--" {
                guard let consumed = readGlobal(argv, index, &globals) else {
                    if noun == nil {
                        return .failure(Failure(error: unknownOption(token, among: GlobalOptions.specs), spec: nil, noun: nil))
                    }
                    break
                }
                if case .failure(let error) = consumed {
                    return .failure(Failure(error: error, spec: nil, noun: noun))
                }
                if case .success(let next) = consumed { index = next }
                continue
            }
            if noun == nil {
                noun = token
                index += 1
                if token == "help" { break }
                continue
            }
            if verb == nil, let n = noun, table.hasVerbs(n) {
                verb = token
                index += 1
            }
            break
        }

        if globals.version && noun == nil { return .success((globals, .version)) }
        guard let nounName = noun else { return .success((globals, .help(noun: nil, verb: nil))) }

        if nounName == "help" {
            let topic = Array(argv[index...].filter { !$0.hasPrefix("-") })
            return helpTopic(topic, globals)
        }
        guard table.knowsNoun(nounName) else {
            return .failure(Failure(error: .usage(Explanation(unknownCommand(nounName, among: table.visibleNouns))), spec: nil, noun: nil))
        }
        var spec: CommandSpec
        var type: any InboxCommand.Type
        if table.hasVerbs(nounName) {
            guard let verbName = verb else {
                if globals.help { return .success((globals, .help(noun: nounName, verb: nil))) }
                return .failure(Failure(error: .usage("'inbox \(nounName)' needs a command: \(table.verbs(of: nounName).joined(separator: ", "))"), spec: nil, noun: nounName))
            }
            guard let found = table.command(nounName, verbName) else {
                let message = unknownCommand(verbName, among: table.verbs(of: nounName), context: "inbox \(nounName)")
                return .failure(Failure(error: .usage(Explanation(message)), spec: nil, noun: nounName))
            }
            type = found
        } else {
            type = table.command(nounName, nil)!
        }
        spec = type.spec

        var parsed = ParsedArguments()
        var afterDashDash = false
        while index < argv.count {
            let token = argv[index]
            index += 1
            if afterDashDash || token == "-" || !token.hasPrefix("-") || isNegativeQuantity(token) {
                parsed.positionals.append(token)
                continue
            }
            if token == "--" { afterDashDash = true; continue }
            switch readOption(token, argv, &index, spec, &globals, &parsed) {
            case .success: continue
            case .failure(let error):
                return .failure(Failure(error: textHint(error, token, spec, parsed.positionals), spec: spec, noun: nounName))
            }
        }
        if globals.help { return .success((globals, .help(noun: nounName, verb: spec.verb))) }
        if globals.version { return .success((globals, .version)) }
        return .success((globals, .command(type, parsed)))
    }

    /// Text that starts with '-' ("-5% discount") reads as options; when a token that cannot be
    /// an option is refused as one, say how to pass it as text.
    private func textHint(_ error: InboxError, _ token: String, _ spec: CommandSpec, _ positionals: [String]) -> InboxError {
        guard case .usage(let message) = error, message.hasPrefix("unknown option") else { return error }
        let name = token.drop { $0 == "-" }.prefix { $0 != "=" }
        let optionLike = !name.isEmpty && name.first!.isLetter && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard !optionLike else { return error }
        let example = (["inbox \(spec.name)"] + (positionals + ["--", token]).map(ShellWords.quoted)).joined(separator: " ")
        return .usage("\(message); text that starts with '-' goes after --, as in: \(example)")
    }

    /// `-5`, `-7d`, `-1h30m`: a number or a past time, never an option (no option is a digit).
    private func isNegativeQuantity(_ token: String) -> Bool {
        let body = token.dropFirst()
        guard let first = body.first, first.isASCII, first.isNumber else { return false }
        return body.allSatisfy { $0.isASCII && ($0.isNumber || $0.isLetter) }
    }

    private func helpTopic(_ words: [String], _ globals: GlobalOptions) -> Result<(GlobalOptions, Invocation), Failure> {
        guard let first = words.first else { return .success((globals, .help(noun: nil, verb: nil))) }
        guard table.knowsNoun(first) else {
            return .failure(Failure(error: .usage(Explanation(unknownCommand(first, among: table.visibleNouns))), spec: nil, noun: nil))
        }
        if words.count > 1, table.hasVerbs(first) {
            guard table.command(first, words[1]) != nil else {
                return .failure(Failure(error: .usage(Explanation(unknownCommand(words[1], among: table.verbs(of: first), context: "inbox \(first)"))), spec: nil, noun: first))
            }
            return .success((globals, .help(noun: first, verb: words[1])))
        }
        return .success((globals, .help(noun: first, verb: nil)))
    }

    /// Reads a global option at `index`: nil when the token is not one, else the next index
    /// or a usage error.
    private func readGlobal(_ argv: [String], _ index: Int, _ globals: inout GlobalOptions) -> Result<Int, InboxError>? {
        let token = argv[index]
        let spec: OptionSpec
        var inline: String?
        if token.hasPrefix("--") {
            let body = token.dropFirst(2)
            let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard let found = GlobalOptions.spec(long: name) else { return nil }
            spec = found
            if let eq = body.firstIndex(of: "=") { inline = String(body[body.index(after: eq)...]) }
        } else {
            guard token.count == 2, let found = GlobalOptions.spec(short: token.last!) else { return nil }
            spec = found
        }
        if spec.takesValue {
            if let inline { globals.set(spec.long, inline); return .success(index + 1) }
            guard index + 1 < argv.count else { return .failure(.usage("--\(spec.long) needs a value (\(spec.valueName!))")) }
            globals.set(spec.long, argv[index + 1])
            return .success(index + 2)
        }
        if inline != nil { return .failure(.usage("--\(spec.long) takes no value")) }
        globals.set(spec.long, nil)
        return .success(index + 1)
    }

    private func readOption(_ token: String, _ argv: [String], _ index: inout Int, _ spec: CommandSpec,
                            _ globals: inout GlobalOptions, _ parsed: inout ParsedArguments) -> Result<Void, InboxError> {
        if token.hasPrefix("--") {
            let body = token.dropFirst(2)
            let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
            let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
            if let option = spec.option(name) {
                return record(option, inline: inline, argv, &index, &parsed)
            }
            if let global = GlobalOptions.spec(long: name) {
                return recordGlobal(global, inline: inline, argv, &index, &globals)
            }
            return .failure(unknownOption(token, among: spec.options + GlobalOptions.specs))
        }
        // Short options, possibly bundled: -qh, or -n5 / -n 5 for one that takes a value.
        var rest = Substring(token.dropFirst())
        while let c = rest.first {
            rest = rest.dropFirst()
            if let option = spec.options.first(where: { $0.short == c }) {
                if option.takesValue {
                    return record(option, inline: rest.isEmpty ? nil : String(rest), argv, &index, &parsed)
                }
                parsed.flags.insert(option.long)
            } else if let global = GlobalOptions.spec(short: c) {
                if global.takesValue {
                    return recordGlobal(global, inline: rest.isEmpty ? nil : String(rest), argv, &index, &globals)
                }
                globals.set(global.long, nil)
            } else {
                return .failure(.usage("unknown option '-\(c)'"))
            }
        }
        return .success(())
    }

    private func takeValue(_ option: OptionSpec, inline: String?, _ argv: [String], _ index: inout Int) -> Result<String?, InboxError> {
        guard option.takesValue else {
            if inline != nil { return .failure(.usage("--\(option.long) takes no value")) }
            return .success(nil)
        }
        if let inline { return .success(inline) }
        guard index < argv.count else { return .failure(.usage("--\(option.long) needs a value (\(option.valueName!))")) }
        index += 1
        return .success(argv[index - 1])
    }

    private func record(_ option: OptionSpec, inline: String?, _ argv: [String], _ index: inout Int,
                        _ parsed: inout ParsedArguments) -> Result<Void, InboxError> {
        switch takeValue(option, inline: inline, argv, &index) {
        case .failure(let error): return .failure(error)
        case .success(nil): parsed.flags.insert(option.long)
        case .success(let value?):
            if !option.repeatable, parsed.values[option.long] != nil {
                return .failure(.usage("--\(option.long) given more than once"))
            }
            parsed.values[option.long, default: []].append(value)
            if option.variadic {
                while index < argv.count, !argv[index].hasPrefix("-") {
                    parsed.values[option.long, default: []].append(argv[index])
                    index += 1
                }
            }
        }
        return .success(())
    }

    private func recordGlobal(_ option: OptionSpec, inline: String?, _ argv: [String], _ index: inout Int,
                              _ globals: inout GlobalOptions) -> Result<Void, InboxError> {
        switch takeValue(option, inline: inline, argv, &index) {
        case .failure(let error): return .failure(error)
        case .success(let value): globals.set(option.long, value)
        }
        return .success(())
    }

    private func unknownOption(_ token: String, among options: [OptionSpec]) -> InboxError {
        let name = String(token.split(separator: "=", maxSplits: 1).first ?? "")
        let candidates = options.map { "--" + $0.long }
        if let near = Suggestion.nearest(name, among: candidates) {
            return .usage("unknown option '\(name)' (did you mean '\(near)'?)")
        }
        return .usage("unknown option '\(name)'")
    }

    private func unknownCommand(_ word: String, among names: [String], context: String = "inbox") -> String {
        if let near = Suggestion.nearest(word, among: names) {
            return "'\(word)' is not an '\(context)' command (did you mean '\(near)'?)"
        }
        return "'\(word)' is not an '\(context)' command"
    }
}

/// "Did you mean": the closest name within a small edit distance, or a unique prefix.
enum Suggestion {
    static func nearest(_ word: String, among names: [String]) -> String? {
        let prefixed = names.filter { $0.hasPrefix(word) }
        if prefixed.count == 1 { return prefixed[0] }
        let scored = names.map { ($0, distance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
