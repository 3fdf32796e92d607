import InboxCore

struct DateCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "date", abstract: "Print what a time expression resolves to, in local time and UTC",
        arguments: [ArgumentSpec("EXPR", variadic: true, "a time: 2026-11-23T09:00, now, +30m, +2h, +3d, today 17:00, tomorrow 9:00, mon 9:00")],
        examples: ["inbox date tomorrow 9:00", "inbox --now 2026-03-07T12:00 date +1d"]
    )

    var expression: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> DateCommand {
        _ = try arguments.positional(0, "time EXPR")
        return DateCommand(expression: arguments.positionals.joined(separator: " "))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let t = try TimeExpression.resolve(expression, now: context.now)
        var out = CommandOutput.text("\(t.localDescription) local (\(t.age(relativeTo: context.now)))  \(t.iso)")
        out.ids = [t.iso]
        out.records = [.object(JSONObject([("input", .string(expression)), ("at", .string(t.iso)), ("local", .string(t.localDescription))]))]
        return out
    }
}
