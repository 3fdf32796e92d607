/// Closing, reopening, read receipts and pins.
extension Conversations {
    /// What closing did: the closing message to deliver after commit, and the sends that were
    /// still scheduled in the conversation (cancelled when asked, else left to go out).
    public struct Closing: Sendable {
        public var conversation: Conversation
        public var message: Message?
        public var scheduled: [Message]
        public var cancelled: Bool
    }

    /// Closes a conversation, after an optional closing message to the contact, and notes the
    /// closing in the contact's history (the note names the conversation, so its thread shows
    /// it). The rule for a closed conversation: nothing new is sent or scheduled into it, but
    /// what was scheduled before it closed goes out at its time without reopening it, unless
    /// `cancelScheduled` cancels it here.
    public static func close(_ id: String, message text: String?, cancelScheduled: Bool = false, by user: String, now: Timestamp,
                             hookInstalled: Bool, in tx: Transaction) throws(InboxError) -> Closing {
        var conversation = try resolve(id, in: tx)
        guard conversation.status == .open else {
            throw InboxError.refused("\(conversation.id) is already closed")
        }
        var closing: Message?
        if let text {
            // Refuse before anything is staged, so a bulk close that skips this one (--keep-going)
            // leaves no trace of it, not even a message id used up.
            if let contact = try Contacts.table.lookup(conversation.contact, in: tx) {
                if let refusal = SendRules.refusal(channel: conversation.channel, contact: contact, conversation: conversation,
                                                   usesTemplate: false, now: now) {
                    throw InboxError.refused(refusal)
                }
                _ = try Outbox.addresses(conversation.channel, contact: contact, from: nil, config: try Config.load(tx))
            }
            var request = OutboundRequest()
            request.conversation = conversation.id
            request.text = text
            request.queueForFlush = tx.repository.isBatching
            (closing, conversation) = try Outbox.prepare(request, actor: user, now: now, hookInstalled: hookInstalled, in: tx)
        }
        var scheduled = try Messages.of(conversation.id, in: tx).filter { $0.state == .scheduled && $0.id != closing?.id }
        if cancelScheduled && !scheduled.isEmpty {
            for i in scheduled.indices { scheduled[i].state = .cancelled }
            try Messages.save(scheduled, in: tx)
        }
        conversation.status = .closed
        conversation.closedAt = now
        conversation.unread = false
        conversation.updatedAt = now
        try table.put(conversation, in: tx)
        if let contact = try Contacts.table.lookup(conversation.contact, in: tx) {
            let subject = conversation.subject.map { " \"\($0)\"" } ?? ""
            _ = try ContactNotes.add(to: contact, text: "Closed conversation \(conversation.id) (\(conversation.channel.rawValue))\(subject) by \(user)",
                                     author: user, now: now, conversation: conversation.id, in: tx)
        }
        return Closing(conversation: conversation, message: closing, scheduled: scheduled, cancelled: cancelScheduled)
    }

    public static func reopen(_ id: String, now: Timestamp, in tx: Transaction) throws(InboxError) -> Conversation {
        var conversation = try resolve(id, in: tx)
        guard conversation.status == .closed else { throw InboxError.refused("\(conversation.id) is already open") }
        reopen(&conversation, now: now)
        try table.put(conversation, in: tx)
        return conversation
    }
}

extension Messages {
    /// A read receipt a channel reported (`message seen ID --by WHO`).
    public static func markSeen(_ id: String, by who: String, at: Timestamp, in tx: Transaction) throws(InboxError) -> Message {
        var message = try resolve(id, in: tx)
        guard !message.seenBy.contains(where: { $0.by == who }) else { return message }
        message.seenBy.append(Receipt(by: who, at: at))
        try save([message], in: tx)
        return message
    }

    public static func pin(_ id: String, by user: String, assignee: String?, done: Bool, now: Timestamp, in tx: Transaction) throws(InboxError) -> Message {
        var message = try resolve(id, in: tx)
        if let assignee { try Users.requireKnown(assignee, in: tx) }
        if done {
            guard var pin = message.pin else { throw InboxError.refused("\(message.id) is not pinned") }
            pin.done = true
            message.pin = pin
        } else {
            message.pin = Pin(by: user, at: now, assignee: assignee ?? message.pin?.assignee, done: false)
        }
        try save([message], in: tx)
        return message
    }

    public static func unpin(_ id: String, in tx: Transaction) throws(InboxError) -> Message {
        var message = try resolve(id, in: tx)
        guard message.pin != nil else { throw InboxError.refused("\(message.id) is not pinned") }
        message.pin = nil
        try save([message], in: tx)
        return message
    }
}

extension Conversations {
    /// A message's first line as listings show it.
    public static func previewText(_ message: Message) -> String { preview(message) }
}

extension Message {
    /// Still scheduled after its time has passed: no flush has run since (cron is not running).
    public func isOverdue(now: Timestamp) -> Bool {
        guard state == .scheduled, let due = scheduledAt else { return false }
        return due < now
    }
}
