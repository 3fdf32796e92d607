import InboxCore

/// Shared by the config verbs: a key from the command line, with "did you mean".
enum ConfigArgument {
    static func key(_ text: String) throws(InboxError) -> ConfigKey {
        if let key = ConfigKey(rawValue: text) { return key }
        let names = ConfigKey.allCases.map(\.rawValue)
        let hint = Suggestion.nearest(text, among: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw InboxError.usage("unknown setting '\(text)'\(hint); settings are: \(names.joined(separator: ", "))")
    }

    static let keySpec = ArgumentSpec("KEY", completion: .choices(ConfigKey.allCases.map(\.rawValue)), "a setting; 'inbox config list' shows them all")

    static func display(_ value: JSONValue) -> String {
        switch value {
        case .null: return "(unset)"
        case .string(let s): return s
        case .array(let items): return items.compactMap(\.stringValue).joined(separator: ", ")
        default: return JSONWriter.string(value)
        }
    }

    static func record(_ key: ConfigKey, _ value: JSONValue, isSet: Bool) -> JSONValue {
        .object(JSONObject([("key", .string(key.rawValue)), ("value", value), ("default", .bool(!isSet))]))
    }
}

struct ConfigGetCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "get", abstract: "Print one setting's value",
                                  arguments: [ConfigArgument.keySpec], examples: ["inbox config get sms.from"])
    var key: ConfigKey

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConfigGetCommand {
        try arguments.allowPositionals(1)
        return ConfigGetCommand(key: try ConfigArgument.key(try arguments.positional(0, "setting KEY")))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let config = try context.read { (s) throws(InboxError) in try Config.load(s) }
        let value = config.value(key)
        var out = CommandOutput.text(ConfigArgument.display(value))
        out.ids = [ConfigArgument.display(value)]
        out.records = [ConfigArgument.record(key, value, isSet: config.isSet(key))]
        return out
    }
}

struct ConfigSetCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "config", verb: "set", abstract: "Change a setting",
        arguments: [ConfigArgument.keySpec, ArgumentSpec("VALUE", variadic: true, "the new value (sms.from takes several)")],
        examples: ["inbox config set sms.from \"+1 555 0199\"", "inbox config set availability off",
                   "inbox config set auto_response \"Thanks! We reply within one business day.\"", "inbox config set goal.new 1h"]
    )
    var key: ConfigKey
    var values: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConfigSetCommand {
        let key = try ConfigArgument.key(try arguments.positional(0, "setting KEY"))
        _ = try arguments.positional(1, "VALUE")
        return ConfigSetCommand(key: key, values: Array(arguments.positionals.dropFirst()))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let value = try context.write(adminOnly: true) { (tx, _) throws(InboxError) -> JSONValue in
            let value = try key.parse(values, countryCode: try Config.load(tx).countryCode)
            try Config.set(key, to: value, in: tx)
            return value
        }
        var out = CommandOutput.text("\(key.rawValue) = \(ConfigArgument.display(value))")
        out.records = [ConfigArgument.record(key, value, isSet: true)]
        return out
    }
}

struct ConfigUnsetCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "unset", abstract: "Return a setting to its default",
                                  arguments: [ConfigArgument.keySpec], examples: ["inbox config unset signature"])
    var key: ConfigKey

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConfigUnsetCommand {
        try arguments.allowPositionals(1)
        let key = try ConfigArgument.key(try arguments.positional(0, "setting KEY"))
        guard key != .repositoryFormat else { throw InboxError.usage("repository.format is read-only") }
        return ConfigUnsetCommand(key: key)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Config.set(key, to: nil, in: tx) }
        var out = CommandOutput.text("\(key.rawValue) = \(ConfigArgument.display(key.defaultValue)) (default)")
        out.records = [ConfigArgument.record(key, key.defaultValue, isSet: false)]
        return out
    }
}

struct ConfigListCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "list", abstract: "List every setting, its value and what it does")

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConfigListCommand {
        try arguments.allowPositionals(0)
        return ConfigListCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let config = try context.read { (s) throws(InboxError) in try Config.load(s) }
        var out = CommandOutput()
        out.ids = ConfigKey.allCases.map(\.rawValue)
        out.records = ConfigKey.allCases.map { ConfigArgument.record($0, config.value($0), isSet: config.isSet($0)) }
        out.lines = [.table(TextTable(
            header: ["KEY", "VALUE", "ABOUT"],
            rows: ConfigKey.allCases.map { key in
                [key.rawValue, ConfigArgument.display(config.value(key)) + (config.isSet(key) ? "" : " (default)"), key.summary]
            },
            maxWidths: [1: 40]
        ))]
        return out
    }
}
