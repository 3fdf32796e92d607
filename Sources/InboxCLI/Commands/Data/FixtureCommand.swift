import InboxCore

struct FixtureCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "fixture", access: .write, abstract: "Fill an empty repository with realistic generated data, the same for the same seed",
        options: [
            OptionSpec("contacts", value: "N", "how many contacts"),
            OptionSpec("conversations", value: "N", "how many conversations"),
            OptionSpec("messages", value: "N", "how many messages, spread over the conversations"),
            OptionSpec("seed", value: "S", "the seed (default 1); the same seed and sizes give byte-identical files"),
        ],
        discussion: "Times are laid out around a fixed date (2026-06-01), not the clock, so CI jobs get the same repository every run. Three users (alice, an admin; bob; carol) own and handle the data.",
        examples: ["inbox init /tmp/bench && inbox --repo /tmp/bench fixture --contacts 10000 --conversations 10000 --messages 100000 --seed 7"]
    )

    var sizes: Fixture.Sizes
    var seed: UInt64

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> FixtureCommand {
        try arguments.allowPositionals(0)
        let sizes = Fixture.Sizes(contacts: try arguments.int("contacts") ?? 0, conversations: try arguments.int("conversations") ?? 0,
                                  messages: try arguments.int("messages") ?? 0)
        var seed: UInt64 = 1
        if let text = arguments.value("seed") {
            guard let s = UInt64(text) else { throw InboxError.usage("--seed takes a whole number, not '\(text)'") }
            seed = s
        }
        return FixtureCommand(sizes: sizes, seed: seed)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let summary = try context.repository().write { (tx) throws(InboxError) in try Fixture.generate(sizes, seed: seed, in: tx) }
        var out = CommandOutput.text("Generated " + summary.counts.map { "\($0.count) \($0.type)s" }.joined(separator: ", ") + " (seed \(seed))")
        out.records = [.object(JSONObject(summary.counts.map { ($0.type, JSONValue.int(Int64($0.count))) } + [("seed", .int(Int64(bitPattern: seed)))]))]
        return out
    }
}
