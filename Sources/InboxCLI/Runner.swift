import InboxCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs one command line. `main.swift` calls this with the real process; tests call it with
/// captured streams. Exit status is decided here, once, from what the command returned or threw.
public enum InboxCLI {
    public static let version = "0.1.0"

    /// `repository`, when given, is used instead of finding one (the lines of a batch share it).
    public static func run(_ argv: [String], _ environment: ProcessEnvironment, table: CommandTable = .shared,
                           repository: Repository? = nil) -> Int32 {
        perform(ArgumentReader(table: table).read(argv), environment, table: table, repository: repository)
    }

    /// Runs a command line already read (a batch reads all its lines before running any).
    static func perform(_ reading: Result<(GlobalOptions, Invocation), ArgumentReader.Failure>, _ environment: ProcessEnvironment,
                        table: CommandTable = .shared, repository: Repository? = nil) -> Int32 {
        switch reading {
        case .failure(let failure):
            return report(failure.error, spec: failure.spec, noun: failure.noun, environment)
        case .success(let (globals, invocation)):
            switch invocation {
            case .version:
                environment.stdout.write("inbox \(version)\n")
                return outputChecked(ExitStatus.success, committed: false, environment)
            case .help(let noun, let verb):
                Pager.show(helpText(noun: noun, verb: verb, table), command: "help", globals, environment)
                return outputChecked(ExitStatus.success, committed: false, environment)
            case .command(let type, let arguments):
                return execute(type, arguments, globals, environment, repository: repository)
            }
        }
    }

    static func helpText(noun: String?, verb: String?, _ table: CommandTable) -> String {
        guard let noun else { return Help.overview(table) }
        if let verb, let type = table.command(noun, verb) { return Help.command(type.spec) }
        return Help.noun(noun, table)
    }

    static func execute(_ type: any InboxCommand.Type, _ arguments: ParsedArguments, _ globals: GlobalOptions,
                        _ environment: ProcessEnvironment, repository: Repository?) -> Int32 {
        var context: CommandContext?
        defer {
            for warning in context?.repositoryWarnings ?? [] { environment.stderr.write(TerminalText.escaped("warning: \(warning)\n")) }
        }
        do throws(InboxError) {
            context = try CommandContext(globals: globals, environment: environment, repository: repository)
            let command = try type.parse(arguments)
            var output = try command.run(context!)
            if let stream = output.stream { try run(stream, environment) }
            ShortIDs.apply(to: &output, globals, context!, command: type.spec)
            render(output, globals, environment, command: type.spec.name)
            var status = ExitStatus.success
            if let failure = output.failure { status = report(failure, spec: nil, noun: nil, environment) }
            return outputChecked(status, committed: context!.committedChange, environment)
        } catch {
            return report(error, spec: type.spec, noun: nil, environment)
        }
    }

    /// Turns a failure to write standard output (a full disk) into the exit status. Exit 74
    /// promises the repository is as it was, so once a change is saved the failure is only a
    /// warning and the run still exits 0: retrying would make the change twice.
    static func outputChecked(_ status: Int32, committed: Bool, _ environment: ProcessEnvironment) -> Int32 {
        guard let code = environment.stdout.writeFailure, status == ExitStatus.success else { return status }
        let failure = InboxError.io(path: "<stdout>", operation: "write", errno: code)
        if committed {
            environment.stderr.write("warning: \(failure.message); the change was saved, only its output was lost\n")
            return status
        }
        environment.stderr.write("Error: \(failure.message); nothing was changed\n")
        return ExitStatus.of(failure)
    }

    /// Runs a streaming output. It stops at a failed write (the error says why), and quietly
    /// once the reader has gone away (`inbox export | head`), as the rest would reach nobody.
    static func run(_ stream: (_ write: (String) throws(InboxError) -> Void) throws(InboxError) -> Void,
                    _ environment: ProcessEnvironment) throws(InboxError) {
        let readerGone = InboxError.io(path: "<stdout>", operation: "write", errno: EPIPE)
        do throws(InboxError) {
            try stream { (text) throws(InboxError) in
                // Data meant for a file stays exact unless it reaches a terminal (as `.raw` lines).
                environment.stdout.write(environment.stdoutIsTerminal ? TerminalText.escaped(text) : text)
                if let code = environment.stdout.writeFailure { throw InboxError.io(path: "<stdout>", operation: "write", errno: code) }
                if environment.stdout.closed { throw readerGone }
            }
        } catch where error == readerGone {
            return
        }
    }

    static func render(_ output: CommandOutput, _ globals: GlobalOptions, _ environment: ProcessEnvironment, command: String = "") {
        // Text for people is escaped here, once, before any styling (TerminalText).
        for notice in output.notices { environment.stderr.write(TerminalText.escaped(notice) + "\n") }
        if !globals.quiet {
            for line in output.info { environment.stderr.write(TerminalText.escaped(line) + "\n") }
        }
        if output.forcedForm == .json || (globals.json && output.forcedForm == nil) {
            var text = ""
            for record in output.records { text += JSONWriter.string(record) + "\n" }
            environment.stdout.write(text)
        } else if globals.quiet && output.forcedForm == nil {
            environment.stdout.write(output.ids.map { $0 + "\n" }.joined())
        } else {
            let style = Style(enabled: colorEnabled(globals, environment))
            var text = ""
            for line in output.lines {
                switch line {
                case .plain(let s): text += TerminalText.escaped(s) + "\n"
                case .heading(let s): text += style.bold(TerminalText.escaped(s)) + "\n"
                case .dim(let s): text += style.dim(TerminalText.escaped(s)) + "\n"
                case .table(let table): text += table.text(style: style, width: environment.terminalWidth)
                case .packedTable(let table): text += table.text(style: style, width: environment.terminalWidth)
                // Data meant for a file (CSV, a completion script) stays exact unless it reaches a terminal.
                case .raw(let s): text += environment.stdoutIsTerminal ? TerminalText.escaped(s) : s
                case .rendered(let s): text += s
                }
            }
            Pager.show(text, command: command, globals, environment)
        }
    }

    static func colorEnabled(_ globals: GlobalOptions, _ environment: ProcessEnvironment) -> Bool {
        guard environment.stdoutIsTerminal, !globals.noColor else { return false }
        if let noColor = environment.variable("NO_COLOR"), !noColor.isEmpty { return false }
        return environment.variable("TERM") != "dumb"
    }

    /// Prints an error raised outside a command (by the process itself) and returns its status.
    public static func report(_ error: InboxError, _ environment: ProcessEnvironment) -> Int32 {
        report(error, spec: nil, noun: nil, environment)
    }

    /// Prints an error the way its kind calls for and returns its exit status.
    static func report(_ error: InboxError, spec: CommandSpec?, noun: String?, _ environment: ProcessEnvironment) -> Int32 {
        var text: String
        switch error {
        case .badData, .badInput:
            // PATH:LINE: reason, at the start of the line, as compilers print it.
            text = ErrorText.message(error) + "\n"
        case .usage:
            text = "Error: \(ErrorText.message(error))\n"
            if let spec {
                text += "Usage: \(spec.usage)\nSee 'inbox \(spec.name) --help'.\n"
            } else if let noun {
                text += "Usage: inbox \(noun) VERB [arguments] [options]\nSee 'inbox help \(noun)'.\n"
            } else {
                text += "Usage: inbox [global options] NOUN VERB [arguments] [options]\nSee 'inbox help'.\n"
            }
        default:
            text = "Error: \(ErrorText.message(error))\n"
        }
        environment.stderr.write(TerminalText.escaped(text))
        return ExitStatus.of(error)
    }
}
