/// A thread with one contact on one channel. Besides its own fields it keeps a summary of its
/// messages (last activity, preview, unread, first reply), maintained by every write that adds
/// a message, so listings never read messages.
public struct Conversation: IdentifiedRecord, Sendable {
    public enum Status: String, Sendable { case open, closed }
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

    public init(fields f: inout FieldReader) throws(JSONParseError) {
        id = try f.string("id")
        contact = try f.string("contact")
        let channelName = try f.string("channel")
        guard let channel = Channel(rawValue: channelName) else { throw JSONParseError("field \"channel\": unknown channel \"\(channelName)\"") }
        self.channel = channel
        subject = try f.optionalString("subject")
        let statusName = try f.string("status")
        guard let status = Status(rawValue: statusName) else { throw JSONParseError("field \"status\" must be open or closed") }
        self.status = status
        assignee = try f.optionalString("assignee")
        missed = try f.bool("missed")
        unread = try f.bool("unread")
        lastMessageAt = try f.optionalTimestamp("last_message_at")
        lastDirection = try f.optionalString("last_direction")
        preview = try f.optionalString("preview")
        messageCount = try f.int("message_count")
        // Counted up by each message: at most one per message id, and never past an overflow.
        guard messageCount >= 0, messageCount <= IDPrefix.maxNumber else {
            throw JSONParseError("field \"message_count\" must be 0 to \(IDPrefix.maxNumber), not \(messageCount)")
        }
        firstInboundAt = try f.optionalTimestamp("first_inbound_at")
        lastInboundAt = try f.optionalTimestamp("last_inbound_at")
        firstResponseAt = try f.optionalTimestamp("first_response_at")
        closedAt = try f.optionalTimestamp("closed_at")
        createdAt = try f.timestamp("created_at")
        updatedAt = try f.timestamp("updated_at")
        if let value = f.absentOr("auto_response_period") {
            guard case .int(let n) = value, n >= 0 else { throw JSONParseError("field \"auto_response_period\" must be a whole number") }
            autoResponsePeriod = n
        }
        guard Conversations.table.ids.isValid(id) else { throw JSONParseError("field \"id\" is not a conversation id: \"\(id)\"") }
    }

    public var json: JSONObject {
        JSONObject([
            ("id", .string(id)), ("contact", .string(contact)), ("channel", .string(channel.rawValue)),
            ("subject", .optional(subject)), ("status", .string(status.rawValue)), ("assignee", .optional(assignee)),
            ("missed", .bool(missed)), ("unread", .bool(unread)),
            ("last_message_at", .optional(lastMessageAt?.iso)), ("last_direction", .optional(lastDirection)),
            ("preview", .optional(preview)), ("message_count", .int(messageCount)),
            ("first_inbound_at", .optional(firstInboundAt?.iso)), ("last_inbound_at", .optional(lastInboundAt?.iso)),
            ("first_response_at", .optional(firstResponseAt?.iso)),
            ("closed_at", .optional(closedAt?.iso)), ("created_at", .string(createdAt.iso)), ("updated_at", .string(updatedAt.iso)),
        ] + (autoResponsePeriod.map { [(key: "auto_response_period", value: JSONValue.int($0))] } ?? []))
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

    /// The record for --json, with the category as the acting user sees it.
    public func json(for user: String) -> JSONObject {
        var object = json
        var pairs = object.pairs
        let index = pairs.firstIndex { $0.key == "assignee" }! + 1
        pairs.insert(("category", .optional(category(for: user)?.rawValue)), at: index)
        object.pairs = pairs
        return object
    }
}
