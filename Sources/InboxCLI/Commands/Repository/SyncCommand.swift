import InboxCore

/// `inbox sync [init] [--status]`: share the inbox through git (inbox-repository(5)).
struct SyncCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "sync", access: .write, abstract: "Share the inbox through git: commit, fetch, merge record by record, rebuild, push",
        arguments: [ArgumentSpec("init", optional: true, completion: .cases(Step.self),
                                 "set this clone up first: .inbox/.gitignore and .gitattributes, the merge driver, git init if needed")],
        options: [OptionSpec("status", "say how many commits are ahead of and behind the remote, and what is not committed yet")],
        discussion: """
            The git work tree is the directory that holds .inbox; the remote is the branch's remote, else origin. A sync makes \
            one commit of everything changed since the last one ("inbox sync from HOST (N files: ...)"), fetches, merges with \
            git merge (record files through 'inbox merge-file', so they never conflict), rebuilds derived data (index/, id \
            counters, conversation summaries) and pushes; a push rejected because someone pushed first is retried after \
            another fetch and merge, up to 5 times (then exit 75). No remote, no git, or HEAD not on a branch: exit 1. A remote \
            that cannot be reached or a push that fails for another reason: exit 74, local changes committed. A merge that \
            cannot be made (a hook script changed on both sides, two records with one id): exit 65, nothing merged.
            """,
        examples: ["inbox sync init", "inbox sync", "inbox sync --status"]
    )

    /// The one word `sync` takes.
    enum Step: String, CaseIterable { case initialize = "init" }

    var initialize: Bool
    var status: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> SyncCommand {
        try arguments.allowPositionals(1)
        if let word = arguments.positionals.first, Step(rawValue: word) == nil {
            throw InboxError.usage("unknown sync command '\(word)' (inbox sync, inbox sync init, inbox sync --status)")
        }
        let command = SyncCommand(initialize: !arguments.positionals.isEmpty, status: arguments.flag("status"))
        if command.initialize && command.status { throw InboxError.usage("give either init or --status, not both") }
        return command
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let repository = try context.repository()
        var out = CommandOutput()
        if initialize {
            let done = try Sync.initialize(repository, binary: Sync.runningBinary())
            out.lines = (done.isEmpty ? ["Already shared; nothing changed"] : done).map { .plain($0) }
            out.records = [.object(JSONObject([("root", .string(repository.root)), ("done", .strings(done))]))]
            return out
        }
        if status {
            let s = try Sync.status(repository)
            out.records = [.object(JSONObject([
                ("remote", .string(s.remote)), ("branch", .string(s.branch)), ("ahead", .int(Int64(s.ahead))),
                ("behind", .int(Int64(s.behind))), ("uncommitted", .int(Int64(s.uncommitted))), ("fetch_error", .optional(s.fetchProblem)),
            ]))]
            out.ids = ["\(s.ahead) \(s.behind)"]
            out.lines = [.plain("\(s.remote)/\(s.branch): \(s.ahead) commit\(s.ahead == 1 ? "" : "s") ahead, \(s.behind) behind; "
                                + "\(s.uncommitted) file\(s.uncommitted == 1 ? "" : "s") changed since the last sync")]
            if let problem = s.fetchProblem { out.notices = ["sync --status: could not fetch (\(problem)); counts are as of the last fetch"] }
            return out
        }
        let o = try Sync.run(repository, binary: Sync.runningBinary(), host: DeliveryHost.current())
        var parts: [String] = []
        parts.append(o.committed.map { "committed \($0)" } ?? "nothing to commit")
        parts.append("merged \(o.merged) commit\(o.merged == 1 ? "" : "s") from \(o.remote)/\(o.branch)")
        parts.append(o.pushed ? "pushed" : "nothing to push")
        out.lines = [.plain("Synced with \(o.remote)/\(o.branch): " + parts.joined(separator: "; "))]
        out.info = o.rebuilt + (o.rejectedPushes > 0 ? ["sync: \(o.rejectedPushes) push\(o.rejectedPushes == 1 ? " was" : "es were") rejected and retried"] : [])
        out.records = [.object(JSONObject([
            ("remote", .string(o.remote)), ("branch", .string(o.branch)), ("committed", .optional(o.committed)),
            ("merged", .int(Int64(o.merged))), ("pushed", .bool(o.pushed)), ("rejected_pushes", .int(Int64(o.rejectedPushes))),
        ]))]
        return out
    }
}
