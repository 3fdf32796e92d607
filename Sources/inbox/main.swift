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
    var failure: Int32?

    init(_ fd: Int32) { self.fd = fd }

    func write(_ text: String) {
        guard !closed else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno != EPIPE { failure = errno }
                closed = true
                return
            }
            offset += n
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

signal(SIGPIPE, SIG_IGN)
let standardOutput = FileDescriptorSink(1)
let environment = ProcessEnvironment(
    variable: { name in getenv(name).map { String(cString: $0) } },
    currentDirectory: currentDirectory(),
    stdout: standardOutput,
    stderr: FileDescriptorSink(2),
    stdoutIsTerminal: isatty(1) == 1,
    stdinIsTerminal: isatty(0) == 1,
    accountName: { getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } },
    readStandardInput: readStandardInput
)
var status = InboxCLI.run(Array(CommandLine.arguments.dropFirst()), environment)
if let code = standardOutput.failure, status == 0 {
    status = InboxCLI.report(.io(path: "<stdout>", operation: "write", errno: code), environment)
}
exit(status)
