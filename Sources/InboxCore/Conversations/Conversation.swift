/// A thread with one contact on one channel. Besides its own fields it keeps a summary of its
/// messages (last activity, preview, unread, first reply), maintained by every write that adds
/// a message, so listings never read messages.
public struct Conversation: IdentifiedRecord, Equatable, Sendable {
    public enum Status: String, CaseIterable, Sendable { case open, closed }
    public enum Category: String, CaseIterable, Sendable { case new, missed, yours, others }

    public var id: String
    public var contact: String
    public var channel: Channel
    public var subject: String?
    public var status: Status
    public var assignee: String?
    /// Arrived while availability was off and got the auto-response; cleared by our reply.
    public var missed: Bool
    /// An inbound message that no user has opened yet.
    public var unread: Bool
    public var lastMessageAt: Timestamp?
    public var lastDirection: String?
    public var preview: String?
    public var messageCount: Int64
    public var firstInboundAt: Timestamp?
    /// The contact's last message, for the WhatsApp reply window.
    public var lastInboundAt: Timestamp?
    /// Our first reply to the contact (notes and auto-responses do not count).
    public var firstResponseAt: Timestamp?
    public var closedAt: Timestamp?
    /// The availability-off period (`Availability.offPeriod`) in which it last got the
    /// auto-response: one per conversation per period. Absent in records that never got one.
    public var autoResponsePeriod: Int64?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, contact: String, channel: Channel, subject: String?, createdAt: Timestamp) {
        self.id = id
        self.contact = contact
        self.channel = channel
        self.subject = subject
        self.status = .open
        self.missed = false
        self.unread = false
        self.messageCount = 0
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    static let blank = Conversation(id: "", contact: "", channel: .sms, subject: nil, createdAt: .earliest)

    public static let schema = RecordSchema(blank: blank, [
        .field("id", \.id, .string),
        .field("contact", \.contact, .string),
        .field("channel", \.channel, .choice()),
        .optional("subject", \.subject, .string),
        .field("status", \.status, .choice()),
        .optional("assignee", \.assignee, .string),
        .field("missed", \.missed, .bool),
        .field("unread", \.unread, .bool),
        .optional("last_message_at", \.lastMessageAt, .timestamp),
        .optional("last_direction", \.lastDirection, .string),
        .optional("preview", \.preview, .string),
        // Counted up by each message: at most one per message id, and never past an overflow.
        .field("message_count", \.messageCount, .int(in: 0...Int64(IDPrefix.maxNumber))),
        .optional("first_inbound_at", \.firstInboundAt, .timestamp),
        .optional("last_inbound_at", \.lastInboundAt, .timestamp),
        .optional("first_response_at", \.firstResponseAt, .timestamp),
        .optional("closed_at", \.closedAt, .timestamp),
        .field("created_at", \.createdAt, .timestamp),
        .field("updated_at", \.updatedAt, .timestamp),
        .optional("auto_response_period", \.autoResponsePeriod, .int(in: 0...Int64.max), whenNil: .omitted),
    ]) { c throws(JSONParseError) in
        guard Conversations.table.ids.isValid(c.id) else { throw JSONParseError("field \"id\" is not a conversation id: \"\(c.id)\"") }
    }

    /// `--json` adds the category as the acting user sees it (none without a user).
    public static let view = RecordView(schema).adding("category", after: "assignee") { c, user in
        user.map { .optional(c.category(for: $0)?.rawValue) }
    }

    /// Where an open conversation sits for `user`; nil only when it is closed. The reference's
    /// four inboxes split the open ones exactly: an assigned conversation is routed by its
    /// assignee (yours or others), whatever arrives; an unassigned one is missed when it came in
    /// while availability was off and got the auto-response (until we reply), else new (it
    /// needs someone to take it).
    public func category(for user: String) -> Category? {
        guard status == .open else { return nil }
        if let assignee { return assignee == user ? .yours : .others }
        return missed ? .missed : .new
    }

    /// Last activity, for ordering: the last message, else the creation.
    public var activityAt: Timestamp { lastMessageAt ?? createdAt }
}
