#if canImport(Glibc)
import Glibc
#endif

/// Runs the user's delivery program, `.inbox/hooks/deliver`: the message as JSON on stdin, its
/// id in INBOX_MESSAGE_ID (the same on every attempt, so a provider can drop duplicates). Exit 0
/// means sent; its first line of output, if any, is the provider's message id. Nothing is ever
/// pasted into a shell command line.
public enum DeliveryHook {
    public static let relativePath = "hooks/deliver"

    public enum Outcome: Equatable, Sendable {
        case noHook
        case sent(providerID: String?)
        case failed(String)
    }

    public static func isInstalled(_ repository: Repository) -> Bool {
        access(repository.path(relativePath), X_OK) == 0
    }

    public static func deliver(_ message: Message, repository: Repository) -> Outcome {
        let path = repository.path(relativePath)
        guard isInstalled(repository) else { return .noHook }
        let input = JSONWriter.bytes(.object(message.json)) + [0x0A]
        var environment: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if !pair.hasPrefix("INBOX_MESSAGE_ID=") { environment.append(pair) }
            entry += 1
        }
        environment += ["INBOX_MESSAGE_ID=\(message.id)", "INBOX_REPO=\(repository.root)"]
        return run(path, input: input, environment: environment)
    }

    static func run(_ path: String, input: [UInt8], environment: [String]) -> Outcome {
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else { return .failed("pipe: \(SystemError.describe(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        for fd in stdinPipe + stdoutPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0])
            return .failed("could not start \(path): \(SystemError.describe(spawned))")
        }
        // The hook may not read all its input; a closed pipe must not kill us (SIGPIPE is ignored).
        var offset = 0
        while offset < input.count {
            let n = input.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
            offset += n
        }
        close(stdinPipe[1])
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(stdoutPipe[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if output.count < 65536 { output += chunk[0..<n] }
        }
        close(stdoutPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited else { return .failed("delivery hook killed by signal \(status & 0x7f)") }
        guard code == 0 else { return .failed("delivery hook exited \(code)") }
        let firstLine = String(decoding: output, as: UTF8.self).split(separator: "\n").first.map { String($0).trimmingWhitespace() }
        return .sent(providerID: firstLine.flatMap { $0.isEmpty ? nil : $0 })
    }
}
