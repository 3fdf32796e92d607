import InboxCore

struct ConfigUnsetCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "unset", access: .write, abstract: "Return a setting to its default",
                                  arguments: [ConfigArgument.keySpec], examples: ["inbox config unset signature"])
    var key: ConfigKey

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ConfigUnsetCommand {
        try arguments.allowPositionals(1)
        let key = try ConfigArgument.key(try arguments.positional(0, "setting KEY"))
        guard key != .repositoryFormat else { throw InboxError.usage("repository.format is read-only") }
        return ConfigUnsetCommand(key: key)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        if key == .userName {
            // As for `config set user.name`: who you act as is not an admin's setting.
            try context.repository().write { (tx) throws(InboxError) in try Config.set(key, to: nil, in: tx) }
        } else {
            try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Config.set(key, to: nil, in: tx) }
        }
        var out = CommandOutput.text("\(key.rawValue) = \(ConfigArgument.display(key.defaultValue)) (default)")
        out.records = [ConfigArgument.record(key, key.defaultValue, isSet: false)]
        return out
    }
}
