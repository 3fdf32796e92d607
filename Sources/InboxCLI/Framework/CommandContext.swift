import InboxCore

/// Where a command's output goes. The process writes to file descriptors; tests capture text.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
    /// The errno of a write that failed for a reason other than the reader going away (a full
    /// disk), if one did; the runner decides what it means for the exit status.
    var writeFailure: Int32? { get }
    /// True once nothing more can be written (the reader went away, or a write failed): a
    /// streaming output stops there instead of producing the rest for nobody.
    var closed: Bool { get }
}

extension OutputSink {
    public var writeFailure: Int32? { nil }
    public var closed: Bool { false }
}

/// What the process gives a run: arguments aside, its environment and standard streams.
public struct ProcessEnvironment {
    /// Looks up one environment variable (the process reads them with getenv, on demand:
    /// copying the whole environment into a dictionary costs a sixth of start-up).
    public var variable: (String) -> String?
    public var currentDirectory: String
    public var stdout: OutputSink
    public var stderr: OutputSink
    public var stdoutIsTerminal: Bool
    public var stdinIsTerminal: Bool
    /// The login name of the process's user, when the system knows one. Asked only when
    /// needed: the lookup goes through NSS, which costs more than a whole listing.
    public var accountName: () -> String?
    /// Reads standard input to its end, or until it has more than `limit` bytes: it returns at
    /// most `limit + 1`, so an endless stream is cut off rather than read into memory.
    public var readStandardInput: (_ limit: Int) throws(InboxError) -> [UInt8]
    /// The terminal's width in columns as the terminal reports it (TIOCGWINSZ), when stdout is one.
    public var windowColumns: () -> Int?
    /// Shows text through a pager command (`less -FRX`) and waits for it to end; false when it
    /// could not be started (the text is then written to stdout). Nil where there is no process
    /// to start one (tests running the CLI in process).
    public var page: ((_ command: String, _ text: String) -> Bool)?

    public init(variable: @escaping (String) -> String?, currentDirectory: String, stdout: OutputSink, stderr: OutputSink,
                stdoutIsTerminal: Bool = false, stdinIsTerminal: Bool = false, accountName: @escaping () -> String? = { nil },
                readStandardInput: @escaping (_ limit: Int) throws(InboxError) -> [UInt8],
                windowColumns: @escaping () -> Int? = { nil }, page: ((_ command: String, _ text: String) -> Bool)? = nil) {
        self.windowColumns = windowColumns
        self.page = page
        self.variable = variable
        self.currentDirectory = currentDirectory
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stdinIsTerminal = stdinIsTerminal
        self.accountName = accountName
        self.readStandardInput = readStandardInput
    }

    /// The width rows are fitted to: only when stdout is a terminal (piped output is never
    /// cut), from COLUMNS when it holds a positive number, else from the terminal itself.
    public var terminalWidth: Int? {
        guard stdoutIsTerminal else { return nil }
        if let text = variable("COLUMNS"), let columns = Int(text), columns > 0 { return columns }
        return windowColumns().flatMap { $0 > 0 ? $0 : nil }
    }
}

/// Everything a command may use: the clock, the repository, the acting user, stdin.
public final class CommandContext {
    public let globals: GlobalOptions
    public let environment: ProcessEnvironment
    public let now: Timestamp
    private var cachedRepository: Repository?

    init(globals: GlobalOptions, environment: ProcessEnvironment, repository: Repository? = nil) throws(InboxError) {
        self.globals = globals
        self.environment = environment
        self.cachedRepository = repository
        if let fixed = globals.now ?? environment.variable("INBOX_NOW"), !fixed.isEmpty {
            now = try TimeExpression.resolve(fixed, now: Timestamp.systemNow())
        } else {
            now = Timestamp.systemNow()
        }
    }

    public var lockTimeout: Double {
        get throws(InboxError) {
            guard let text = globals.lockTimeout else { return 5 }
            guard let seconds = Double(text), seconds >= 0, seconds <= 86400 else {
                throw InboxError.usage("--lock-timeout needs a number of seconds, not '\(text)'")
            }
            return seconds
        }
    }

    /// The repository named by --repo or INBOX_REPO, else the nearest one above the working directory.
    public func repository() throws(InboxError) -> Repository {
        if let cachedRepository { return cachedRepository }
        let explicit = globals.repo ?? environment.variable("INBOX_REPO").flatMap { $0.isEmpty ? nil : $0 }
        let repo = try Repository.discover(explicit: explicit, cwd: environment.currentDirectory, lockTimeout: lockTimeout)
        cachedRepository = repo
        return repo
    }

    /// Problems the store met after a change was already saved, for stderr.
    var repositoryWarnings: [String] { cachedRepository?.warnings ?? [] }

    /// Whether this run saved a change to the repository (then a failure to print is no
    /// longer "nothing happened").
    var committedChange: Bool { cachedRepository?.committedChange ?? false }

    /// A path as the user typed it, made absolute against the working directory.
    public func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : environment.currentDirectory + "/" + path
    }

    /// The acting user: --as, INBOX_USER, config user.name, $USER.
    public func actingUser(_ session: Session) throws(InboxError) -> String {
        if let name = globals.actingUser ?? environment.variable("INBOX_USER").flatMap({ $0.isEmpty ? nil : $0 }) {
            return try UserName.validated(name)
        }
        if let name = try Config.load(session).userName { return name }
        // Cron jobs often run without USER; LOGNAME and the account name stand in for it.
        for name in [environment.variable("USER"), environment.variable("LOGNAME")] {
            if let name, let valid = try? UserName.validated(name.lowercased()) { return valid }
        }
        if let name = environment.accountName(), let valid = try? UserName.validated(name.lowercased()) { return valid }
        throw InboxError.usage("no acting user: pass --as USER, set INBOX_USER, or run 'inbox config set user.name NAME'")
    }

    /// Standard input, refused as bad data (`<stdin>:LINE`) past `limit` bytes or a line
    /// longer than `lineLimit`.
    public func standardInput(limit: Int, lineLimit: Int? = nil, what: String = "input") throws(InboxError) -> [UInt8] {
        let bytes = try environment.readStandardInput(limit)
        try InputLimits.check(bytes, input: "<stdin>", limit: limit, lineLimit: lineLimit, what: what)
        return bytes
    }

    /// The text of a TEXT argument: `-` reads standard input.
    public func text(_ argument: String) throws(InboxError) -> String {
        guard argument == "-" else { return argument }
        let bytes = try standardInput(limit: InputLimits.textBytes, what: "the text")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InboxError.badData(path: "<stdin>", line: 1, reason: "input is not valid UTF-8")
        }
        var trimmed = Substring(text)
        while trimmed.last == "\n" || trimmed.last == "\r\n" { trimmed.removeLast() }
        return String(trimmed)
    }

    /// Ids given as arguments; a lone `-` reads them from standard input, one per line.
    public func ids(_ arguments: [String]) throws(InboxError) -> [String] {
        guard arguments == ["-"] else {
            if arguments.contains("-") { throw InboxError.usage("'-' reads ids from standard input and cannot be mixed with ids") }
            return arguments
        }
        let bytes = try standardInput(limit: InputLimits.batchBytes, lineLimit: InputLimits.lineBytes, what: "the list of ids")
        // 100,000 ids split by bytes when all are ASCII: the same lines as splitting by
        // Character (whose ASCII newlines are LF, VT, FF and CR, and spaces those and tab).
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return bytes.split { $0 >= 0x0A && $0 <= 0x0D }.compactMap { line in
                guard let first = line.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
                      let last = line.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
                return String(decoding: line[first...last], as: UTF8.self)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InboxError.badData(path: "<stdin>", line: 1, reason: "input is not valid UTF-8")
        }
        return text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
