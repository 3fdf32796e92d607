// The only file that touches the process: argv, environment, standard streams, exit status.
#if canImport(Glibc)
import Glibc
#endif
import InboxCLI
import InboxCore

/// Writes straight to a file descriptor. A reader that went away (`inbox … | head`) is not an
/// error: the rest of the output is dropped quietly.
final class FileDescriptorSink: OutputSink {
    let fd: Int32
    var closed = false
    /// Set when a write failed for a reason other than the reader going away (a full disk).
    var writeFailure: Int32?

    init(_ fd: Int32) { self.fd = fd }

    func write(_ text: String) {
        guard !closed else { return }
        // Written from the string's own bytes: a listing of a megabyte is not copied first.
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno != EPIPE { writeFailure = errno }
                    closed = true
                    return
                }
                offset += n
            }
        }
    }
}

/// Reads standard input to its end, or stops once it holds `limit + 1` bytes.
func readStandardInput(_ limit: Int) throws(InboxError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while bytes.count <= limit {
        let want = limit - bytes.count >= chunk.count ? chunk.count : limit - bytes.count + 1
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, want) }
        if n < 0 {
            if errno == EINTR { continue }
            throw InboxError.io(path: "<stdin>", operation: "read", errno: errno)
        }
        if n == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
}

/// A byte string for a message: printable ASCII as it is, every other byte as \xHH.
func shownBytes(_ text: UnsafePointer<CChar>) -> String {
    var out = ""
    var p = text
    while p.pointee != 0 {
        let byte = UInt8(bitPattern: p.pointee)
        out += byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true)
        p += 1
    }
    return out
}

/// The arguments, decoded strictly. `CommandLine.arguments` replaces bytes that are not
/// UTF-8 with U+FFFD, which would store a name nobody typed; standard input refuses the same
/// bytes, so arguments do too.
func validatedArguments() -> Result<[String], InboxError> {
    var arguments: [String] = []
    for index in 1..<Int(CommandLine.argc) {
        guard let raw = CommandLine.unsafeArgv[index] else { break }
        guard let argument = String(validatingCString: raw) else {
            return .failure(.usage("argument \(index) ('\(shownBytes(raw))') is not valid UTF-8"))
        }
        arguments.append(argument)
    }
    return .success(arguments)
}

/// An environment variable's value, or nil when it is unset or not UTF-8 (the variables
/// `inbox` takes values from are checked first, so nil never stands for a value we guessed at).
func variable(_ name: String) -> String? {
    getenv(name).flatMap { String(validatingCString: $0) }
}

/// Variables whose values `inbox` uses as input: like arguments, refused when not UTF-8.
func checkValueVariables() -> InboxError? {
    for name in ["INBOX_REPO", "INBOX_USER", "INBOX_NOW"] {
        if let raw = getenv(name), String(validatingCString: raw) == nil {
            return .usage("environment variable \(name) ('\(shownBytes(raw))') is not valid UTF-8")
        }
    }
    return nil
}

/// The terminal's width from the kernel; nil when it does not know (a pty nobody sized).
func windowColumns() -> Int? {
    var size = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
}

/// Runs `command` through /bin/sh, as git runs its pager, with `text` on its standard input
/// and our terminal as its output, and waits for it. A pager that quits before reading it all
/// (q in less) only ends the writing: SIGPIPE is ignored here, and EPIPE is not an error.
/// While it runs, Ctrl-C belongs to the pager, so this process ignores SIGINT until it ends.
func page(_ command: String, _ text: String) -> Bool {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { return false }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    // The pager starts with default SIGPIPE and SIGINT, not the ignored ones we inherit it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGINT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    let previousInterrupt = signal(SIGINT, SIG_IGN)
    defer { signal(SIGINT, previousInterrupt) }
    var child: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
    defer { for pointer in argv { free(pointer) } }
    // less wants LESS=FRX when the user set nothing, as git arranges; the rest of the environment is ours.
    if getenv("LESS") == nil { setenv("LESS", "FRX", 0) }
    let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
    close(pipeEnds[0])
    guard spawned == 0 else {
        close(pipeEnds[1])
        return false
    }
    let sink = FileDescriptorSink(pipeEnds[1])
    sink.write(text)
    close(pipeEnds[1])
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    return true
}

signal(SIGPIPE, SIG_IGN)
let standardOutput = FileDescriptorSink(1)
let environment = ProcessEnvironment(
    variable: variable,
    currentDirectory: currentDirectory(),
    stdout: standardOutput,
    stderr: FileDescriptorSink(2),
    stdoutIsTerminal: isatty(1) == 1,
    stdinIsTerminal: isatty(0) == 1,
    accountName: { getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } },
    readStandardInput: readStandardInput,
    windowColumns: windowColumns,
    page: page
)
// A failure to write standard output is judged by the runner, which knows whether a change was saved.
if let error = checkValueVariables() { exit(InboxCLI.report(error, environment)) }
switch validatedArguments() {
case .failure(let error): exit(InboxCLI.report(error, environment))
case .success(let arguments): exit(InboxCLI.run(arguments, environment))
}
