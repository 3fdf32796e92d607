/// Changing a send after it was written: editing or cancelling one still scheduled, and sending
/// a failed or in-doubt one again. Delivery itself is `Flush`'s; the rules are `SendRules`.
public enum ScheduledSends {
    /// `message send --retry ID`: a failed or in-doubt message, sent again on purpose, with the
    /// same id so the provider can drop a duplicate.
    public static func retry(_ id: String, now: Timestamp, hookInstalled: Bool, in tx: Transaction) throws(InboxError) -> Message {
        try Outcomes.applySpooled(in: tx)
        var message = try Messages.resolve(id, in: tx)
        guard message.state == .failed || message.state == .inDoubt else {
            throw InboxError.refused("\(message.id) is \(message.state?.rawValue ?? "not an outbound message"); only failed or in-doubt messages are retried")
        }
        message.state = .failed  // let the flush's rules decide, as for any retry
        try Messages.save([message], in: tx)
        guard let started = try Flush.start(message.id, now: now, hookInstalled: hookInstalled, in: tx) else { return message }
        if started.outcome == .blocked { throw InboxError.refused(started.reason ?? "blocked") }
        return started.message
    }

    /// `message edit`: new text and/or time, only while still scheduled.
    public static func edit(_ id: String, text: String?, at: Timestamp?, actor: String, signature: Bool, now: Timestamp,
                            in tx: Transaction) throws(InboxError) -> Message {
        var message = try Messages.resolve(id, in: tx)
        try requireScheduled(message, "edited")
        if let text {
            guard let contact = try Contacts.table.get(message.contact, in: tx) else { throw InboxError.notFound("no contact \(message.contact)") }
            var filled = try Placeholders.fill(text, contact: contact, user: actor)
            if signature {
                // The message stays its author's: their signature, not the editor's.
                filled = try Signature.append(to: filled, author: message.author ?? actor, channel: message.channel,
                                              usesTemplate: message.template != nil, in: tx)
            }
            message.text = filled
        }
        if let at {
            guard at > now else { throw InboxError.usage("the time to send (\(at.localDescription)) has passed") }
            message.scheduledAt = at
        }
        try Messages.save([message], in: tx)
        return message
    }

    public static func cancel(_ id: String, in tx: Transaction) throws(InboxError) -> Message {
        var message = try Messages.resolve(id, in: tx)
        try requireScheduled(message, "cancelled")
        message.state = .cancelled
        try Messages.save([message], in: tx)
        return message
    }

    static func requireScheduled(_ message: Message, _ verb: String) throws(InboxError) {
        guard message.state == .scheduled else {
            let state = message.state?.rawValue ?? (message.kind == .note ? "a note" : "an inbound message")
            throw InboxError.refused("\(message.id) is \(state); only a scheduled message can be \(verb)")
        }
    }
}
