#if canImport(Glibc)
import Glibc
#endif

/// Keeps derived data (everything under `index/`, the id counters, conversation summaries) in
/// step with the records in a git clone, where a pull, merge or checkout replaces record files
/// behind the store's back and a fresh clone has no `index/` at all.
///
/// `index/git-head` records the commit the derived data was last rebuilt for. Each command
/// compares it with the commit `.git/HEAD` names (three small reads, no git process); when they
/// differ it rebuilds under the write lock what `fsck --repair` rebuilds, then records the new
/// commit. A repository that is not a git work tree is never touched.
public enum DerivedFreshness {
    static let stampFile = "index/git-head"

    /// Called by `Repository.read` and `Repository.write` before they take their lock.
    static func refreshIfStale(_ repository: Repository) throws(InboxError) {
        guard let head = GitHead.commit(ofWorkTree: repository.root) else { return }
        if try stamp(repository.store) == head { return }
        do throws(InboxError) {
            let lock = try RepositoryLock.acquire(repository.store, mode: .exclusive, timeout: repository.lockTimeout)
            defer { withExtendedLifetime(lock) {} }
            try Journal.recover(in: repository.store)
            // Another command may have rebuilt while we waited for the lock.
            guard try stamp(repository.store) != head else { return }
            let tx = Transaction(repository: repository)
            _ = try rebuild(tx, head: head)
            _ = try Journal.commit(tx.stagedFiles(), in: repository.store)
        } catch {
            // A clone this user cannot write (read-only media, another user's files), or whose
            // records have a bad line, is still read as before: its derived data stays as it
            // is until the next command tries again, and fsck says what is wrong.
            switch error {
            case .io, .badData: return
            default: throw error
            }
        }
    }

    /// Rebuilds the derived data from the records (no fsck before or after: a pull can bring
    /// 100,000 messages, and checking them twice would make every first command after it
    /// slow) and records `head` as what it was built for. Returns what was rebuilt.
    static func rebuild(_ tx: Transaction, head: String) throws(InboxError) -> [String] {
        let rebuilt = try rebuildAll(tx)
        tx.stage(stampFile, Array((head + "\n").utf8))
        return rebuilt
    }

    /// `Fsck.rebuildDerived`, with the task and log counters `fsck` would have found.
    static func rebuildAll(_ tx: Transaction, conversations: Bool = true) throws(InboxError) -> [String] {
        var report = Fsck.Report()
        for task in try Tasks.table.all(in: tx) {
            report.highestInUse[Tasks.table.prefix] = max(report.highestInUse[Tasks.table.prefix] ?? 0, Tasks.table.number(of: task.id) ?? 0)
        }
        for name in try tx.list(CommunicationLog.directory) where name.hasSuffix(".jsonl") {
            for entry in try tx.records(CommunicationLog.directory + "/" + name, as: LogEntry.self) {
                let n = IDPrefix.number(of: entry.id, prefix: CommunicationLog.prefix) ?? 0
                report.highestInUse[CommunicationLog.prefix] = max(report.highestInUse[CommunicationLog.prefix] ?? 0, n)
            }
        }
        try Fsck.rebuildDerived(tx, &report, conversations: conversations)
        return report.repaired
    }

    static func stamp(_ store: StoreDirectory) throws(InboxError) -> String? {
        guard let bytes = try? store.read(stampFile) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
    }
}

/// Reads the commit git's HEAD names straight from `.git` (a directory, or a `gitdir:` file for
/// a linked work tree), following one symbolic ref through loose refs and `packed-refs`.
enum GitHead {
    static func commit(ofWorkTree root: String) -> String? {
        let dotGit = (root == "/" ? "" : root) + "/.git"
        var gitDir = dotGit
        if !FileSystem.isDirectory(dotGit) {
            guard let text = readText(dotGit), text.hasPrefix("gitdir: ") else { return nil }
            let target = String(text.dropFirst("gitdir: ".count))
            gitDir = target.hasPrefix("/") ? target : (root == "/" ? "" : root) + "/" + target
        }
        guard let head = readText(gitDir + "/HEAD") else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst("ref: ".count))
        var dirs = [gitDir]
        if let common = readText(gitDir + "/commondir") {
            dirs.append(common.hasPrefix("/") ? common : gitDir + "/" + common)
        }
        for dir in dirs {
            if let loose = readText(dir + "/" + ref) { return loose }
        }
        for dir in dirs {
            guard let packed = readText(dir + "/packed-refs") else { continue }
            for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                return String(line.prefix { $0 != " " })
            }
        }
        return "unborn " + ref  // no commit yet: stable until the first one
    }

    private static func readText(_ path: String) -> String? {
        guard let bytes = try? FileSystem.read(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }
}
