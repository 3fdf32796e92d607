#if canImport(Glibc)
import Glibc
#endif

/// A repository: the directory that holds `.inbox/`. All reads go through a `Snapshot` taken
/// under the shared lock, all changes through a `Transaction` under the exclusive lock.
public final class Repository {
    /// The directory holding `.inbox`, as the user gave or we found it (used in messages).
    public let root: String
    /// `root/.inbox`.
    public let storePath: String
    public let lockTimeout: Double
    /// Problems that arose after a change was already saved (see `Journal.commit`).
    public private(set) var warnings: [String] = []

    public static let storeName = ".inbox"
    public static let formatVersion: Int64 = 1
    /// Directories created by `init`, one per kind of sharded record.
    static let directories = ["contacts", "notes", "index", "index/addresses"]

    init(root: String, lockTimeout: Double) {
        self.root = root
        self.storePath = root == "/" ? "/.inbox" : root + "/" + Repository.storeName
        self.lockTimeout = lockTimeout
    }

    public func path(_ relative: String) -> String { storePath + "/" + relative }
    var lockPath: String { path("lock") }

    // MARK: Finding and creating

    /// Finds the repository the way git does: an explicit directory, else walking up from `cwd`.
    public static func discover(explicit: String?, cwd: String, lockTimeout: Double) throws(InboxError) -> Repository {
        if let explicit {
            var dir = explicit
            while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
            if dir == storeName || dir.hasSuffix("/" + storeName) {
                dir = String(dir.dropLast(storeName.count))
                if dir.isEmpty { dir = "." } else if dir.count > 1 { dir.removeLast() }
            }
            guard FileSystem.isDirectory(dir + "/" + storeName) else {
                throw InboxError.noRepository("no inbox repository at \(explicit) (run 'inbox init \(explicit)' to create one)")
            }
            return try checked(Repository(root: dir, lockTimeout: lockTimeout))
        }
        var dir = cwd
        while true {
            if FileSystem.isDirectory(dir + (dir == "/" ? "" : "/") + storeName) {
                return try checked(Repository(root: dir, lockTimeout: lockTimeout))
            }
            if dir == "/" || dir.isEmpty { break }
            if let slash = dir.lastIndex(of: "/") {
                dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
            } else {
                break
            }
        }
        throw InboxError.noRepository("not inside an inbox repository (or any parent up to /); run 'inbox init' to create one, or pass --repo DIR")
    }

    private static func checked(_ repo: Repository) throws(InboxError) -> Repository {
        // A symlinked .inbox could redirect every write; we only follow what we created.
        if FileSystem.isSymlink(repo.storePath) {
            throw InboxError.io(path: repo.storePath, operation: "open (refusing to follow a symlink)", errno: ELOOP)
        }
        return repo
    }

    /// Creates `dir/.inbox`. Returns false when a repository is already there (nothing touched).
    ///
    /// The repository is built whole in `dir/.inbox.tmp.PID` and renamed into place, so a crash
    /// or a full disk leaves either no repository or a complete one.
    public static func initialize(at dir: String, lockTimeout: Double) throws(InboxError) -> (Repository, created: Bool) {
        let repo = Repository(root: dir, lockTimeout: lockTimeout)
        if FileSystem.exists(repo.storePath) {
            _ = try checked(repo)
            return (repo, false)
        }
        if !FileSystem.isDirectory(dir) {
            try FileSystem.makeDirectory(dir)
            try FileSystem.syncDirectory(Journal.parent(of: dir.hasPrefix("/") ? dir : "./" + dir))
        }
        let building = (dir == "/" ? "" : dir) + "/" + storeName + ".tmp.\(getpid())"
        var anotherInitWon = false
        do throws(InboxError) {
            try FileSystem.makeDirectory(building)
            for sub in directories { try FileSystem.makeDirectory(building + "/" + sub) }
            try FileSystem.writeNew(building + "/lock", [], mode: 0o600)
            try FileSystem.writeNew(building + "/" + Config.file, ConfigStore.initialFile(), mode: 0o600)
            for sub in directories.reversed() { try FileSystem.syncDirectory(building + "/" + sub) }
            try FileSystem.syncDirectory(building)
            if rename(building, repo.storePath) != 0 {
                // A concurrent init that finished first stands; anything else is an error.
                guard errno == EEXIST || errno == ENOTEMPTY else { throw InboxError.io(path: repo.storePath, operation: "rename", errno: errno) }
                anotherInitWon = true
            }
        } catch {
            removeTree(building)
            throw error
        }
        if anotherInitWon {
            removeTree(building)
            return (repo, false)
        }
        try FileSystem.syncDirectory(dir)
        return (repo, true)
    }

    /// Removes a half-built repository directory (only ever one this process made).
    private static func removeTree(_ path: String) {
        for name in (try? FileSystem.list(path)) ?? [] {
            let child = path + "/" + name
            if FileSystem.isDirectory(child) && !FileSystem.isSymlink(child) { removeTree(child) } else { unlink(child) }
        }
        rmdir(path)
    }

    // MARK: Reading and writing

    /// The transaction of a `batch` in progress: every read and write inside it joins it.
    private var batchTransaction: Transaction?
    public var isBatching: Bool { batchTransaction != nil }

    /// Runs `body` against a consistent view: the shared lock keeps writers out, and a journal
    /// left by a writer that died mid-commit is read as if it had been applied (readers never write).
    public func read<T>(_ body: (Session) throws(InboxError) -> T) throws(InboxError) -> T {
        if let batchTransaction { return try body(batchTransaction) }
        let lock = try RepositoryLock.acquire(lockPath, mode: .shared, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let overlay = try Journal.pending(in: self)
        return try body(Snapshot(repository: self, overlay: overlay))
    }

    /// Runs `body` under the exclusive lock and commits what it staged, all or nothing.
    @discardableResult
    public func write<T>(_ body: (Transaction) throws(InboxError) -> T) throws(InboxError) -> T {
        if let batchTransaction { return try body(batchTransaction) }
        let lock = try RepositoryLock.acquire(lockPath, mode: .exclusive, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        try Journal.recover(in: self)
        let tx = Transaction(repository: self)
        let result = try body(tx)
        warnings += try Journal.commit(tx.stagedFiles(), in: self)
        return result
    }

    /// Runs many commands as one change: one lock, one commit at the end, nothing written if
    /// `body` throws. Reads and writes inside it see everything staged so far.
    public func batch<T>(_ body: (Transaction) throws(InboxError) -> T) throws(InboxError) -> T {
        try write { (tx) throws(InboxError) -> T in
            batchTransaction = tx
            defer { batchTransaction = nil }
            return try body(tx)
        }
    }
}
