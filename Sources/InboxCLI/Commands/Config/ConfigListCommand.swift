import InboxCore

struct ConfigListCommand: InboxCommand {
    static let spec = CommandSpec(noun: "config", verb: "list", access: .read, abstract: "List every setting, its value and what it does")

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
                [key.rawValue, ConfigArgument.display(config.value(key)) + (config.isSet(key) ? "" : " (default)"), ErrorText.render(key.summary)]
            },
            maxWidths: [1: 40]
        ))]
        return out
    }
}
