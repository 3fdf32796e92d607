import InboxCore

struct UpgradeCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "upgrade", access: .write, abstract: "Move a repository written by an older inbox to the current format",
        options: [],
        discussion: "Format 2 keeps each conversation's messages in a file of its own (messages/NNNN/cvN.jsonl) and adds the activity index that conversation list reads. Format 3 keeps 100 conversations a shard instead of 1000, so a send rewrites a small file, and lets a shared clone mint ids that cannot collide with another clone's (ctk3f9x2m7qa4r; sequential ids such as ct42 stay and keep resolving), keeping older inbox binaries, which would number ids, out of it. An upgrade from format 1 or 2 goes straight to 3. The upgrade is one atomic change: after a crash the repository is either still in the old format or wholly in the new one. Every id stays. Run it once; a repository already in the current format is left alone (exit 1).",
        examples: ["inbox upgrade && inbox fsck"]
    )

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> UpgradeCommand {
        try arguments.allowPositionals(0)
        return UpgradeCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let repository = try context.repository()
        repository.upgrading = true
        let summary = try repository.write { (tx) throws(InboxError) in try Upgrade.run(in: tx) }
        var out = CommandOutput()
        out.info = ["Upgraded \(repository.storePath) from format \(summary.from) to \(summary.to): \(summary.conversations) conversations in shards of \(Conversations.table.perShard)" + (summary.threads > 0 ? ", \(summary.messages) messages in \(summary.threads) thread files" : "")]
        out.records = [.object(JSONObject([("from", .int(summary.from)), ("to", .int(summary.to)),
                                           ("conversations", .int(Int64(summary.conversations))),
                                           ("threads", .int(Int64(summary.threads))), ("messages", .int(Int64(summary.messages)))]))]
        return out
    }
}
