import InboxCore

struct ExportCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "export", access: .read, abstract: "Write the repository out as JSON lines (everything) or CSV (one row per conversation)",
        options: [
            OptionSpec("format", value: "FORMAT", completion: .cases(ExportFormat.self), "jsonl (default) or csv"),
            OptionSpec("since", value: "TIME", "only conversations created at or after TIME"),
            OptionSpec("until", value: "TIME", "only conversations created at or before TIME"),
        ],
        discussion: "JSON lines carry every record with a \"type\" field (user, template, contact, note, conversation, message, task, log, attachment with base64 data); 'inbox import' reads them back. CSV has one row per conversation with its first-response and resolution times in seconds and the contact's tags.",
        examples: ["inbox export > backup.jsonl", "inbox export --format csv --since 2026-11-01 > november.csv"]
    )

    var csv: Bool
    var since: String?
    var until: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ExportCommand {
        try arguments.allowPositionals(0)
        let format = try arguments.choice("format", ExportFormat.self) ?? .jsonl
        return ExportCommand(csv: format == .csv, since: arguments.value("since"), until: arguments.value("until"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let from = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let to = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        var out = CommandOutput()
        let csv = self.csv
        // Streamed under the read lock, shard by shard: an export never holds the repository.
        out.stream = { (write) throws(InboxError) in
            try context.read { (s) throws(InboxError) in
                if csv {
                    try Export.csv(since: from, until: to, in: s, emit: write)
                } else {
                    try Export.jsonLines(since: from, until: to, in: s, emit: write)
                }
            }
        }
        return out
    }
}

enum ExportFormat: String, CaseIterable {
    case jsonl, csv
}
