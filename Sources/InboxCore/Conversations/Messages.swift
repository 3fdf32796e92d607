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

    init(fields: inout FieldReader) throws(JSONParseError) {
        message = try fields.string("message")
        conversation = try fields.string("conversation")
    }

    var json: JSONObject { JSONObject([("message", .string(message)), ("conversation", .string(conversation))]) }
}

public enum Messages {
    public static let prefix = "ms"
    static let directory = "messages"
    static let indexDirectory = "index/messages"
    static let conversationsPerDirectory = 1000
    static let idsPerIndexFile = 1000

    public static func number(of id: String) -> Int? { IDPrefix.number(of: id, prefix: prefix) }

    /// The thread file of a conversation. Built from the id's number, never from its text, so
    /// no id read from a file can name a path; an id that is not a conversation id maps to
    /// `cv0`, which no conversation has.
    static func file(forConversation id: String) -> String {
        let n = Conversations.table.number(of: id) ?? 0
        return directory + "/" + Timestamp.pad(n / conversationsPerDirectory, 4) + "/" + Conversations.table.id(n) + ".jsonl"
    }

    /// Every thread file, in conversation order.
    static func threadFiles(in session: Session) throws(InboxError) -> [String] {
        var files: [String] = []
        for shard in try session.list(directory).sorted(by: { ($0.count, $0) < ($1.count, $1) }) where !shard.hasSuffix(".jsonl") {
            let dir = directory + "/" + shard
            let names = try session.list(dir).filter { $0.hasSuffix(".jsonl") }
            files += names.sorted { ($0.count, $0) < ($1.count, $1) }.map { dir + "/" + $0 }
        }
        return files
    }

    static func indexFile(forMessage number: Int) -> String {
        indexDirectory + "/" + Timestamp.pad(number / idsPerIndexFile, 4) + ".jsonl"
    }

    /// A conversation's messages, oldest first.
    public static func of(_ conversation: String, in session: Session) throws(InboxError) -> [Message] {
        try session.records(file(forConversation: conversation), as: Message.self).filter { $0.conversation == conversation }
    }

    public static func get(_ id: String, in session: Session) throws(InboxError) -> Message? {
        guard let n = number(of: id) else { return nil }
        // A message this transaction added is not in the location index until it settles.
        if let tx = session as? Transaction, let pending = tx.pendingIndexChanges.messages[id] {
            return try of(pending.after.conversation, in: session).first { $0.id == id }
        }
        guard let location = try session.records(indexFile(forMessage: n), as: MessageLocation.self).first(where: { $0.message == id }) else {
            return nil
        }
        return try of(location.conversation, in: session).first { $0.id == id }
    }

    /// A message by id or unambiguous prefix: exit 66 when none, 64 when several.
    public static func resolve(_ input: String, in session: Session) throws(InboxError) -> Message {
        let text = input.trimmingWhitespace().lowercased()
        if let message = try get(text, in: session) { return message }
        var found: [Message] = []
        for n in IDPrefix.candidates(text, prefix: prefix, last: try Sequences.last(prefix, in: session)) {
            if let message = try get(prefix + String(n), in: session) { found.append(message) }
        }
        if found.count == 1 { return found[0] }
        if found.count > 1 { throw InboxError.ambiguousID(input: input, candidates: found.map(\.id)) }
        throw InboxError.notFound("no message '\(input)'")
    }

    /// Hands out an id for a new message.
    static func nextID(in tx: Transaction) throws(InboxError) -> String {
        prefix + String(try Sequences.next(prefix, in: tx).lowerBound)
    }

    /// Adds new messages or replaces changed ones, rewriting each thread file once. The
    /// location index and the delivery queue follow at commit (`DerivedIndexes`).
    public static func save(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [Message]] = [:]
        for message in messages { byFile[file(forConversation: message.conversation), default: []].append(message) }
        for (path, changed) in byFile {
            var records = try tx.records(path, as: Message.self)
            var position: [String: Int] = [:]
            for (i, m) in records.enumerated() { position[m.id] = i }
            for message in changed {
                if let i = position[message.id] {
                    tx.pendingIndexChanges.note(.message(before: records[i], after: message))
                    records[i] = message
                } else {
                    tx.pendingIndexChanges.note(.message(before: nil, after: message))
                    position[message.id] = records.count
                    records.append(message)
                }
            }
            tx.stage(path, records: records)
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
        messages.sort { ($0.at.seconds, number(of: $0.id) ?? 0) < ($1.at.seconds, number(of: $1.id) ?? 0) }
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
