#if canImport(Glibc)
import Glibc
#endif

/// Runs the user's delivery program, `.inbox/hooks/deliver`: the message as JSON on stdin, its
/// id in INBOX_MESSAGE_ID (the same on every attempt, so a provider can drop duplicates). Exit 0
/// means sent; its first line of output, if any, is the provider's message id. Nothing is ever
/// pasted into a shell command line. It runs only when trusted on this machine (`HookTrust`),
/// in its own process group, for at most `delivery.timeout` seconds.
public enum DeliveryHook {
    public static let relativePath = "hooks/deliver"
    /// Output kept from the hook; the rest is read and dropped so the hook never blocks on a full pipe.
    static let outputCap = 65536

    public enum Outcome: Equatable, Sendable {
        case noHook
        case sent(providerID: String?)
        /// Not delivered: the hook did not start, or said no.
        case failed(String)
        /// Killed after `delivery.timeout`: it may have delivered.
        case timedOut(String)
    }

    /// What a send or flush finds at `.inbox/hooks/deliver`.
    public enum Readiness: Equatable, Sendable {
        /// No hook: messages are recorded as sent (DESIGN §3).
        case absent
        case ready
        /// Trusted but not executable: each delivery fails, saying how to fix it.
        case notExecutable
        /// Installed but not trusted here: nothing may be sent; the text says how to trust it.
        case untrusted(Explanation)

        /// Whether messages go through the hook (`sending` first) rather than straight to `sent`.
        public var isInstalled: Bool { self != .absent }
    }

    public static func readiness(_ repository: Repository) throws(InboxError) -> Readiness {
        if let known = repository.hookReadinessInBatch { return known }
        let status = try HookTrust.status(repository)
        let readiness: Readiness
        if !status.installed { readiness = .absent }
        else if status.state != .trusted { readiness = .untrusted(HookTrust.refusal(status)) }
        else { readiness = status.executable ? .ready : .notExecutable }
        if repository.isBatching { repository.hookReadinessInBatch = readiness }
        return readiness
    }

    /// `delivery.timeout` in seconds.
    public static func timeout(_ session: Session) throws(InboxError) -> Double {
        if case .int(let n) = try Config.load(session).value(.deliveryTimeout) { return Double(n) }
        return 30
    }

    public static func deliver(_ message: Message, repository: Repository, timeout: Double) -> Outcome {
        let status: HookTrust.Status
        do { status = try HookTrust.status(repository) } catch { return .failed(error.message) }
        guard status.installed else { return .noHook }
        // Checked again here: the hook may have changed since the message was marked sending.
        guard status.state == .trusted else { return .failed(HookTrust.refusal(status).description) }
        guard status.executable else {
            return .failed("the delivery hook \(status.path) is not executable, so nothing was sent (chmod +x .inbox/hooks/deliver)")
        }
        let input = JSONWriter.bytes(.object(message.json)) + [0x0A]
        var environment: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if !pair.hasPrefix("INBOX_MESSAGE_ID=") { environment.append(pair) }
            entry += 1
        }
        environment += ["INBOX_MESSAGE_ID=\(message.id)", "INBOX_REPO=\(repository.root)"]
        return run(status.path, input: input, environment: environment, timeout: timeout)
    }

    static func run(_ path: String, input: [UInt8], environment: [String], timeout: Double) -> Outcome {
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        // Close-on-exec: the hook gets only the ends dup2 gives it, and no other child gets any.
        func cloexecPipe(_ fds: inout [Int32]) -> Bool {
            guard pipe(&fds) == 0 else { return false }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard cloexecPipe(&stdinPipe), cloexecPipe(&stdoutPipe), cloexecPipe(&stderrPipe) else {
            let code = errno
            for fd in stdinPipe + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
            return .failed("pipe: \(SystemError.describe(code))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // Its own process group, so a timeout kills everything it started; SIGPIPE back to its
        // default (we ignore it, and an ignored signal stays ignored across exec).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            return .failed("could not start \(path): \(SystemError.describe(spawned))")
        }
        var exchange = PipeExchange(stdin: stdinPipe[1], stdout: stdoutPipe[0], stderr: stderrPipe[0], input: input, cap: outputCap)
        let finished = exchange.run(pid: pid, timeout: timeout)
        exchange.closeAll()
        let lastLine = PipeExchange.lastLine(exchange.error)
        guard let status = finished else {
            return .timedOut("the delivery hook timed out after \(DurationText.format(Int64(timeout.rounded(.up)))) and was killed; it may or may not have been sent"
                             + (lastLine.map { " (it said: \($0))" } ?? ""))
        }
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited else { return .failed("delivery hook killed by signal \(status & 0x7f)" + (lastLine.map { ": \($0)" } ?? "")) }
        guard code == 0 else { return .failed("delivery hook exited \(code)" + (lastLine.map { ": \($0)" } ?? "")) }
        let firstLine = String(decoding: exchange.output, as: UTF8.self).split(separator: "\n").first.map { String($0).trimmingWhitespace() }
        return .sent(providerID: firstLine.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// Feeds the hook's stdin and drains its stdout and stderr at the same time (a hook that writes
/// a lot before reading must not deadlock against us), until it exits or its time is up.
struct PipeExchange {
    var stdin: Int32, stdout: Int32, stderr: Int32
    let input: [UInt8]
    let cap: Int
    var written = 0
    /// The first `cap` bytes of stdout; the last `cap` bytes of stderr (its last line matters).
    var output: [UInt8] = []
    var error: [UInt8] = []

    init(stdin: Int32, stdout: Int32, stderr: Int32, input: [UInt8], cap: Int) {
        (self.stdin, self.stdout, self.stderr, self.input, self.cap) = (stdin, stdout, stderr, input, cap)
        for fd in [stdin, stdout, stderr] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        if input.isEmpty { closeInput() }
    }

    /// The wait status, or nil when the hook's group was killed after `timeout` seconds.
    mutating func run(pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Self.monotonic() + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                // It is gone; whatever it left in the pipes is read, but a background child
                // holding them open does not keep us waiting.
                drain()
                return status
            }
            let left = deadline - Self.monotonic()
            if left <= 0 {
                Self.killGroup(pid)
                return nil
            }
            var fds: [pollfd] = []
            if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
            if stdout >= 0 { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if stderr >= 0 { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            // Short slices: the exit of the hook itself does not wake poll while a child of it
            // still holds the pipes.
            let slice = Int32(max(1, min(left * 1000, fds.isEmpty ? 10 : 50)))
            let ready = fds.isEmpty ? poll(nil, 0, slice) : poll(&fds, nfds_t(fds.count), slice)
            if ready <= 0 { continue }
            for fd in fds where fd.revents != 0 {
                if fd.fd == stdin { feed() } else { drain(fd.fd) }
            }
        }
    }

    mutating func feed() {
        while written < input.count {
            let n = input.withUnsafeBytes { write(stdin, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { return }
                break  // EPIPE: the hook does not want the rest
            }
            written += n
        }
        closeInput()
    }

    mutating func closeInput() {
        if stdin >= 0 { close(stdin); stdin = -1 }
    }

    mutating func drain() {
        if stdout >= 0 { drain(stdout) }
        if stderr >= 0 { drain(stderr) }
    }

    /// Reads what is there now; closes the pipe at end of file.
    mutating func drain(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return }
            if n <= 0 {
                close(fd)
                if fd == stdout { stdout = -1 } else { stderr = -1 }
                return
            }
            if fd == stdout {
                if output.count < cap { output += chunk[0..<min(n, cap - output.count)] }
            } else {
                error += chunk[0..<n]
                if error.count > 2 * cap { error.removeFirst(error.count - cap) }
            }
        }
    }

    mutating func closeAll() {
        closeInput()
        for fd in [stdout, stderr] where fd >= 0 { close(fd) }
        stdout = -1
        stderr = -1
    }

    /// SIGTERM to the whole group, SIGKILL after a short grace; always reaps the hook.
    static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        let grace = monotonic() + 2
        var status: Int32 = 0
        while monotonic() < grace {
            if waitpid(pid, &status, WNOHANG) == pid {
                kill(-pid, SIGKILL)  // whatever it started, still in its group
                return
            }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// The last non-empty line, without control characters, at most 300 characters.
    static func lastLine(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).map({ String($0).trimmingWhitespace() }).last(where: { !$0.isEmpty }) else { return nil }
        let clean = String(String.UnicodeScalarView(line.unicodeScalars.map { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) ? "\u{FFFD}" : $0 }))
        return clean.count > 300 ? String(clean.prefix(299)) + "…" : clean
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
