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
            throw InboxError.dataProblems("\(session.displayPath(Config.file)): this repository has format \(format); run 'inbox upgrade' once to move it to format \(Repository.formatVersion) (one atomic change; every id stays)")
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
    }

    public static func run(in tx: Transaction) throws(InboxError) -> Summary {
        let format = try RepositoryFormat.of(tx)
        guard format < Repository.formatVersion else {
            throw InboxError.refused("this repository already has format \(format); there is nothing to upgrade")
        }
        var summary = Summary(from: format, to: Repository.formatVersion)
        try splitThreads(in: tx, &summary)
        try ActivityIndex.rebuild(in: tx)
        try ContactSearchIndex.rebuild(from: try Contacts.table.all(in: tx), in: tx)
        _ = try DerivedFiles.rewrite(ResponseIndex.directory, to: ResponseIndex.derived(in: tx), in: tx)
        try WordIndex.rebuild(in: tx)
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
                guard Conversations.table.number(of: message.conversation) != nil else {
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
}
