/// Where a message lives: each conversation's thread is one file, `messages/NNNN/cvN.jsonl`
/// (NNNN = the conversation number / 1000), oldest first, so opening or replying to a
/// conversation reads and rewrites that thread alone however many messages the repository
/// holds, and two people answering different clients never touch the same file.
/// `index/messages/NNNN.jsonl` maps each message id to its conversation (1000 ids a file), for
/// commands given a message id.
struct MessageLocation: StoredRecord, Equatable {
    var message: String
    var conversation: String

    init(message: String, conversation: String) {
        self.message = message
        self.conversation = conversation
    }

    static let schema = RecordSchema(blank: MessageLocation(message: "", conversation: ""), [
        .field("message", \.message, .string),
        .field("conversation", \.conversation, .string),
    ])
}

public enum Messages {
    public static let prefix = "ms"
    public static let ids = IDSpace(prefix: prefix)
    static let directory = "messages"
    static let indexDirectory = "index/messages"
    /// Thread directories: 1000 numbered conversations each, or a minted conversation's two
    /// characters, whatever size the conversation table's own shards are.
    static let threadDirectories = IDSpace(prefix: "cv", perShard: 1000)

    public static func number(of id: String) -> Int? { ids.number(of: id) }

    public static func order(_ id: String) -> IDOrder { ids.order(id) }

    /// The thread file of a conversation (`messages/0000/cv42.jsonl`,
    /// `messages/k3/cvk3f9x2m7qa4r.jsonl`). Built from a parsed id,
    /// so no id read from a file can name a path; an id that is not a conversation id maps to
    /// `cv0`, which no conversation has.
    static func file(forConversation id: String) -> String {
        guard let shard = threadDirectories.shard(of: id) else { return directory + "/0000/" + threadDirectories.id(0) + ".jsonl" }
        return directory + "/" + shard + "/" + id + ".jsonl"
    }

    /// Parses the threads of these conversations on every core, ahead of batch lines that will
    /// add to them one at a time. A hint only: an id not given whole, or a thread that does not
    /// parse, is left for its line to find and report.
    public static func warm(conversations ids: [String], in tx: Transaction) {
        tx.preloadIfSound(threadFiles(conversations: ids), as: Message.self)
    }

    /// The thread files of these conversations, for ids given whole.
    static func threadFiles(conversations ids: [String]) -> [String] {
        ids.compactMap { threadDirectories.shard(of: $0) == nil ? nil : file(forConversation: $0) }
    }

    /// Every thread file, in conversation order.
    static func threadFiles(in session: Session) throws(InboxError) -> [String] {
        var files: [String] = []
        for shard in try session.list(directory).sorted(by: IDSpace.shardOrder) where !shard.hasSuffix(".jsonl") {
            let dir = directory + "/" + shard
            let names = try session.list(dir).filter { $0.hasSuffix(".jsonl") }
            files += names.sorted { ($0.count, $0) < ($1.count, $1) }.map { dir + "/" + $0 }
        }
        return files
    }

    /// The location index file of a message id (`index/messages/0000.jsonl`, `…/k3.jsonl`).
    static func indexFile(forMessage id: String) -> String {
        indexDirectory + "/" + (ids.shard(of: id) ?? "0000") + ".jsonl"
    }

    /// A conversation's messages, oldest first.
    public static func of(_ conversation: String, in session: Session) throws(InboxError) -> [Message] {
        let thread = try session.records(file(forConversation: conversation), as: Message.self)
        // A thread file holds its own conversation's messages (fsck says otherwise): shared,
        // not copied, since a flush asks for a thread once per message it sends into it.
        if thread.allSatisfy({ $0.conversation == conversation }) { return thread }
        return thread.filter { $0.conversation == conversation }
    }

    public static func get(_ id: String, in session: Session) throws(InboxError) -> Message? {
        guard ids.isValid(id) else { return nil }
        // A message this transaction added is not in the location index until it settles.
        if let tx = session as? Transaction, let pending = tx.pendingIndexChanges.messages[id] {
            return try of(pending.after.conversation, in: session).first { $0.id == id }
        }
        guard let location = try session.records(indexFile(forMessage: id), as: MessageLocation.self).first(where: { $0.message == id }) else {
            return nil
        }
        return try of(location.conversation, in: session).first { $0.id == id }
    }

    /// A message by id or unambiguous prefix: exit 66 when none, 64 when several. The
    /// location index stands in for a table's shards.
    public static func resolve(_ input: String, in session: Session) throws(InboxError) -> Message {
        try ids.resolve(input, noun: "message", in: session, get: { (id) throws(InboxError) in try get(id, in: session) },
                        idsInShard: { (shard) throws(InboxError) in try idsInShard(shard, session) },
                        shards: { () throws(InboxError) in try session.list(indexDirectory).filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) } })
    }

    static func idsInShard(_ shard: String, _ session: Session) throws(InboxError) -> [String] {
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        return try session.records(indexDirectory + "/" + shard + ".jsonl", as: MessageLocation.self).map(\.message)
    }

    /// `id` as people see it (`IDSpace.short`).
    public static func short(_ id: String, in session: Session) throws(InboxError) -> String {
        guard let shard = ids.shard(of: id), ids.mintedBody(of: id) != nil else { return id }
        return ids.short(id, among: try idsInShard(shard, session))
    }

    /// Hands out an id for a new message.
    static func nextID(in tx: Transaction) throws(InboxError) -> String {
        try ids.next(in: tx) { (id) throws(InboxError) in try get(id, in: tx) != nil }
    }

    /// Adds new messages or replaces changed ones, rewriting each thread file once. The
    /// location index and the delivery queue follow at commit (`DerivedIndexes`).
    /// A thread whose waits moved has its response record taken now, from the records in
    /// hand, so the commit need not read back a thread the memory budget spilled (a flush of
    /// 10,000 sends would parse 10,000 threads twice).
    public static func save(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var moved = Set<String>()
        try ParentFiles.upsert(messages, file: { file(forConversation: $0.conversation) }, in: tx) { before, after in
            tx.pendingIndexChanges.note(.message(before: before, after: after))
            if ResponseIndex.moves(before, after) { moved.insert(after.conversation) }
        }
        for id in moved {
            tx.pendingIndexChanges.note(.responses(conversation: id, record: ResponseRecord(conversation: id, thread: try of(id, in: tx))))
        }
    }
}

/// Which messages `message list` shows.
public struct MessageFilter: Sendable {
    public var conversation: String?
    public var contact: String?
    public var state: Message.State?
    public var pinned = false
    /// Pending sends only, soonest first (from the delivery queue).
    public var scheduled = false
    /// Only messages holding every word of this (`MessageSearch`).
    public var search: String?
    public var since: Timestamp?
    public var until: Timestamp?
    public var limit: Int?

    public init() {}
}

extension Messages {
    /// Messages oldest first: one conversation's thread, a contact's, or the whole repository's.
    public static func list(_ filter: MessageFilter, in session: Session) throws(InboxError) -> [Message] {
        if filter.scheduled { return try scheduled(filter, in: session) }
        var messages: [Message]
        if let search = filter.search {
            messages = try searched(search, filter, in: session)
        } else if let id = filter.conversation {
            messages = try of(try Conversations.resolve(id, in: session).id, in: session)
        } else if let id = filter.contact {
            let contact = try Contacts.resolve(id, in: session)
            messages = []
            for conversation in try Conversations.of(contact: contact.id, in: session) {
                messages += try of(conversation.id, in: session)
            }
        } else {
            messages = []
            for file in try threadFiles(in: session) { messages += try session.records(file, as: Message.self) }
        }
        messages = messages.filter { m in
            (filter.state == nil || m.state == filter.state) && (!filter.pinned || m.pin != nil)
                && (filter.since.map { m.at >= $0 } ?? true) && (filter.until.map { m.at <= $0 } ?? true)
        }
        messages.sort { ($0.at.seconds, order($0.id)) < ($1.at.seconds, order($1.id)) }
        if let limit = filter.limit { messages = Array(messages.suffix(limit)) }
        return messages
    }
}

extension Messages {
    /// Pending sends, soonest first, for the whole repository or one conversation or contact:
    /// those scheduled, and failed ones waiting for their retry.
    static func scheduled(_ filter: MessageFilter, in session: Session) throws(InboxError) -> [Message] {
        let maxAttempts = try DeliveryQueue.maxAttempts(session)
        let conversation = try filter.conversation.map { (id) throws(InboxError) in try Conversations.resolve(id, in: session).id }
        let contact = try filter.contact.map { (id) throws(InboxError) in try Contacts.resolve(id, in: session).id }
        var out: [Message] = []
        for entry in try DeliveryQueue.all(session) where entry.state == .scheduled || entry.state == .failed {
            if let conversation, entry.conversation != conversation { continue }
            guard let message = try get(entry.message, in: session) else { continue }
            if message.state == .failed && message.attempts >= maxAttempts { continue }
            if let contact, message.contact != contact { continue }
            if filter.pinned && message.pin == nil { continue }
            out.append(message)
            if let limit = filter.limit, out.count >= limit { break }
        }
        return out
    }
}
