import InboxCore

struct ConfigGetCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "get", access: .read, abstract: "Print one setting's value",
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
