#if canImport(Glibc)
import Glibc
#endif
import InboxCore

/// One line of a batch, read (not yet run).
struct BatchLine {
    let number: Int
    let reading: Result<(GlobalOptions, Invocation), ArgumentReader.Failure>
}

/// Reads a batch's lines and refuses, before any runs, those that cannot join its one change.
enum BatchScript {
    static let input = "<stdin>"

    /// Splits on LF and CRLF: Swift reads "\r\n" as one Character, so splitting on "\n" alone
    /// took a whole Windows-made file for one line. A CR anywhere else is refused. The lines
    /// are read on every core (10,000 lines took a fifth of a second on one); the first bad
    /// line in file order is reported, as reading them in turn would.
    static func lines(_ bytes: [UInt8], defaults: GlobalOptions) throws(InboxError) -> [BatchLine] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InboxError.badData(path: input, line: 1, reason: "input is not valid UTF-8")
        }
        let texts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        let reader = ArgumentReader(table: .shared)
        let read = Parallel.map(Array(texts.enumerated())) { (index, line) in
            Unchecked(value: Result { () throws(InboxError) in try self.line(line, number: index + 1, reader, defaults) })
        }
        var lines: [BatchLine] = []
        for result in read {
            if let line = try result.value.get() { lines.append(line) }
        }
        return lines
    }

    /// One line read, or nil for a blank one or a comment.
    static func line(_ line: Substring, number: Int, _ reader: ArgumentReader, _ defaults: GlobalOptions) throws(InboxError) -> BatchLine? {
        if line.unicodeScalars.contains("\r") {
            throw InboxError.badData(path: input, line: number, reason: "a carriage return inside the line (lines end with LF or CRLF)")
        }
        let words: [String]
        do throws(InboxError) {
            words = try ShellWords.split(String(line))
        } catch {
            throw InboxError.usage("\(input):\(number): \(ErrorText.message(error))")
        }
        return words.isEmpty ? nil : BatchLine(number: number, reading: reader.read(words, defaults: defaults))
    }

    /// The global options given to `batch` that its lines take unless they give their own.
    /// A fixed clock is passed as the instant the batch resolved, so every line shares it.
    static func defaults(_ context: CommandContext) -> GlobalOptions {
        var defaults = GlobalOptions()
        defaults.actingUser = context.globals.actingUser
        defaults.json = context.globals.json
        defaults.quiet = context.globals.quiet
        defaults.noColor = context.globals.noColor
        defaults.lockTimeout = context.globals.lockTimeout
        if context.globals.now != nil { defaults.now = context.now.iso }
        return defaults
    }

    /// Throws for a line that would escape the batch's transaction or name another repository.
    static func vet(_ line: BatchLine, in repository: Repository, _ context: CommandContext) throws(InboxError) {
        guard case .success(let (globals, invocation)) = line.reading else { return }
        if let other = globals.repo, !same(other, as: repository, context) {
            throw InboxError.usage("\(input):\(line.number): --repo '\(other)' is not the batch's repository (\(repository.root)); a batch changes one repository")
        }
        guard case .command(let type, let arguments) = invocation, let reason = refusal(type.spec, arguments) else { return }
        throw InboxError.usage("\(input):\(line.number): '\(type.spec.name)' cannot run inside a batch: \(reason)")
    }

    /// Why a command cannot be a line of a batch, if it cannot.
    static func refusal(_ spec: CommandSpec, _ arguments: ParsedArguments) -> String? {
        switch spec.name {
        case "init", "demo": return "it makes a repository instead of joining the batch's change"
        case "batch": return "a batch cannot run another batch"
        case "import": return "an import is its own all-or-nothing change; run it before or after the batch"
        case "fsck" where arguments.flag("repair"): return "a repair is its own change; run it before or after the batch"
        case "message flush" where !arguments.flag("dry-run"):
            return "it runs the delivery hook, which cannot run before the batch is written"
        default: return nil
        }
    }

    /// Whether a line's --repo names the batch's repository (by its real path).
    static func same(_ explicit: String, as repository: Repository, _ context: CommandContext) -> Bool {
        guard let named = try? Repository.discover(explicit: explicit, cwd: context.environment.currentDirectory, lockTimeout: 0) else {
            return false
        }
        return realPath(named.storePath) == realPath(repository.storePath)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A line read on another core: what a line holds (a command type among them) is only ever
/// read, never shared while being changed.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
}

/// Holds a line's output until the batch is written: a batch that fails prints nothing for
/// records that were never saved.
final class BufferedOutput: OutputSink {
    private(set) var text = ""
    func write(_ text: String) { self.text += text }
}

/// A line's diagnostics, each prefixed with where the line is (`<stdin>:LINE: `), the way
/// errors in any other input are named.
final class LineDiagnostics: OutputSink {
    let sink: OutputSink
    let prefix: String
    private var atLineStart = true

    init(_ sink: OutputSink, line: Int) {
        self.sink = sink
        self.prefix = "\(BatchScript.input):\(line): "
    }

    func write(_ text: String) {
        var out = ""
        for character in text {
            if atLineStart { out += prefix }
            out.append(character)
            atLineStart = character == "\n"
        }
        sink.write(out)
    }
}
