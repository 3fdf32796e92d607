import InboxCore

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
            if key == .availability { try Availability.switched(to: value, in: tx) }
            try Config.set(key, to: value, in: tx)
            return value
        }
        var out = CommandOutput.text("\(key.rawValue) = \(ConfigArgument.display(value))")
        out.records = [ConfigArgument.record(key, value, isSet: true)]
        return out
    }
}
