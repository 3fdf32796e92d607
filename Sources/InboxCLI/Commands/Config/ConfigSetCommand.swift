import InboxCore

struct ConfigSetCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "config", verb: "set", access: .write, abstract: "Change a setting",
        arguments: [ConfigArgument.keySpec, ArgumentSpec("VALUE", variadic: true, completion: .repository(.configValues), "the new value (sms.from takes several)")],
        examples: ["inbox config set sms.from \"+1 212 555 0199\" \"+1 212 555 0198\"", "inbox config set user.name alice",
                   "inbox config set phone.region US", "inbox config set availability off",
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
        let change = { (tx: Transaction) throws(InboxError) -> JSONValue in
            let value = try key.parse(values, current: try Config.load(tx))
            if key == .userName, let name = value.stringValue { try Users.requireKnown(name, in: tx) }
            if key == .availability { try Availability.switched(to: value, in: tx) }
            try Config.set(key, to: value, in: tx)
            return value
        }
        // Choosing which registered user you act as is what --as does on every command, so it
        // is open to anyone: it is how the person at the keyboard becomes the admin they added.
        let value = key == .userName
            ? try context.repository().write(change)
            : try context.write(adminOnly: true) { (tx, _) throws(InboxError) -> JSONValue in try change(tx) }
        var out = CommandOutput.text("\(key.rawValue) = \(ConfigArgument.display(value))")
        out.records = [ConfigArgument.record(key, value, isSet: true)]
        return out
    }
}
