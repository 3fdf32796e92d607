/// A conversation's summary fields (count, last message, preview, first inbound and first
/// response): kept up to date as each message joins the thread (`record`), and derived from the
/// thread again (`derive`) for what `fsck` checks the stored summary against and what
/// `fsck --repair` writes back.
public enum ConversationSummary {
    /// Updates a conversation's summary for a message that is now part of its thread. `shown`
    /// is the message the summary shows, needed when `message` may not have the highest id
    /// (a scheduled one joining the thread): a tie in time goes by id (`Message.isNewer`).
    public static func record(_ message: Message, in conversation: inout Conversation, now: Timestamp, shown: Message? = nil) {
        conversation.messageCount += 1
        // An import or a late webhook may bring an older message: the latest stays the latest.
        // Internal notes are not activity with the contact: they do not move the conversation.
        if message.kind == .message, shown.map({ message.isNewer(than: $0) }) ?? conversation.lastMessageAt.map({ message.at >= $0 }) ?? true {
            conversation.lastMessageAt = message.at
            conversation.lastDirection = message.direction.rawValue
            conversation.preview = Conversations.preview(message)
        }
        conversation.updatedAt = now
        if message.direction == .inbound {
            if conversation.firstInboundAt.map({ message.at < $0 }) ?? true { conversation.firstInboundAt = message.at }
            conversation.lastInboundAt = max(conversation.lastInboundAt ?? message.at, message.at)
        }
        if message.direction == .outbound && message.kind == .message && !message.auto {
            if conversation.firstResponseAt.map({ message.at < $0 }) ?? true { conversation.firstResponseAt = message.at }
            conversation.missed = false
        }
    }

    /// Messages that are part of the thread: everything but sends still waiting or called off.
    static func inThread(_ message: Message) -> Bool {
        switch message.state {
        case .scheduled?, .cancelled?, .blocked?: return false
        default: return true
        }
    }

    public static func derive(_ conversation: Conversation, from messages: [Message]) -> Conversation {
        derive(conversation, inOrder: messages.filter(inThread).sorted { $1.isNewer(than: $0) })
    }

    /// `thread`: the messages `inThread`, oldest first, as fsck has them already (sorted once).
    static func derive(_ conversation: Conversation, inOrder thread: [Message]) -> Conversation {
        var c = conversation
        c.messageCount = Int64(thread.count)
        let last = thread.last { $0.kind == .message }
        c.lastMessageAt = last?.at
        c.lastDirection = last?.direction.rawValue
        c.preview = last.map(Conversations.preview)
        c.firstInboundAt = thread.first { $0.direction == .inbound }?.at
        c.lastInboundAt = thread.last { $0.direction == .inbound }?.at ?? conversation.lastInboundAt
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

extension Conversations {
    /// The start of a message as a listing shows it.
    static func preview(_ message: Message) -> String {
        let flat = message.text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let text = flat.isEmpty ? message.attachments.map { "[\($0.kind.rawValue)] \($0.name)" }.joined(separator: " ") : flat
        return text.count > 120 ? String(text.prefix(119)) + "…" : text
    }
}
