/// Which layout a repository's files follow (`repository.format` in config.jsonl), and moving
/// an older one to the current layout.
public enum RepositoryFormat {
    public static func of(_ session: Session) throws(InboxError) -> Int64 {
        if case .int(let n) = try Config.load(session).value(.repositoryFormat) { return n }
        return Repository.formatVersion
    }

    /// Every command but `inbox upgrade` reads the current format only: reading an older
    /// layout as if it were this one would miss records.
    static func require(in session: Session, upgrading: Bool) throws(InboxError) {
        let format = try of(session)
        if format > Repository.formatVersion {
            throw InboxError.dataProblems("\(session.displayPath(Config.file)): this repository has format \(format); this inbox reads format \(Repository.formatVersion) (install a newer inbox)")
        }
        if format < Repository.formatVersion && !upgrading {
            throw InboxError.dataProblems("\(session.displayPath(Config.file)): this repository has format \(format); run '\(CommandReference.upgrade)' once to move it to format \(Repository.formatVersion) (one atomic change; every id stays)")
        }
    }
}

/// `inbox upgrade`: moves a repository to the current format in one atomic change.
public enum Upgrade {
    public struct Summary: Sendable {
        public var from: Int64
        public var to: Int64
        public var threads = 0
        public var messages = 0
        public var conversations = 0
    }

    public static func run(in tx: Transaction) throws(InboxError) -> Summary {
        let format = try RepositoryFormat.of(tx)
        guard format < Repository.formatVersion else {
            throw InboxError.refused("this repository already has format \(format); there is nothing to upgrade")
        }
        var summary = Summary(from: format, to: Repository.formatVersion)
        if format < 2 { try splitThreads(in: tx, &summary) }
        if format < 3 { try reshardConversations(in: tx, &summary) }
        // Format 3: a shared clone mints ids from its own clone id, which must never be
        // committed (two clones with one clone id would mint the same ids).
        if try IDSpace.mintsMinted(tx), let ignore = try tx.bytes(".gitignore"), ignore != Array(Sync.gitignore.utf8) {
            tx.stage(".gitignore", Array(Sync.gitignore.utf8))
        }
        try ActivityIndex.rebuild(in: tx)
        try ContactSearchIndex.rebuild(from: try Contacts.table.all(in: tx), in: tx)
        _ = try DerivedFiles.rewrite(ResponseIndex.directory, to: ResponseIndex.derived(in: tx), in: tx)
        try WordIndex.rebuild(in: tx)
        try TaskAgenda.rebuild(in: tx)
        try Config.set(.repositoryFormat, to: .int(Repository.formatVersion), in: tx)
        return summary
    }

    /// Format 1 kept the messages of 100 conversations in `messages/NNNN.jsonl`; format 2 gives
    /// each thread its own file. Each old file is read strictly (a bad line stops the upgrade
    /// with nothing changed) and its threads are written out at once, so memory holds one old
    /// file at a time.
    static func splitThreads(in tx: Transaction, _ summary: inout Summary) throws(InboxError) {
        for name in try tx.list(Messages.directory) where name.hasSuffix(".jsonl") {
            let old = Messages.directory + "/" + name
            guard let bytes = try tx.bytes(old) else { continue }
            var threads: [String: [Message]] = [:]
            var order: [String] = []
            try JSONLines.decodeNumbered(bytes, path: tx.displayPath(old), as: Message.self) { (message, line) throws(InboxError) in
                guard Conversations.table.ids.isValid(message.conversation) else {
                    throw InboxError.badData(path: tx.displayPath(old), line: line, reason: "message \(message.id) names \"\(message.conversation)\", which is not a conversation id")
                }
                if threads[message.conversation] == nil { order.append(message.conversation) }
                threads[message.conversation, default: []].append(message)
            }
            for conversation in order {
                let file = Messages.file(forConversation: conversation)
                var thread = threads[conversation]!
                // Two old files cannot hold one conversation, but a hand-made one might.
                if let earlier = try tx.bytes(file) {
                    thread = try JSONLines.decode(earlier, path: tx.displayPath(file), as: Message.self) + thread
                }
                try tx.spill(file, JSONLines.encode(thread))
                summary.threads += 1
                summary.messages += threads[conversation]!.count
            }
            tx.remove(old)
        }
    }

    /// Formats 1 and 2 kept 1000 conversations a shard; format 3 keeps 100 (see
    /// `Conversations.table`). Old shard k holds cv(1000k)…cv(1000k+999), which go to new
    /// shards 10k…10k+9, never below k: taking old shards from the highest down, no new file
    /// is written under a name whose old content is still to be read.
    static func reshardConversations(in tx: Transaction, _ summary: inout Summary) throws(InboxError) {
        let table = Conversations.table
        let oldPerShard = 1000
        var olds: [(number: Int, name: String)] = []
        for name in try tx.list(table.directory) where name.hasSuffix(".jsonl") {
            guard let number = Int(name.dropLast(".jsonl".count)), number >= 0 else {
                throw InboxError.dataProblems("\(tx.displayPath(table.directory + "/" + name)): not a conversation shard (NNNN.jsonl); move it away and run '\(CommandReference.upgrade)' again")
            }
            olds.append((number, name))
        }
        for old in olds.sorted(by: { $0.number > $1.number }) {
            let path = table.directory + "/" + old.name
            guard let bytes = try tx.bytes(path) else { continue }
            var shards: [String: [Conversation]] = [:]
            try JSONLines.decodeNumbered(bytes, path: tx.displayPath(path), as: Conversation.self) { (conversation, line) throws(InboxError) in
                guard let n = table.number(of: conversation.id), n / oldPerShard == old.number else {
                    throw InboxError.badData(path: tx.displayPath(path), line: line, reason: "conversation \(conversation.id) does not belong in this shard")
                }
                shards[table.shardFile(for: n), default: []].append(conversation)
            }
            if !shards.keys.contains(path) { tx.remove(path) }
            for (file, conversations) in shards {
                try tx.spill(file, JSONLines.encode(conversations))
                summary.conversations += conversations.count
            }
        }
    }
}
