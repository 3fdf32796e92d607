/// One message, note or auto-response in a conversation.
public struct Message: IdentifiedRecord, Sendable {
    public enum Direction: String, CaseIterable, Sendable { case inbound = "in", outbound = "out" }
    public enum Kind: String, Sendable { case message, note }
    /// Outbound states (DESIGN §3). Inbound messages and notes have none.
    public enum State: String, CaseIterable, Sendable {
        case scheduled, sending, sent, failed, blocked, cancelled
        case inDoubt = "in-doubt"
    }

    public var id: String
    public var conversation: String
    public var contact: String
    public var channel: Channel
    public var direction: Direction
    public var kind: Kind
    public var state: State?
    public var text: String
    /// When it was received, sent, or written (for notes); for a scheduled one, when it was scheduled.
    public var at: Timestamp
    public var scheduledAt: Timestamp?
    public var author: String?
    public var from: String?
    public var to: String?
    public var cc: [String]
    public var template: String?
    public var auto: Bool
    public var attachments: [Attachment]
    public var seenBy: [Receipt]
    public var pin: Pin?
    public var attempts: Int64
    /// While `sending`: the process delivering it ("pid:start-time"), so a flush can tell a
    /// delivery in progress from one a dead process left behind.
    public var sendingBy: String?
    public var error: String?
    public var providerID: String?
    /// While `failed`: no retry before this time (the backoff). Stored only when set, so
    /// records written before it existed stay byte-identical.
    public var retryAt: Timestamp?

    public init(id: String, conversation: Conversation, direction: Direction, kind: Kind, text: String, at: Timestamp) {
        self.id = id
        self.conversation = conversation.id
        self.contact = conversation.contact
        self.channel = conversation.channel
        self.direction = direction
        self.kind = kind
        self.text = text
        self.at = at
        self.cc = []
        self.auto = false
        self.attachments = []
        self.seenBy = []
        self.attempts = 0
    }

    public init(fields f: inout FieldReader) throws(JSONParseError) {
        id = try f.string("id")
        conversation = try f.string("conversation")
        contact = try f.string("contact")
        let channelName = try f.string("channel")
        guard let channel = Channel(rawValue: channelName) else { throw JSONParseError("field \"channel\": unknown channel \"\(channelName)\"") }
        self.channel = channel
        guard let direction = Direction(rawValue: try f.string("direction")) else { throw JSONParseError("field \"direction\" must be in or out") }
        self.direction = direction
        guard let kind = Kind(rawValue: try f.string("kind")) else { throw JSONParseError("field \"kind\" must be message or note") }
        self.kind = kind
        if let stateName = try f.optionalString("state") {
            guard let state = State(rawValue: stateName) else { throw JSONParseError("field \"state\": unknown state \"\(stateName)\"") }
            self.state = state
        }
        text = try f.string("text")
        at = try f.timestamp("at")
        scheduledAt = try f.optionalTimestamp("scheduled_at")
        author = try f.optionalString("author")
        from = try f.optionalString("from")
        to = try f.optionalString("to")
        cc = try f.strings("cc")
        template = try f.optionalString("template")
        auto = try f.bool("auto")
        attachments = try Attachment.list(f.value("attachments"))
        seenBy = try Receipt.list(f.value("seen_by"))
        pin = try Pin(f.value("pin"))
        attempts = try f.int("attempts")
        // Counted up by each flush: a hand-edited huge value must not overflow there.
        guard (0...1_000_000).contains(attempts) else { throw JSONParseError("field \"attempts\" must be 0 to 1000000, not \(attempts)") }
        sendingBy = try f.optionalString("sending_by")
        error = try f.optionalString("error")
        providerID = try f.optionalString("provider_id")
        if let value = f.absentOr("retry_at") {
            guard case .string(let text) = value, let t = Timestamp(iso: text) else {
                throw JSONParseError("field \"retry_at\" must be a UTC time like 2026-11-21T09:00:00Z")
            }
            retryAt = t
        }
        guard Messages.ids.isValid(id) else { throw JSONParseError("field \"id\" is not a message id: \"\(id)\"") }
    }

    public var json: JSONObject {
        var pairs: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("conversation", .string(conversation)), ("contact", .string(contact)),
            ("channel", .string(channel.rawValue)), ("direction", .string(direction.rawValue)), ("kind", .string(kind.rawValue)),
            ("state", .optional(state?.rawValue)), ("text", .string(text)), ("at", .string(at.iso)),
            ("scheduled_at", .optional(scheduledAt?.iso)), ("author", .optional(author)), ("from", .optional(from)),
            ("to", .optional(to)), ("cc", .strings(cc)), ("template", .optional(template)), ("auto", .bool(auto)),
            ("attachments", .array(attachments.map { .object($0.json) })),
            ("seen_by", .array(seenBy.map { .object($0.json) })), ("pin", pin.map { .object($0.json) } ?? .null),
            ("attempts", .int(attempts)), ("sending_by", .optional(sendingBy)), ("error", .optional(error)), ("provider_id", .optional(providerID)),
        ]
        if let retryAt { pairs.append(("retry_at", .string(retryAt.iso))) }
        return JSONObject(pairs)
    }

    /// Pinned messages form the conversation's to-do panel.
    public var isPinned: Bool { pin != nil }
}

/// A file sent with a message, stored once under `.inbox/attachments/` by its SHA-256.
public struct Attachment: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case image, video, audio, document }

    public var name: String
    public var sha256: String
    public var size: Int64
    public var kind: Kind

    public init(name: String, sha256: String, size: Int64, kind: Kind) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.kind = kind
    }

    public var path: String { Attachments.relativePath(sha256) }

    var json: JSONObject {
        JSONObject([("name", .string(name)), ("sha256", .string(sha256)), ("size", .int(size)),
                    ("kind", .string(kind.rawValue)), ("path", .string(path))])
    }

    static func list(_ value: JSONValue) throws(JSONParseError) -> [Attachment] {
        guard case .array(let items) = value else { throw JSONParseError("field \"attachments\" must be an array") }
        var out: [Attachment] = []
        for item in items {
            var f = try FieldReader(item)
            let name = try f.string("name"), sha = try f.string("sha256"), size = try f.int("size")
            guard let kind = Kind(rawValue: try f.string("kind")) else { throw JSONParseError("attachment kind must be image, video, audio or document") }
            guard try f.string("path") == Attachments.relativePath(sha), sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
                throw JSONParseError("attachment path does not match its sha256")
            }
            try f.finish()
            out.append(Attachment(name: name, sha256: sha, size: size, kind: kind))
        }
        return out
    }
}

/// Who read a message and when: a user opening the conversation, or a receipt a channel reported.
public struct Receipt: Equatable, Sendable {
    public var by: String
    public var at: Timestamp

    public init(by: String, at: Timestamp) {
        self.by = by
        self.at = at
    }

    var json: JSONObject { JSONObject([("by", .string(by)), ("at", .string(at.iso))]) }

    static func list(_ value: JSONValue) throws(JSONParseError) -> [Receipt] {
        guard case .array(let items) = value else { throw JSONParseError("field \"seen_by\" must be an array") }
        var out: [Receipt] = []
        for item in items {
            var f = try FieldReader(item)
            let receipt = Receipt(by: try f.string("by"), at: try f.timestamp("at"))
            try f.finish()
            out.append(receipt)
        }
        return out
    }
}

/// A pinned message: a to-do on the conversation, optionally for someone, done or not.
public struct Pin: Equatable, Sendable {
    public var by: String
    public var at: Timestamp
    public var assignee: String?
    public var done: Bool

    public init(by: String, at: Timestamp, assignee: String?, done: Bool) {
        self.by = by
        self.at = at
        self.assignee = assignee
        self.done = done
    }

    var json: JSONObject {
        JSONObject([("by", .string(by)), ("at", .string(at.iso)), ("assignee", .optional(assignee)), ("done", .bool(done))])
    }

    init?(_ value: JSONValue) throws(JSONParseError) {
        if value == .null { return nil }
        var f = try FieldReader(value)
        by = try f.string("by")
        at = try f.timestamp("at")
        assignee = try f.optionalString("assignee")
        done = try f.bool("done")
        try f.finish()
    }
}

extension Message {
    /// Thread order: by time, then by id (`IDSpace.order`), so two messages in
    /// the same second have one order. The summary the write path keeps and the one fsck derives
    /// both use it, or they would disagree about which message is last.
    public func isNewer(than other: Message) -> Bool {
        (at.seconds, Messages.order(id)) > (other.at.seconds, Messages.order(other.id))
    }

    /// The message a conversation's summary shows: the newest message (not note) in its thread.
    static func lastShown(in thread: [Message]) -> Message? {
        var last: Message?
        for m in thread where m.kind == .message && ConversationSummary.inThread(m) {
            if last.map({ m.isNewer(than: $0) }) ?? true { last = m }
        }
        return last
    }
}
