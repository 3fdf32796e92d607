#if canImport(Glibc)
import Glibc
#endif

/// Sharing an inbox through git: `inbox sync init` and `inbox sync` (inbox-repository(5)).
///
/// The git work tree is the directory that holds `.inbox`. Every step that makes git read or
/// rewrite files under `.inbox` (add, commit, merge) runs under the repository's exclusive lock,
/// so no inbox command reads a half-merged store or writes between git's steps; fetch and push
/// only touch `.git` and run without it.
public enum Sync {
    /// Derived and machine-local paths (layout v2): never committed.
    public static let gitignore = """
        # Written by 'inbox sync init'. Derived data (rebuilt after every pull) and what belongs
        # to this machine only are never committed; see inbox-repository(5).
        /index/
        /tmp/
        /journal
        /flush.lock
        /lock
        /outcomes/
        /sequences.jsonl
        /clone-id

        """
    /// Record files merge through `inbox merge-file`, never with conflict markers.
    public static let gitattributes = "# Written by 'inbox sync init': record files merge record by record.\n*.jsonl merge=inbox\n"

    /// The path of the running binary, which the merge driver runs (so it works under cron,
    /// with no PATH); `inbox` when the system cannot say.
    public static func runningBinary() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "inbox" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func driverCommand(_ binary: String) -> String {
        let quoted = "'" + binary.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
        return quoted + " merge-file %O %A %B %P"
    }

    // MARK: The lock

    /// The repository's exclusive lock, with a way to save changes while holding it.
    struct Locked {
        let repository: Repository
        /// Stages with `body` and saves at once (unlike `Repository.write`, which saves at the
        /// end), so git sees the files in the steps that follow.
        @discardableResult
        func change<T>(_ body: (Transaction) throws(InboxError) -> T) throws(InboxError) -> T {
            let tx = Transaction(repository: repository)
            let result = try body(tx)
            _ = try Journal.commit(tx.stagedFiles(), in: repository.store)
            return result
        }
    }

    static func locked<T>(_ repository: Repository, _ body: (Locked) throws(InboxError) -> T) throws(InboxError) -> T {
        let lock = try RepositoryLock.acquire(repository.store, mode: .exclusive, timeout: repository.lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        try Journal.recover(in: repository.store)
        return try body(Locked(repository: repository))
    }

    // MARK: sync init

    /// Makes the directory holding `.inbox` a git work tree (running `git init` when it is not
    /// one yet), writes `.inbox/.gitignore` and `.inbox/.gitattributes`, registers the merge
    /// driver in the repository's git config, and commits the inbox. Returns what it did.
    public static func initialize(_ repository: Repository, binary: String) throws(InboxError) -> [String] {
        let git = Git(workTree: repository.root)
        var done: [String] = []
        if !FileSystem.exists((repository.root == "/" ? "" : repository.root) + "/.git") {
            try git.check(["init", "-q"], "creating the git repository")
            done.append("Initialized a git repository in \(repository.root)")
        }
        return try locked(repository) { (store) throws(InboxError) -> [String] in
            let wrote = try store.change { (tx) throws(InboxError) -> [String] in
                var wrote: [String] = []
                for (name, text) in [(".gitignore", gitignore), (".gitattributes", gitattributes)] {
                    let content = Array(text.utf8)
                    if try tx.bytes(name) != content {
                        tx.stage(name, content)
                        wrote.append(name)
                    }
                }
                return wrote
            }
            if !wrote.isEmpty { done.append("Wrote " + wrote.map { ".inbox/" + $0 }.joined(separator: " and ")) }
            if try registerDriver(git, binary: binary) { done.append("Registered the merge driver: \(driverCommand(binary))") }
            // Files a clone committed before they were ignored stay tracked: untrack them (kept on disk).
            try git.check(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", ".inbox/index", ".inbox/sequences.jsonl", ".inbox/clone-id",
                           ".inbox/journal", ".inbox/tmp", ".inbox/outcomes", ".inbox/flush.lock"], "untracking derived files")
            if let summary = try commitLocal(git, message: "inbox sync init: share the inbox") {
                done.append("Committed the inbox (\(summary))")
            }
            let rebuilt = try rebuild(git, store)
            done += rebuilt
            return done
        }
    }

    /// Sets `merge.inbox.*` in the repository's git config when it differs; true when changed.
    static func registerDriver(_ git: Git, binary: String) throws(InboxError) -> Bool {
        let wanted = driverCommand(binary)
        let current = try git.run(["config", "--local", "--get", "merge.inbox.driver"]).output.trimmingWhitespace()
        guard current != wanted else { return false }
        try git.check(["config", "--local", "merge.inbox.name", "inbox record merge (inbox merge-file)"], "registering the merge driver")
        try git.check(["config", "--local", "merge.inbox.driver", wanted], "registering the merge driver")
        return true
    }

    /// Commits whatever changed under `.inbox` as one commit; nil when nothing did. The message
    /// says how many files of each kind changed.
    static func commitLocal(_ git: Git, message: String) throws(InboxError) -> String? {
        try git.check(["add", "-A", "--", Repository.storeName], "staging local changes")
        let changed = try git.lines(["diff", "--cached", "--name-only", "--", Repository.storeName])
        guard !changed.isEmpty else { return nil }
        var byKind: [String: Int] = [:]
        for path in changed {
            let parts = path.split(separator: "/").map(String.init)
            let kind = parts.count > 2 ? parts[1] : (parts.last ?? path).replacingSuffix(".jsonl")
            byKind[kind, default: 0] += 1
        }
        let summary = "\(changed.count) file\(changed.count == 1 ? "" : "s"): " + byKind.keys.sorted().map { "\($0) \(byKind[$0]!)" }.joined(separator: ", ")
        try git.check(["commit", "-q", "--no-verify", "-m", message + " (" + summary + ")"], "committing local changes")
        return summary
    }

    /// Rebuilds derived data for the commit now checked out; commits shared files the rebuild
    /// changed (conversation summaries after a merge), then records the commit it was built for.
    ///
    /// `since` is the commit the derived data is known to match (it was stamped for it, and
    /// local writes keep it current): only what the files changed since then need is rebuilt:
    /// nothing when nothing came in, the address index and counters when no conversation or
    /// message file changed, everything otherwise (and always when `since` is nil).
    static func rebuild(_ git: Git, _ store: Locked, since: String? = nil) throws(InboxError) -> [String] {
        let head = GitHead.commit(ofWorkTree: store.repository.root)
        var scope: (any: Bool, conversations: Bool) = (true, true)
        if let since, let head {
            let changed = since == head ? [] : try git.lines(["diff", "--name-only", since, head, "--", Repository.storeName])
            let conversations = changed.contains { $0.hasPrefix(".inbox/conversations/") || $0.hasPrefix(".inbox/messages/") }
            scope = (!changed.isEmpty, conversations)
        }
        var rebuilt: [String] = []
        if scope.any {
            rebuilt = try store.change { (tx) throws(InboxError) -> [String] in
                try DerivedFreshness.rebuildAll(tx, conversations: scope.conversations)
            }
            _ = try commitLocal(git, message: "inbox sync: rebuilt derived fields after merging")
        }
        if let head = GitHead.commit(ofWorkTree: store.repository.root) {
            try store.change { (tx) in tx.stage(DerivedFreshness.stampFile, Array((head + "\n").utf8)) }
        }
        return rebuilt
    }
}

extension String {
    func replacingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
