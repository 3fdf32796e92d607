import InboxCore

struct ImportCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "import", access: .write, abstract: "Read records in from JSON lines (as export writes them), all or nothing",
        arguments: [ArgumentSpec("FILE", completion: .file, "the input; - reads standard input")],
        discussion: "Each line is one record with a \"type\" field and its own ids and timestamps. A bad line stops the import with INPUT:LINE: reason and exit 65, and nothing is written; so does an id that already exists.",
        examples: ["inbox import backup.jsonl", "inbox --repo old export | inbox --repo new import -"]
    )

    var file: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ImportCommand {
        try arguments.allowPositionals(1)
        return ImportCommand(file: try arguments.positional(0, "FILE"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let label = file == "-" ? "<stdin>" : file
        let bytes: [UInt8]
        if file == "-" {
            bytes = try context.environment.readStandardInput(InputLimits.importBytes)
        } else {
            guard let data = try FileSystem.readOutside(context.absolutePath(file), maxBytes: InputLimits.importBytes) else {
                throw InboxError.notFound("no file '\(file)'")
            }
            bytes = data
        }
        try InputLimits.check(bytes, input: label, limit: InputLimits.importBytes, lineLimit: InputLimits.importLineBytes, what: "the import")
        let summary = try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Import.run(bytes, input: label, in: tx) }
        let counted = summary.counts.filter { $0.count > 0 }
        var out = CommandOutput.text("Imported " + (counted.isEmpty ? "nothing" : counted.map { "\($0.count) \($0.type)\($0.count == 1 ? "" : "s")" }.joined(separator: ", ")))
        out.records = [.object(JSONObject(summary.counts.map { ($0.type, JSONValue.int(Int64($0.count))) }))]
        return out
    }
}
