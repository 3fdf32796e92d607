/// One message, note or auto-response in a conversation.
public struct Message: IdentifiedRecord, Sendable {
    public enum Direction: String, CaseIterable, Sendable { case inbound = "in", outbound = "out" }
    public enum Kind: String, CaseIterable, Sendable { case message, note }
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

    public static let schema = RecordSchema(blank: Message(id: "", conversation: Conversation.blank, direction: .inbound, kind: .message, text: "", at: .earliest), [
        .field("id", \.id, .string),
        .field("conversation", \.conversation, .string),
        .field("contact", \.contact, .string),
        .field("channel", \.channel, .choice()),
        .field("direction", \.direction, .choice()),
        .field("kind", \.kind, .choice()),
        .optional("state", \.state, .choice()),
        .field("text", \.text, .string),
        .field("at", \.at, .timestamp),
        .optional("scheduled_at", \.scheduledAt, .timestamp),
        .optional("author", \.author, .string),
        .optional("from", \.from, .string),
        .optional("to", \.to, .string),
        .field("cc", \.cc, .strings),
        .optional("template", \.template, .string),
        .field("auto", \.auto, .bool),
        .field("attachments", \.attachments, .records()),
        .field("seen_by", \.seenBy, .records()),
        .optional("pin", \.pin, .record()),
        // Counted up by each flush: a hand-edited huge value must not overflow there.
        .field("attempts", \.attempts, .int(in: 0...1_000_000)),
        .optional("sending_by", \.sendingBy, .string),
        .optional("error", \.error, .string),
        .optional("provider_id", \.providerID, .string),
        .optional("retry_at", \.retryAt, .timestamp, whenNil: .omitted),
    ]) { m throws(JSONParseError) in
        guard Messages.ids.isValid(m.id) else { throw JSONParseError("field \"id\" is not a message id: \"\(m.id)\"") }
    }

    /// Pinned messages form the conversation's to-do panel.
    public var isPinned: Bool { pin != nil }
}

/// A file sent with a message, stored once under `.inbox/attachments/` by its SHA-256.
public struct Attachment: StoredRecord, Equatable, Sendable {
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

    public static let schema = RecordSchema(blank: Attachment(name: "", sha256: "", size: 0, kind: .document), [
        .field("name", \.name, .string),
        .field("sha256", \.sha256, .string.checked("must be 64 hex digits") { $0.utf8.count == 64 && $0.allSatisfy(\.isHexDigit) }),
        .field("size", \.size, .int),
        .field("kind", \.kind, .choice()),
        .derived("path", \.path, .string, mismatch: "does not match the attachment's sha256"),
    ])
}

/// Who read a message and when: a user opening the conversation, or a receipt a channel reported.
public struct Receipt: StoredRecord, Equatable, Sendable {
    public var by: String
    public var at: Timestamp

    public init(by: String, at: Timestamp) {
        self.by = by
        self.at = at
    }

    public static let schema = RecordSchema(blank: Receipt(by: "", at: .earliest), [
        .field("by", \.by, .string),
        .field("at", \.at, .timestamp),
    ])
}

/// A pinned message: a to-do on the conversation, optionally for someone, done or not.
public struct Pin: StoredRecord, Equatable, Sendable {
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

    public static let schema = RecordSchema(blank: Pin(by: "", at: .earliest, assignee: nil, done: false), [
        .field("by", \.by, .string),
        .field("at", \.at, .timestamp),
        .optional("assignee", \.assignee, .string),
        .field("done", \.done, .bool),
    ])
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
