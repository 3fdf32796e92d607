import InboxCore

struct BatchCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "batch", abstract: "Run commands read from standard input, one per line, as one all-or-nothing change",
        options: [OptionSpec("keep-going", "keep the lines that succeed when some fail (each failed line is undone)")],
        discussion: "Each line is written as after 'inbox', with shell-style quotes and no expansion; # starts a comment. All lines run in one process under one lock and are written together at the end: if a line fails, nothing is written and batch exits with that line's status, unless --keep-going. Inside a batch, messages to be delivered through a hook are queued for the next flush, because the hook cannot run before the batch is written.",
        examples: ["inbox batch < fixture-commands.txt", "printf 'contact add \"Ada Lovelace\"\\ncontact add \"Grace Hopper\"\\n' | inbox batch"]
    )

    var keepGoing: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> BatchCommand {
        try arguments.allowPositionals(0)
        return BatchCommand(keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let input = try context.standardInput(limit: InputLimits.batchBytes, lineLimit: InputLimits.lineBytes, what: "the batch")
        guard let text = String(validating: input, as: UTF8.self) else {
            throw InboxError.badData(path: "<stdin>", line: 1, reason: "input is not valid UTF-8")
        }
        var lines: [(number: Int, words: [String])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do throws(InboxError) {
                let words = try ShellWords.split(String(line))
                if words.first == "batch" { throw InboxError.usage("a batch cannot run another batch") }
                if !words.isEmpty { lines.append((index + 1, words)) }
            } catch {
                throw InboxError.usage("<stdin>:\(index + 1): \(error.message)")
            }
        }
        var environment = context.environment
        environment.readStandardInput = { (_: Int) throws(InboxError) -> [UInt8] in
            throw InboxError.usage("inside a batch, standard input holds the batch itself; write the text on the line")
        }
        let repository = try context.repository()
        var failed: [(line: Int, status: Int32)] = []
        try repository.batch { (tx) throws(InboxError) in
            for line in lines {
                let savepoint = tx.savepoint()
                let status = InboxCLI.run(line.words, environment, repository: repository)
                guard status != 0 else { continue }
                guard keepGoing else {
                    throw InboxError.commandFailed(status: status, "batch: line \(line.number) failed (exit \(status)); nothing was written")
                }
                tx.rollback(to: savepoint)
                failed.append((line.number, status))
            }
        }
        var out = CommandOutput()
        out.notices = ["batch: \(lines.count) commands, \(lines.count - failed.count) done" +
                       (failed.isEmpty ? "" : ", \(failed.count) failed and undone (lines \(failed.map { String($0.line) }.joined(separator: ", ")))")]
        if let first = failed.first {
            out.failure = .commandFailed(status: first.status, "batch: \(failed.count) line\(failed.count == 1 ? "" : "s") failed; the others were written")
        }
        return out
    }
}
