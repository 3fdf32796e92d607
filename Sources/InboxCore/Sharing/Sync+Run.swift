/// `inbox sync` and `inbox sync --status`.
extension Sync {
    public struct Outcome: Sendable {
        /// What the local commit held ("3 files: contacts 1, messages 2"), nil when nothing changed.
        public var committed: String?
        /// Commits merged from the remote.
        public var merged = 0
        public var rebuilt: [String] = []
        public var pushed = false
        /// Pushes rejected because someone pushed first (each followed by another fetch and merge).
        public var rejectedPushes = 0
        public var remote = ""
        public var branch = ""
    }

    public struct Status: Sendable {
        public var remote: String
        public var branch: String
        public var ahead: Int
        public var behind: Int
        /// Files under `.inbox` changed since the last commit.
        public var uncommitted: Int
        /// Nil when the fetch worked; else why the counts are as of the last fetch.
        public var fetchProblem: String?
    }

    /// Commit, fetch, merge (record files through the merge driver), rebuild, push; a rejected
    /// push fetches, merges and tries again, up to `attempts` times.
    public static func run(_ repository: Repository, binary: String, host: String, attempts: Int = 5) throws(InboxError) -> Outcome {
        let git = Git(workTree: repository.root)
        let (remote, branch) = try upstream(git, repository)
        var outcome = Outcome(remote: remote, branch: branch)
        let tracking = "refs/remotes/\(remote)/\(branch)"
        for _ in 0..<attempts {
            let fetched = try git.run(["fetch", "-q", remote])
            guard fetched.succeeded else {
                throw InboxError.commandFailed(status: 74, "\(CommandReference.sync): cannot fetch from '\(remote)': \(fetched.complaint) (local changes are kept; run \(CommandReference.sync) again when the remote is reachable)")
            }
            try locked(repository) { (store) throws(InboxError) in
                _ = try registerDriver(git, binary: binary)
                // Derived data matches the last commit when it was stamped for it: local writes
                // keep it current, so only what the merge brings needs rebuilding.
                let before = GitHead.commit(ofWorkTree: repository.root)
                let stamp = try DerivedFreshness.stamp(repository.store)
                let current = before != nil && stamp == before
                if let summary = try commitLocal(git, message: "inbox sync from \(host)") { outcome.committed = summary }
                let since = current ? GitHead.commit(ofWorkTree: repository.root) : nil
                if try git.run(["rev-parse", "-q", "--verify", tracking]).succeeded {
                    let incoming = Int(try git.check(["rev-list", "--count", "HEAD.." + tracking], "counting incoming commits").trimmingWhitespace()) ?? 0
                    if incoming > 0 {
                        try merge(git, tracking, remote: remote, branch: branch, host: host)
                        outcome.merged += incoming
                    }
                }
                outcome.rebuilt += try rebuild(git, store, since: since)
            }
            let ahead = try git.run(["rev-list", "--count", tracking + "..HEAD"])
            if ahead.succeeded && ahead.output.trimmingWhitespace() == "0" { return outcome }
            let pushed = try git.run(["push", "-q", remote, "HEAD:refs/heads/" + branch])
            if pushed.succeeded {
                outcome.pushed = true
                _ = try git.run(["branch", "-q", "--set-upstream-to=\(remote)/\(branch)"])
                return outcome
            }
            guard pushed.error.contains("[rejected]") || pushed.error.contains("fetch first") || pushed.error.contains("non-fast-forward") else {
                throw InboxError.commandFailed(status: 74, "\(CommandReference.sync): cannot push to '\(remote)': \(pushed.complaint) (your changes are committed locally; run \(CommandReference.sync) again)")
            }
            outcome.rejectedPushes += 1
        }
        throw InboxError.busy("\(CommandReference.sync): the push to '\(remote)' was rejected \(attempts) times (others kept pushing first); your changes are committed locally: run \(CommandReference.sync) again")
    }

    /// `git merge` of the fetched branch; the driver merges record files. Anything that still
    /// conflicts (a hook script both sides changed, a file one side deleted) aborts the merge,
    /// leaving the work tree as it was.
    static func merge(_ git: Git, _ tracking: String, remote: String, branch: String, host: String) throws(InboxError) {
        let result = try git.run(["merge", "-q", "--no-edit", "-m", "inbox sync: merge \(remote)/\(branch) into \(host)", tracking])
        guard !result.succeeded else { return }
        let conflicted = try git.lines(["diff", "--name-only", "--diff-filter=U"])
        _ = try git.run(["merge", "--abort"])
        // The driver's own message (PATH:LINE: reason) is the useful part of git's output.
        let said = (result.output + result.error).split(separator: "\n").filter { !$0.hasPrefix("Auto-merging") }.suffix(4).joined(separator: "\n")
        let files = conflicted.isEmpty ? "" : " (\(conflicted.joined(separator: ", ")))"
        throw InboxError.dataProblems("\(CommandReference.sync): the merge with \(remote)/\(branch) could not be made\(files); nothing was merged, local changes are committed:\n\(said)")
    }

    /// The remote and branch to sync with: the branch's configured remote, else `origin`, else
    /// the only remote; refused (exit 1) when there is none.
    static func upstream(_ git: Git, _ repository: Repository) throws(InboxError) -> (remote: String, branch: String) {
        guard FileSystem.exists((repository.root == "/" ? "" : repository.root) + "/.git") else {
            throw InboxError.refused("\(repository.root) is not shared through git yet: \(Remedy.shareThroughGit)")
        }
        guard let branch = try git.lines(["symbolic-ref", "--short", "-q", "HEAD"]).first else {
            throw InboxError.refused("\(CommandReference.sync): HEAD is not on a branch in \(repository.root) (check one out: git switch main)")
        }
        let remotes = try git.lines(["remote"])
        let configured = try git.lines(["config", "--get", "branch.\(branch).remote"]).first
        guard let remote = configured.flatMap({ remotes.contains($0) ? $0 : nil }) ?? (remotes.contains("origin") ? "origin" : (remotes.count == 1 ? remotes[0] : nil)) else {
            let hint = remotes.isEmpty ? "no git remote" : "several git remotes (\(remotes.joined(separator: ", "))) and none is 'origin'"
            throw InboxError.refused("\(CommandReference.sync): \(hint) to sync with: add the shared repository with 'git -C \(repository.root) remote add origin URL' (a bare repository on a file server or over SSH)")
        }
        return (remote, branch)
    }

    /// Ahead/behind counts against the remote branch, after a fetch when the remote answers.
    public static func status(_ repository: Repository) throws(InboxError) -> Status {
        let git = Git(workTree: repository.root)
        let (remote, branch) = try upstream(git, repository)
        let fetched = try git.run(["fetch", "-q", remote])
        let tracking = "refs/remotes/\(remote)/\(branch)"
        var status = Status(remote: remote, branch: branch, ahead: 0, behind: 0, uncommitted: 0,
                            fetchProblem: fetched.succeeded ? nil : fetched.complaint)
        if try git.run(["rev-parse", "-q", "--verify", tracking]).succeeded {
            let counts = try git.check(["rev-list", "--left-right", "--count", "HEAD..." + tracking], "counting commits")
                .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
            if counts.count == 2 { (status.ahead, status.behind) = (counts[0], counts[1]) }
        } else {
            status.ahead = Int(try git.run(["rev-list", "--count", "HEAD"]).output.trimmingWhitespace()) ?? 0
        }
        status.uncommitted = try git.lines(["status", "--porcelain", "--untracked-files=all", "--", Repository.storeName]).count
        return status
    }
}
