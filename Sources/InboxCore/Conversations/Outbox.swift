/// What `message send` (and `schedule`, `close --message`) asks for.
public struct OutboundRequest: Sendable {
    public var conversation: String?
    public var contact: String?
    public var channel: Channel?
    public var text: String?
    public var template: String?
    /// Files to attach: the path to read and the name to show.
    public var attachments: [String] = []
    public var from: String?
    public var cc: [String] = []
    public var note = false
    public var signature = true
    public var scheduledAt: Timestamp?
    /// Queue for the next flush instead of delivering now (inside a batch, where the hook
    /// cannot run before the batch commits).
    public var queueForFlush = false

    public init() {}
}

public enum Outbox {
    /// Checks the rules and records the message, inside the caller's transaction: a note as
    /// written, a scheduled send as `scheduled`, anything else as `sending` (or `sent` at once
    /// when there is no delivery hook). Delivery happens after the commit, in `deliver`.
    public static func prepare(_ request: OutboundRequest, actor: String, now: Timestamp, hookInstalled: Bool,
                               in tx: Transaction) throws(InboxError) -> (Message, Conversation) {
        try Outcomes.applySpooled(in: tx)
        var (conversation, contact) = try target(request, now: now, in: tx)
        let stored = conversation
        guard conversation.status == .open || request.note else {
            throw InboxError.refused("\(conversation.id) is closed; \(Remedy.reopenOrStartNew(conversation: conversation.id))")
        }
        let config = try Config.load(tx)
        var text: String
        if let name = request.template {
            let template = try Templates.find(name, in: tx)
            if let only = template.channel, only != conversation.channel {
                throw InboxError.refused("template '\(name)' is for \(only.rawValue), not \(conversation.channel.rawValue)")
            }
            text = template.text
        } else {
            text = request.text ?? ""
        }
        text = try Placeholders.fill(text, contact: contact, user: actor)
        if request.signature && !request.note {
            text = try Signature.append(to: text, author: actor, channel: conversation.channel, usesTemplate: request.template != nil, in: tx)
        }
        guard !text.trimmingWhitespace().isEmpty || !request.attachments.isEmpty else {
            throw InboxError.usage("the message is empty")
        }
        var message = Message(id: try Messages.nextID(in: tx), conversation: conversation, direction: .outbound,
                              kind: request.note ? .note : .message, text: text, at: now)
        message.author = actor
        message.template = request.template
        if !request.note {
            if let refusal = SendRules.refusal(channel: conversation.channel, contact: contact, conversation: conversation,
                                               usesTemplate: request.template != nil, now: request.scheduledAt ?? now) {
                throw InboxError.refused(refusal)
            }
            (message.from, message.to) = try addresses(conversation.channel, contact: contact, from: request.from, config: config)
            guard request.cc.isEmpty || conversation.channel == .email else {
                throw InboxError.usage("\(InputField.copyTo) is for email; \(conversation.id) is \(conversation.channel.rawValue)")
            }
            message.cc = try request.cc.map { (address) throws(InboxError) in try EmailAddress.normalize(address) }
        }
        for path in request.attachments {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            message.attachments.append(try Attachments.add(path: path, displayName: name, channel: conversation.channel, in: tx))
        }
        if request.note {
            message.state = nil
        } else if request.queueForFlush && hookInstalled {
            message.state = .scheduled
            message.scheduledAt = now
        } else if let when = request.scheduledAt {
            guard when > now else { throw InboxError.usage("the time to send (\(when.localDescription)) has passed") }
            message.state = .scheduled
            message.scheduledAt = when
        } else {
            message.state = hookInstalled ? .sending : .sent
            message.attempts = hookInstalled ? 1 : 0
            if hookInstalled { message.sendingBy = ProcessIdentity.current() }
        }
        if message.state != .scheduled { ConversationSummary.record(message, in: &conversation, now: now) }
        try Messages.save([message], in: tx)
        // A scheduled send leaves its conversation as it was: rewriting it (and its activity
        // row) anyway made a batch of 10,000 schedules rewrite every conversation shard.
        if conversation != stored { try Conversations.table.put(conversation, in: tx) }
        return (message, conversation)
    }

    /// The conversation the request names, or the contact's current one on that channel, or a
    /// new one.
    static func target(_ request: OutboundRequest, now: Timestamp, in tx: Transaction) throws(InboxError) -> (Conversation, Contact) {
        if let id = request.conversation {
            let conversation = try Conversations.resolve(id, in: tx)
            guard let contact = try Contacts.table.lookup(conversation.contact, in: tx) else {
                throw InboxError.notFound("conversation \(conversation.id) refers to contact \(conversation.contact), which does not exist")
            }
            return (conversation, contact)
        }
        guard let contactID = request.contact, let channel = request.channel else {
            throw InboxError.usage("give a conversation, or \(InputField.outboundContact) and \(InputField.outboundChannel)")
        }
        let contact = try Contacts.resolve(contactID, in: tx)
        let current = try Conversations.current(contact: contact.id, channel: channel, in: tx)
        if let current, current.status == .open { return (current, contact) }
        var conversation = try Conversations.create(contact: contact, channel: channel, subject: nil, now: now, in: tx)
        // The WhatsApp window belongs to the contact: a new thread keeps the last message's time.
        conversation.lastInboundAt = current?.lastInboundAt
        return (conversation, contact)
    }

    /// From and To for the channel: SMS needs a From number; phone channels need the contact's
    /// number, email their address.
    static func addresses(_ channel: Channel, contact: Contact, from: String?, config: Config) throws(InboxError) -> (String?, String?) {
        guard from == nil || channel == .sms else {
            throw InboxError.usage("\(InputField.firmNumber) chooses one of the firm's SMS numbers; it cannot be used on \(channel.rawValue)")
        }
        switch channel {
        case .sms, .whatsapp, .imessage:
            guard let phone = contact.phones.first else {
                throw InboxError.refused("\(contact.id) \(contact.displayName) has no phone number for \(channel.rawValue) (\(Remedy.addPhone(contact: contact.id)))")
            }
            var sender: String? = nil
            if channel == .sms {
                if let from { sender = try firmNumber(from, config: config) }
                else { sender = config.smsFrom.first }
                guard sender != nil else {
                    throw InboxError.refused("SMS needs a From number: \(Remedy.chooseSMSNumber)")
                }
            }
            return (sender, phone)
        case .email:
            guard let email = contact.emails.first else {
                throw InboxError.refused("\(contact.id) \(contact.displayName) has no email address (\(Remedy.addEmail(contact: contact.id)))")
            }
            return (nil, email)
        case .instagram, .telegram, .facebook:
            guard let handle = contact.handles[channel] else {
                let name = Handle.name(channel)
                throw InboxError.refused("\(contact.id) \(contact.displayName) has no \(name) handle (\(Remedy.addHandle(contact: contact.id, channel: channel)))")
            }
            return (nil, handle)
        case .webchat:
            return (nil, nil)
        }
    }

    /// A `--from` number, which must be one of the firm's own (`sms.from`): a provider sends
    /// only from numbers the firm holds, and a typo must not become a stranger's number.
    static func firmNumber(_ text: String, config: Config) throws(InboxError) -> String {
        let number = try PhoneNumber.normalize(text, config: config)
        let own = config.smsFrom
        if own.contains(number) { return number }
        // Typed without its country code ("212 555 0198"): the one firm number it ends like.
        let typed = PhoneNumber.digits(number)
        let alike = own.filter { PhoneNumber.digits($0).hasSuffix(typed) }
        guard typed.count >= 7, alike.count == 1 else {
            let have = own.isEmpty ? "none is configured" : "they are " + own.joined(separator: ", ")
            throw InboxError.refused("\(InputField.firmNumber) \(number) is not one of the firm's SMS numbers (\(have)); to send from it, add it: \(Remedy.addFirmNumber(numbers: own + [number]))")
        }
        return alike[0]
    }

    /// What became of a message handed to the hook.
    public struct Delivery: Sendable {
        public var message: Message
        public var outcome: DeliveryHook.Outcome
        /// Set when the outcome could not be recorded now and was spooled for the next writer
        /// (or, worse, not even spooled): why.
        public var deferred: String?
        public var spooled = true

        /// Exit 69 for a failed or timed-out delivery, naming the message and its state.
        public var failure: InboxError? {
            switch outcome {
            case .failed(let reason):
                return .deliveryFailed("\(message.id) was not delivered: \(reason); it is recorded as failed")
            case .timedOut(let reason):
                return .deliveryFailed("\(message.id) is in-doubt: \(reason) (\(Remedy.retrySend(message: message.id)))")
            case .noHook, .sent:
                return nil
            }
        }

        /// What to add to the command's confirmation when the record waits for the next writer.
        public var deferredNote: String? {
            guard let deferred else { return nil }
            if spooled { return "the record is updated by the next inbox command that writes: \(deferred)" }
            return "its outcome could not be recorded (\(deferred)); it will show as in-doubt, and it was \(message.state?.rawValue ?? "handled")"
        }
    }

    /// Runs the delivery hook for a message recorded as `sending`, outside the lock, and
    /// records the outcome. Never throws once the hook has run: if the repository cannot take
    /// the record now, the outcome is spooled for the next writer (`Outcomes`).
    public static func deliver(_ message: Message, repository: Repository, timeout: Double, now: Timestamp) -> Delivery {
        guard message.state == .sending else { return Delivery(message: message, outcome: .noHook) }
        let outcome = DeliveryHook.deliver(message, repository: repository, timeout: timeout)
        var settled = message
        apply(outcome, to: &settled, now: now)
        do throws(InboxError) {
            let updated = try repository.write { (tx) throws(InboxError) -> Message in
                try Outcomes.applySpooled(in: tx)
                guard var current = try Messages.get(message.id, in: tx), current.state == .sending || current.state == .inDoubt else {
                    return settled
                }
                apply(outcome, to: &current, now: now)
                try Messages.save([current], in: tx)
                return current
            }
            return Delivery(message: updated, outcome: outcome)
        } catch {
            return spoolOutcome(settled, outcome, repository: repository, because: error)
        }
    }

    /// The repository would not take the record: leave it in the spool.
    public static func spoolOutcome(_ settled: Message, _ outcome: DeliveryHook.Outcome, repository: Repository,
                                    because error: InboxError) -> Delivery {
        let why: String
        if case .busy = error { why = "the repository was busy" } else { why = error.message }
        do throws(InboxError) {
            try Outcomes.spool(settled, repository: repository)
            return Delivery(message: settled, outcome: outcome, deferred: why)
        } catch let spoolError {
            return Delivery(message: settled, outcome: outcome, deferred: "\(why); \(spoolError.message)", spooled: false)
        }
    }
}

extension Outbox {
    /// Records what the delivery hook said about a message that was `sending`. A failure waits
    /// out its backoff before a flush tries it again; a timeout is in-doubt (it may have gone).
    static func apply(_ outcome: DeliveryHook.Outcome, to message: inout Message, now: Timestamp) {
        message.sendingBy = nil
        message.retryAt = nil
        switch outcome {
        case .noHook, .sent:
            message.state = .sent
            message.error = nil
            if case .sent(let providerID) = outcome { message.providerID = providerID }
        case .failed(let reason):
            message.state = .failed
            message.error = reason
            message.retryAt = Backoff.retryAt(after: now, attempts: message.attempts)
        case .timedOut(let reason):
            message.state = .inDoubt
            message.error = reason
        }
    }
}
