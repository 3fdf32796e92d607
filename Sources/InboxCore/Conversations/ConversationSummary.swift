/// A conversation's summary fields as its messages say they should be: what `fsck` checks the
/// stored summary against and what `fsck --repair` writes back.
public enum ConversationSummary {
    /// Messages that are part of the thread: everything but sends still waiting or called off.
    static func inThread(_ message: Message) -> Bool {
        switch message.state {
        case .scheduled?, .cancelled?, .blocked?: return false
        default: return true
        }
    }

    public static func derive(_ conversation: Conversation, from messages: [Message]) -> Conversation {
        var c = conversation
        let thread = messages.filter(inThread).sorted { $1.isNewer(than: $0) }
        c.messageCount = Int64(thread.count)
        let last = thread.last { $0.kind == .message }
        c.lastMessageAt = last?.at
        c.lastDirection = last?.direction.rawValue
        c.preview = last.map(Conversations.preview)
        let inbound = thread.filter { $0.direction == .inbound }
        c.firstInboundAt = inbound.first?.at
        c.lastInboundAt = inbound.last?.at ?? conversation.lastInboundAt
        c.firstResponseAt = thread.first { $0.direction == .outbound && $0.kind == .message && !$0.auto }?.at
        return c
    }

    /// The fields that differ, for fsck's message.
    static func differences(_ stored: Conversation, _ derived: Conversation) -> [String] {
        var out: [String] = []
        if stored.messageCount != derived.messageCount { out.append("message_count \(stored.messageCount), messages say \(derived.messageCount)") }
        if stored.lastMessageAt != derived.lastMessageAt { out.append("last_message_at \(stored.lastMessageAt?.iso ?? "null"), messages say \(derived.lastMessageAt?.iso ?? "null")") }
        if stored.lastDirection != derived.lastDirection || stored.preview != derived.preview { out.append("last message preview differs") }
        if stored.firstInboundAt != derived.firstInboundAt { out.append("first_inbound_at differs") }
        if stored.firstResponseAt != derived.firstResponseAt { out.append("first_response_at \(stored.firstResponseAt?.iso ?? "null"), messages say \(derived.firstResponseAt?.iso ?? "null")") }
        return out
    }
}
