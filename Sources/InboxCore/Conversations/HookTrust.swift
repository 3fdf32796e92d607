#if canImport(Glibc)
import Glibc
#endif

/// Whether this machine trusts a repository's delivery hook. A repository is shared data, so
/// the program it names is never run just because it arrived with a clone (as git never runs
/// hooks that came with one): `inbox hook trust` records the SHA-256 of the hook's content in
/// the user's data directory, outside every repository, one small file per repository:
/// `${XDG_DATA_HOME:-$HOME/.local/share}/inbox/trusted-hooks/<sha256 of realpath(.inbox)>`.
/// A hook whose content differs from the recorded hash is untrusted again.
public enum HookTrust {
    public enum State: String, Sendable {
        /// No hook is installed.
        case none
        case trusted
        /// Never trusted on this machine.
        case untrusted
        /// Trusted once, but its content has changed since.
        case changed
    }

    public struct Status: Sendable {
        public var path: String
        public var installed: Bool
        public var executable: Bool
        public var sha256: String?
        public var trustedSHA256: String?
        public var state: State
        public var recordPath: String
    }

    /// What is installed and whether it is trusted. A symlinked hook or `hooks` directory is
    /// exit 74 naming it: the hook is the repository's own file or nothing.
    public static func status(_ repository: Repository) throws(InboxError) -> Status {
        let path = repository.path(DeliveryHook.relativePath)
        guard let content = try hookContent(repository) else {
            // No hook: nothing to trust, and no need for a data directory (cron may have no HOME).
            let record = try? recordPath(repository)
            let trusted = try? record.flatMap { (r) throws(InboxError) in try trustedHash(r) }
            return Status(path: path, installed: false, executable: false, sha256: nil, trustedSHA256: trusted ?? nil, state: .none,
                          recordPath: record ?? "-")
        }
        let record = try recordPath(repository)
        let trusted = try trustedHash(record)
        let hash = SHA256.hex(content)
        let state: State = trusted == nil ? .untrusted : (trusted == hash ? .trusted : .changed)
        return Status(path: path, installed: true, executable: access(path, X_OK) == 0, sha256: hash, trustedSHA256: trusted,
                      state: state, recordPath: record)
    }

    /// Records the current hook's hash as trusted; returns the hash.
    public static func trust(_ repository: Repository) throws(InboxError) -> String {
        guard let content = try hookContent(repository) else {
            throw InboxError.notFound("no delivery hook at \(repository.path(DeliveryHook.relativePath)) to trust")
        }
        let hash = SHA256.hex(content)
        repository.hookReadinessInBatch = nil  // a batch's later lines see the new trust
        try writeRecord(try recordPath(repository), Array((hash + "\n").utf8))
        return hash
    }

    /// Forgets the trust record; false when there was none.
    public static func untrust(_ repository: Repository) throws(InboxError) -> Bool {
        let record = try recordPath(repository)
        repository.hookReadinessInBatch = nil
        guard try trustedHash(record) != nil || FileSystem.exists(record) else { return false }
        try FileSystem.remove(record)
        try FileSystem.syncDirectory(parent(record))
        return true
    }

    /// What `send` and `flush` say when a hook is installed but not trusted (exit 1).
    public static func refusal(_ status: Status) -> Explanation {
        let why = status.state == .changed ? "has changed since it was trusted on this machine" : "is not trusted on this machine"
        return "the delivery hook \(status.path) \(why), so nothing was sent; review it, then run '\(CommandReference.trustHook)' (see '\(CommandReference.hookStatus)')"
    }

    // MARK: Files

    /// The hook's bytes, or nil when there is none. The store reaches it without following a
    /// symlink on the way (`hooks` or `deliver`), and refuses anything but a regular file.
    static func hookContent(_ repository: Repository) throws(InboxError) -> [UInt8]? {
        try repository.store.read(DeliveryHook.relativePath)
    }

    /// The trust record for this repository: named by the hash of the real path of its `.inbox`.
    static func recordPath(_ repository: Repository) throws(InboxError) -> String {
        guard let resolved = realpath(repository.storePath, nil) else {
            throw InboxError.io(path: repository.storePath, operation: "realpath", errno: errno)
        }
        defer { free(resolved) }
        return try dataDirectory() + "/trusted-hooks/" + SHA256.hex(Array(String(cString: resolved).utf8))
    }

    /// `$XDG_DATA_HOME/inbox`, or `$HOME/.local/share/inbox` (a relative XDG_DATA_HOME is ignored, as the spec says).
    static func dataDirectory() throws(InboxError) -> String {
        if let xdg = getenv("XDG_DATA_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") { return xdg + "/inbox" }
        var home = getenv("HOME").map { String(cString: $0) } ?? ""
        if home.isEmpty, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { home = String(cString: dir) }
        guard home.hasPrefix("/") else {
            throw InboxError.usage("cannot tell where to keep hook trust: set HOME or XDG_DATA_HOME to an absolute path")
        }
        return home + "/.local/share/inbox"
    }

    /// The recorded hash, or nil when there is none or it is not a hash (then nothing is trusted).
    static func trustedHash(_ record: String) throws(InboxError) -> String? {
        guard let bytes = try FileSystem.read(record) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.count == 65, text.hasSuffix("\n") else { return nil }
        let hash = String(text.dropLast())
        return hash.allSatisfy({ "0123456789abcdef".contains($0) }) ? hash : nil
    }

    /// Replaces the record atomically: a new temp file (0600), fsync, rename, fsync the directory.
    static func writeRecord(_ record: String, _ bytes: [UInt8]) throws(InboxError) {
        let directory = parent(record)
        try makeDirectories(directory)
        let temp = directory + "/.tmp.\(getpid())." + String(record.split(separator: "/").last ?? "")
        try FileSystem.remove(temp)
        try FileSystem.writeNew(temp, bytes, mode: 0o600)
        do throws(InboxError) {
            try FileSystem.rename(temp, record)
        } catch {
            unlink(temp)
            throw error
        }
        try FileSystem.syncDirectory(directory)
    }

    /// `mkdir -p` with 0700 for every directory it creates.
    static func makeDirectories(_ path: String) throws(InboxError) {
        if FileSystem.isDirectory(path) { return }
        let up = parent(path)
        if up != path && !up.isEmpty { try makeDirectories(up) }
        if mkdir(path, 0o700) == 0 {
            // 0700 whatever the umask took from the owner.
            if chmod(path, 0o700) != 0 { throw InboxError.io(path: path, operation: "chmod", errno: errno) }
        } else if errno != EEXIST { throw InboxError.io(path: path, operation: "mkdir", errno: errno) }
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
