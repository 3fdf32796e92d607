/// Where a message lives: `messages/NNNN.jsonl` holds the messages of 100 conversations
/// (cv1–cv99 in 0000), so opening or replying to a conversation reads and rewrites one file of
/// a bounded size however many messages the repository holds. `index/messages/NNNN.jsonl`
/// maps each message id to its conversation (1000 ids a file), for commands given a message id.
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
    static let conversationsPerShard = 100
    static let idsPerIndexFile = 1000

    public static func number(of id: String) -> Int? { IDPrefix.number(of: id, prefix: prefix) }

    static func file(forConversation id: String) -> String {
        let n = Conversations.table.number(of: id) ?? 0
        return directory + "/" + Timestamp.pad(n / conversationsPerShard, 4) + ".jsonl"
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

    /// Adds new messages or replaces changed ones, rewriting each file once.
    public static func save(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [Message]] = [:]
        for message in messages { byFile[file(forConversation: message.conversation), default: []].append(message) }
        for (path, changed) in byFile {
            var records = try tx.records(path, as: Message.self)
            var position: [String: Int] = [:]
            for (i, m) in records.enumerated() { position[m.id] = i }
            var newLocations: [MessageLocation] = []
            for message in changed {
                if let i = position[message.id] {
                    records[i] = message
                } else {
                    position[message.id] = records.count
                    records.append(message)
                    newLocations.append(MessageLocation(message: message.id, conversation: message.conversation))
                }
            }
            tx.stage(path, records: records)
            try addLocations(newLocations, in: tx)
        }
        try DeliveryQueue.update(messages, in: tx)
    }

    private static func addLocations(_ locations: [MessageLocation], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [MessageLocation]] = [:]
        for location in locations { byFile[indexFile(forMessage: number(of: location.message) ?? 0), default: []].append(location) }
        for (path, added) in byFile {
            var records = try tx.records(path, as: MessageLocation.self)
            records += added
            records.sort { (number(of: $0.message) ?? 0) < (number(of: $1.message) ?? 0) }
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
    public var limit: Int?

    public init() {}
}

extension Messages {
    /// Messages oldest first: one conversation's thread, a contact's, or the whole repository's.
    public static func list(_ filter: MessageFilter, in session: Session) throws(InboxError) -> [Message] {
        if filter.scheduled { return try scheduled(filter, in: session) }
        var messages: [Message]
        if let id = filter.conversation {
            messages = try of(try Conversations.resolve(id, in: session).id, in: session)
        } else if let id = filter.contact {
            let contact = try Contacts.resolve(id, in: session)
            messages = []
            for conversation in try Conversations.of(contact: contact.id, in: session) {
                messages += try of(conversation.id, in: session)
            }
        } else {
            messages = []
            for name in try session.list(directory) where name.hasSuffix(".jsonl") {
                messages += try session.records(directory + "/" + name, as: Message.self)
            }
        }
        messages = messages.filter { m in
            (filter.state == nil || m.state == filter.state) && (!filter.pinned || m.pin != nil)
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
