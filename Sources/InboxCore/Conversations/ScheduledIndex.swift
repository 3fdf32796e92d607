/// Every message waiting to be sent, soonest first, in `index/scheduled.jsonl`, so the cron
/// flush and `message list --scheduled` read one small file instead of every message. Kept by
/// `Messages.save`: a message is in it exactly while its state is `scheduled`.
public struct ScheduledEntry: StoredRecord, Equatable, Sendable {
    public var due: Timestamp
    public var message: String
    public var conversation: String

    public init(due: Timestamp, message: String, conversation: String) {
        self.due = due
        self.message = message
        self.conversation = conversation
    }

    public init(fields: inout FieldReader) throws(JSONParseError) {
        due = try fields.timestamp("due")
        message = try fields.string("message")
        conversation = try fields.string("conversation")
    }

    public var json: JSONObject {
        JSONObject([("due", .string(due.iso)), ("message", .string(message)), ("conversation", .string(conversation))])
    }

    static func order(_ a: ScheduledEntry, _ b: ScheduledEntry) -> Bool {
        (a.due.seconds, Messages.number(of: a.message) ?? 0) < (b.due.seconds, Messages.number(of: b.message) ?? 0)
    }
}

public enum ScheduledIndex {
    public static let file = "index/scheduled.jsonl"

    public static func all(_ session: Session) throws(InboxError) -> [ScheduledEntry] {
        try session.records(file)
    }

    static func update(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var entries = try all(tx)
        let before = entries
        let touched = Set(messages.map(\.id))
        entries.removeAll { touched.contains($0.message) }
        for m in messages where m.state == .scheduled {
            entries.append(ScheduledEntry(due: m.scheduledAt ?? m.at, message: m.id, conversation: m.conversation))
        }
        entries.sort(by: ScheduledEntry.order)
        if entries != before { tx.stage(file, records: entries) }
    }

    /// The index as the messages say it should be.
    static func derived(from messages: [Message]) -> [ScheduledEntry] {
        messages.filter { $0.state == .scheduled }
            .map { ScheduledEntry(due: $0.scheduledAt ?? $0.at, message: $0.id, conversation: $0.conversation) }
            .sorted(by: ScheduledEntry.order)
    }
}
