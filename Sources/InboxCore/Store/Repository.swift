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
    /// `.inbox`, opened without following a symlink; every file access goes through it.
    public let store: StoreDirectory
    /// Problems that arose after a change was already saved (see `Journal.commit`).
    public private(set) var warnings: [String] = []
    /// True once a write through this object saved a change: a failure after that point (a
    /// full stdout) must not be reported as "nothing changed".
    public private(set) var committedChange = false

    public static let storeName = ".inbox"
    /// 2: one file per conversation thread (`messages/NNNN/cvN.jsonl`), the activity index
    /// and the contact search index. 3: 100 conversations a shard, and a shared clone mints ids
    /// (`IDSpace`) instead of numbering them, so an older inbox, which would number, must not
    /// write to it.
    public static let formatVersion: Int64 = 3
    /// Directories created by `init`, one per kind of sharded record.
    static let directories = ["contacts", "notes", "index", "index/addresses"]

    /// Opens the repository at `root`; `.inbox` must be a real directory, not a symlink.
    init(root: String, lockTimeout: Double) throws(InboxError) {
        self.root = root
        self.storePath = Repository.storePath(of: root)
        self.lockTimeout = lockTimeout
        self.store = try StoreDirectory(path: storePath)
    }

    static func storePath(of root: String) -> String {
        root == "/" ? "/.inbox" : root + "/" + Repository.storeName
    }

    /// The full path of `.inbox/RELATIVE`, for messages and for the delivery hook's path.
    public func path(_ relative: String) -> String { storePath + "/" + relative }

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
            if FileSystem.exists(dir) && !FileSystem.isDirectory(dir) {
                throw InboxError.noRepository("'\(explicit)' is not a directory (\(Remedy.nameRepository))")
            }
            guard try FileSystem.directoryExists(dir + "/" + storeName) else {
                throw InboxError.noRepository("no inbox repository at \(explicit) (run '\(CommandReference.initRepository(path: explicit))' to create one)")
            }
            return try Repository(root: dir, lockTimeout: lockTimeout)
        }
        var dir = cwd
        while true {
            if try FileSystem.directoryExists(dir + (dir == "/" ? "" : "/") + storeName) {
                return try Repository(root: dir, lockTimeout: lockTimeout)
            }
            if dir == "/" || dir.isEmpty { break }
            if let slash = dir.lastIndex(of: "/") {
                dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
            } else {
                break
            }
        }
        throw InboxError.noRepository("not inside an inbox repository (or any parent up to /); \(Remedy.createRepository)")
    }

    /// Creates `dir/.inbox`. Returns false when a repository is already there (nothing touched).
    ///
    /// The repository is built whole in `dir/.inbox.tmp.PID` and renamed into place, so a crash
    /// or a full disk leaves either no repository or a complete one.
    public static func initialize(at dir: String, lockTimeout: Double) throws(InboxError) -> (Repository, created: Bool) {
        let storePath = Repository.storePath(of: dir)
        if FileSystem.exists(storePath) {
            // Opening it refuses a symlinked .inbox: we only follow what we created.
            return (try Repository(root: dir, lockTimeout: lockTimeout), false)
        }
        if !FileSystem.isDirectory(dir) { try makeDirectories(dir) }
        let building = (dir == "/" ? "" : dir) + "/" + storeName + ".tmp.\(getpid())"
        var anotherInitWon = false
        do throws(InboxError) {
            try FileSystem.makeDirectory(building)
            for sub in directories { try FileSystem.makeDirectory(building + "/" + sub) }
            try FileSystem.writeNew(building + "/" + Config.file, ConfigStore.initialFile(), mode: 0o600)
            for sub in directories.reversed() { try FileSystem.syncDirectory(building + "/" + sub) }
            try FileSystem.syncDirectory(building)
            if rename(building, storePath) != 0 {
                // A concurrent init that finished first stands; anything else is an error.
                guard errno == EEXIST || errno == ENOTEMPTY else { throw InboxError.io(path: storePath, operation: "rename", errno: errno) }
                anotherInitWon = true
            }
        } catch {
            removeTree(building)
            throw error
        }
        if anotherInitWon {
            removeTree(building)
            return (try Repository(root: dir, lockTimeout: lockTimeout), false)
        }
        try FileSystem.syncDirectory(dir)
        return (try Repository(root: dir, lockTimeout: lockTimeout), true)
    }

    /// Creates `dir` and any missing parents, as `git init` does, top down, each made durable
    /// in its parent before the next is made in it.
    static func makeDirectories(_ dir: String) throws(InboxError) {
        var missing: [String] = []
        var path = dir
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        while !FileSystem.isDirectory(path) && path != "/" && path != "." {
            if FileSystem.exists(path) { throw InboxError.io(path: path, operation: "mkdir", errno: ENOTDIR) }
            missing.append(path)
            path = parentDirectory(of: path)
        }
        for path in missing.reversed() {
            try FileSystem.makeDirectory(path)
            try FileSystem.syncDirectory(parentDirectory(of: path))
        }
    }

    /// The directory that holds `path` ("/" for "/x", "." for "x").
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
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

    /// Set by `inbox upgrade`, the one command that opens a repository of an older format.
    public var upgrading = false

    /// The transaction of a `batch` in progress: every read and write inside it joins it.
    private var batchTransaction: Transaction?
    public var isBatching: Bool { batchTransaction != nil }
    /// The delivery hook's readiness, looked up once per batch: checking its trust hashes the
    /// hook, and a batch of 10,000 sends asked 10,000 times.
    var hookReadinessInBatch: DeliveryHook.Readiness?

    /// Runs `body` against a consistent view: the shared lock keeps writers out, and a journal
    /// left by a writer that died mid-commit is read as if it had been applied (readers never write).
    public func read<T>(_ body: (Session) throws(InboxError) -> T) throws(InboxError) -> T {
        if let batchTransaction { return try body(batchTransaction) }
        try DerivedFreshness.refreshIfStale(self)  // a git pull may have changed records (issue 14)
        let lock = try RepositoryLock.acquire(store, mode: .shared, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let overlay = try Journal.pending(in: store)
        let snapshot = Snapshot(repository: self, overlay: overlay)
        try RepositoryFormat.require(in: snapshot, upgrading: upgrading)
        return try body(snapshot)
    }

    /// Runs `body` under the exclusive lock and commits what it staged, all or nothing.
    @discardableResult
    public func write<T>(_ body: (Transaction) throws(InboxError) -> T) throws(InboxError) -> T {
        if let batchTransaction { return try body(batchTransaction) }
        try DerivedFreshness.refreshIfStale(self)  // a git pull may have changed records (issue 14)
        let lock = try RepositoryLock.acquire(store, mode: .exclusive, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        try Journal.recover(in: store)
        let tx = Transaction(repository: self)
        try RepositoryFormat.require(in: tx, upgrading: upgrading)
        let result: T
        do throws(InboxError) {
            result = try body(tx)
            try DerivedIndexes.settle(tx)
            // The commit encodes every staged file at once: keep that within the budget.
            try tx.limitMemory()
        } catch {
            tx.discardSpills()
            throw error
        }
        let staged = tx.stagedFiles()
        warnings += try Journal.commit(staged, in: store)
        if !staged.isEmpty { committedChange = true }
        return result
    }

    /// Runs many commands as one change: one lock, one commit at the end, nothing written if
    /// `body` throws. Reads and writes inside it see everything staged so far.
    public func batch<T>(_ body: (Transaction) throws(InboxError) -> T) throws(InboxError) -> T {
        try write { (tx) throws(InboxError) -> T in
            batchTransaction = tx
            defer { batchTransaction = nil; hookReadinessInBatch = nil }
            return try body(tx)
        }
    }
}
