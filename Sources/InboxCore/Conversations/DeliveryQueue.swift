/// Every message still owed a delivery, in `index/delivery-queue.jsonl`, soonest first: those
/// scheduled, those marked sending, and failed ones (the flush retries those with attempts
/// left under `delivery.max_attempts`). The cron flush and
/// `message list --scheduled` read this one small file instead of every message. Kept by
/// `DerivedIndexes.settle` from the messages a change saved; fsck checks it against the messages and `fsck --repair` rebuilds it.
public struct QueueEntry: StoredRecord, Equatable, Sendable {
    public var due: Timestamp
    public var message: String
    public var conversation: String
    public var state: Message.State

    public init(due: Timestamp, message: String, conversation: String, state: Message.State) {
        self.due = due
        self.message = message
        self.conversation = conversation
        self.state = state
    }

    public static let schema = RecordSchema(blank: QueueEntry(due: .earliest, message: "", conversation: "", state: .scheduled), [
        .field("due", \.due, .timestamp),
        .field("message", \.message, .string),
        .field("conversation", \.conversation, .string),
        .field("state", \.state, .choice(among: DeliveryQueue.queuedStates)),
    ])

    static func order(_ a: QueueEntry, _ b: QueueEntry) -> Bool {
        (a.due.seconds, Messages.order(a.message)) < (b.due.seconds, Messages.order(b.message))
    }
}

public enum DeliveryQueue {
    public static let file = "index/delivery-queue.jsonl"
    static let queuedStates: Set<Message.State> = [.scheduled, .sending, .failed]

    public static func all(_ session: Session) throws(InboxError) -> [QueueEntry] {
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        return try session.records(file)
    }

    /// The entry a message should have, if any.
    static func entry(for m: Message) -> QueueEntry? {
        guard let state = m.state, queuedStates.contains(state), m.kind == .message, m.direction == .outbound else { return nil }
        // A failed one waits out its backoff.
        let due = (state == .failed ? m.retryAt : nil) ?? m.scheduledAt ?? m.at
        return QueueEntry(due: due, message: m.id, conversation: m.conversation, state: state)
    }

    static func maxAttempts(_ session: Session) throws(InboxError) -> Int64 {
        if case .int(let n) = try Config.load(session).value(.deliveryMaxAttempts) { return n }
        return 5
    }

    static func update(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var entries = try all(tx)
        let before = entries
        let touched = Set(messages.map(\.id))
        entries.removeAll { touched.contains($0.message) }
        entries += messages.compactMap(entry(for:))
        entries.sort(by: QueueEntry.order)
        if entries != before { tx.stage(file, records: entries) }
    }

    /// The queue as the messages say it should be.
    static func derived(from messages: [Message]) -> [QueueEntry] {
        messages.compactMap(entry(for:)).sorted(by: QueueEntry.order)
    }
}
