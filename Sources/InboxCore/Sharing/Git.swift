#if canImport(Glibc)
import Glibc
#endif

/// Runs git for `inbox sync` in the directory that holds `.inbox` (the git work tree): argv
/// only, never a shell, through the same spawn-and-drain code as the delivery hook (the binary
/// does not link Foundation, whose loading would slow every command down).
///
/// The environment is the caller's minus every `GIT_*` variable that could point git at another
/// repository, index or work tree (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, ...); the
/// identity and transport variables (`GIT_AUTHOR_*`, `GIT_COMMITTER_*`, `GIT_SSH*`,
/// `GIT_ASKPASS`) pass through. Git never prompts (`GIT_TERMINAL_PROMPT=0`) and speaks English.
struct Git {
    let workTree: String
    /// Seconds one git command may take (a fetch over a slow link) before it is killed.
    var timeout: Double = 600

    struct Result {
        var status: Int32
        var output: String
        var error: String
        var succeeded: Bool { status == 0 }
        /// The last line git wrote on stderr, for messages.
        var complaint: String { PipeExchange.lastLine(Array(error.utf8)) ?? "exit status \(status)" }
    }

    static let passedThrough = ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME",
                                "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS",
                                "GIT_CONFIG_NOSYSTEM"]

    static func environment() -> [String] {
        var out: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            entry += 1
            let name = String(pair.prefix { $0 != "=" })
            if name.hasPrefix("GIT_") && !passedThrough.contains(name) { continue }
            if name == "LC_ALL" || name == "LANGUAGE" { continue }
            out.append(pair)
        }
        return out + ["GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "GIT_MERGE_AUTOEDIT=no"]
    }

    /// Runs `git -C WORKTREE ARGS...`; a git that cannot be started is an error, a git that
    /// fails is a result with its status (callers decide what a failure means).
    func run(_ arguments: [String], input: [UInt8] = []) throws(InboxError) -> Result {
        let argv = ["git", "-C", workTree] + arguments
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        for index in 0..<3 {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                let code = errno
                for fd in stdinPipe + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
                throw InboxError.io(path: "git", operation: "pipe", errno: code)
            }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            if index == 0 { stdinPipe = fds } else if index == 1 { stdoutPipe = fds } else { stderrPipe = fds }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = Git.environment().map { strdup($0) } + [nil]
        defer { (args + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "git", &actions, &attributes, args, envp)
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            if spawned == ENOENT {
                throw InboxError.refused("git is not installed (or not on PATH): \(CommandReference.sync) shares the inbox through git; install git and try again")
            }
            throw InboxError.io(path: "git", operation: "start", errno: spawned)
        }
        var exchange = PipeExchange(stdin: stdinPipe[1], stdout: stdoutPipe[0], stderr: stderrPipe[0], input: input, cap: 16 << 20)
        let finished = exchange.run(pid: pid, timeout: timeout)
        exchange.closeAll()
        guard let status = finished else {
            throw InboxError.io(path: "git " + (arguments.first ?? ""), operation: "run (killed after \(Int(timeout)) seconds)", errno: ETIMEDOUT)
        }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, output: String(decoding: exchange.output, as: UTF8.self), error: String(decoding: exchange.error, as: UTF8.self))
    }

    /// Runs a git command that must succeed; its failure becomes an error naming what was tried.
    @discardableResult
    func check(_ arguments: [String], _ doing: String) throws(InboxError) -> String {
        let result = try run(arguments)
        guard result.succeeded else {
            throw InboxError.commandFailed(status: 74, "\(CommandReference.sync): \(doing) failed (git \(arguments.first ?? "")): \(result.complaint)")
        }
        return result.output
    }

    func lines(_ arguments: [String]) throws(InboxError) -> [String] {
        let result = try run(arguments)
        guard result.succeeded else { return [] }
        return result.output.split(separator: "\n").map(String.init)
    }
}
