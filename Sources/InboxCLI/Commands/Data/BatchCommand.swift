import InboxCore

struct BatchCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "batch", access: .write, abstract: "Run commands read from standard input, one per line, as one all-or-nothing change",
        options: [OptionSpec("keep-going", "keep the lines that succeed when some fail (each failed line is undone)")],
        discussion: "Each line is written as after 'inbox', with shell-style quotes and no expansion; # starts a comment; lines may end with LF or CRLF. Global options given to batch (--now, --as, --json, -q, --no-color, --lock-timeout) apply to every line unless the line gives its own; a line's --repo must name the batch's repository. All lines run in one process under one lock and are written together at the end: if a line fails, nothing is written and batch exits with that line's status, unless --keep-going. Output appears once the batch is written, and only for the lines that were kept. init, demo, import, fsck --repair, message flush and batch cannot be lines: each is its own change or runs the delivery hook, which cannot run before the batch is written; messages sent through a hook inside a batch are queued for the next flush.",
        examples: ["inbox batch < fixture-commands.txt", "printf 'contact add \"Ada Lovelace\"\\ncontact add \"Grace Hopper\"\\n' | inbox batch"]
    )

    var keepGoing: Bool

    /// Lines whose threads are parsed together, ahead of them: 10,000 schedules into 10,000
    /// threads parsed them one by one on one core.
    static let stretch = 256

    /// The conversations these lines send or schedule into, as given.
    static func threads(_ lines: ArraySlice<BatchLine>) -> [String] {
        lines.compactMap { line in
            guard case .success((_, .command(let type, let arguments))) = line.reading,
                  type == MessageSendCommand.self || type == MessageScheduleCommand.self else { return nil }
            return arguments.positionals.first
        }
    }

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> BatchCommand {
        try arguments.allowPositionals(0)
        return BatchCommand(keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let input = try context.standardInput(limit: InputLimits.batchBytes, lineLimit: InputLimits.lineBytes, what: "the batch")
        let lines = try BatchScript.lines(input, defaults: BatchScript.defaults(context))
        let repository = try context.repository()
        for line in lines { try BatchScript.vet(line, in: repository, context) }
        var environment = context.environment
        environment.page = nil // lines are collected and printed once the batch is written
        environment.readStandardInput = { (_: Int) throws(InboxError) -> [UInt8] in
            throw InboxError.usage("inside a batch, standard input holds the batch itself; write the text on the line")
        }
        var kept: [String] = []
        var failed: [(line: Int, status: Int32)] = []
        try repository.batch { (tx) throws(InboxError) in
            var ahead: ReadAhead?
            var indexed = Set<String>()
            for (index, line) in lines.enumerated() {
                if index % Self.stretch == 0 {
                    // The first stretch's threads are parsed on both cores; what each next one
                    // reads, on the other core while this one's lines run on this one.
                    if let ahead { indexed.formUnion(ahead.finish(in: tx)) } else { Messages.warm(conversations: Self.threads(lines.prefix(Self.stretch)), in: tx) }
                    let next = Self.threads(lines.dropFirst(index + Self.stretch).prefix(Self.stretch))
                    ahead = next.isEmpty ? nil : ReadAhead(conversations: next, shards: .indexed(skipping: indexed), in: tx)
                }
                // Only --keep-going goes back to before a failed line; otherwise a failure
                // abandons the whole batch, and a savepoint per line would be wasted work.
                let savepoint = keepGoing ? tx.savepoint() : nil
                let output = BufferedOutput()
                environment.stdout = output
                environment.stderr = LineDiagnostics(context.environment.stderr, line: line.number)
                let status = InboxCLI.perform(line.reading, environment, repository: repository)
                guard status != 0 else {
                    kept.append(output.text)
                    try tx.limitMemory()  // 10,000 lines may stage 10,000 threads
                    continue
                }
                guard keepGoing else {
                    throw InboxError.commandFailed(status: status, "batch: line \(line.number) failed (exit \(status)); nothing was written")
                }
                tx.rollback(to: savepoint!)
                failed.append((line.number, status))
            }
            tx.dropLineIndexes()
        }
        var out = CommandOutput()
        out.forcedForm = .text
        out.lines = [.rendered(kept.joined())]
        out.info = ["batch: \(lines.count) commands, \(lines.count - failed.count) done" +
                       (failed.isEmpty ? "" : ", \(failed.count) failed and undone (lines \(failed.map { String($0.line) }.joined(separator: ", ")))")]
        if let first = failed.first {
            out.failure = .commandFailed(status: first.status, "batch: \(failed.count) line\(failed.count == 1 ? "" : "s") failed; the others were written")
        }
        return out
    }
}
