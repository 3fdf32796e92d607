/// What `message receive` records: a message from a contact, as a webhook or import reports it.
public struct InboundRequest: Sendable {
    public var contact: String?
    /// A phone number or email address, matched against contacts (a new contact if none has it).
    public var from: String?
    public var channel: Channel
    public var text: String
    public var at: Timestamp?
    /// Files that came with it (paths to read; stored by content, as sends store theirs).
    public var attachments: [String] = []
    /// An email's subject: it names the thread the message goes to, or starts a new one.
    public var subject: String?

    public init(channel: Channel, text: String) {
        self.channel = channel
        self.text = text
    }
}

public struct Reception: Sendable {
    public var message: Message
    public var conversation: Conversation
    public var contact: Contact
    public var createdContact: Bool
    public var reopened: Bool
    /// A new conversation was started for it.
    public var startedThread: Bool
    public var autoResponse: Message?
    public var optedOut: Bool
}


/// Inbound rules: which conversation a message lands in, reopening, availability and the
/// auto-response, opt-out keywords, and inbound do-not-contact.
public enum Receiving {
    /// SMS opt-out keywords carriers honour; any of them alone sets do-not-contact for SMS.
    public static let optOutKeywords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]

    public static func receive(_ request: InboundRequest, now: Timestamp, in tx: Transaction) throws(InboxError) -> Reception {
        let subject = request.subject.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        guard subject == nil || request.channel == .email else {
            throw InboxError.usage("\(InputField.inboundSubject) is for email, where a subject names the thread; \(request.channel.rawValue) messages have none")
        }
        let config = try Config.load(tx)
        var (contact, createdContact) = try sender(request, config: config, now: now, in: tx)
        let at = request.at ?? now
        var conversation: Conversation
        var reopened = false
        var started = false
        let silenced = contact.dnd.inbound && contact.dnd.blocks(request.channel.rawValue)
        if let current = try thread(for: contact, request.channel, subject: subject, in: tx) {
            conversation = current
            if conversation.status == .closed && !silenced {
                Conversations.reopen(&conversation, now: now)
                reopened = true
            }
        } else {
            conversation = try Conversations.create(contact: contact, channel: request.channel, subject: subject, now: now, in: tx)
            started = true
            // Blocked inbound is kept for the record but raises no new conversation.
            if silenced { conversation.status = .closed; conversation.closedAt = now }
        }
        var message = Message(id: try Messages.nextID(in: tx), conversation: conversation, direction: .inbound,
                              kind: .message, text: request.text, at: at)
        message.from = contact.phones.first ?? contact.emails.first
        for path in request.attachments {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            // Stored as a send stores its files (by content, the same size limit); no channel
            // check: the channel has already carried it.
            message.attachments.append(try Attachments.store(path: path, displayName: name, in: tx))
        }
        ConversationSummary.record(message, in: &conversation, now: now)
        if !silenced { conversation.unread = true }

        var optedOut = false
        if request.channel == .sms, optOutKeywords.contains(request.text.trimmingWhitespace().uppercased()), !contact.dnd.blocks("sms") {
            // The same change as `contact dnd --on sms`, so it is stored as that would store it.
            var stop = DoNotContactChange()
            stop.on = ["sms"]
            _ = stop.apply(to: &contact.dnd)
            contact.updatedAt = now
            try Contacts.table.put(contact, in: tx)
            optedOut = true
        }

        var autoResponse: Message?
        // While availability is off, an assigned conversation stays routed to its assignee (the
        // reference: "still routes to appropriate inbox, based on current assignment"); an
        // unassigned one is missed and gets the auto-response once per off period.
        if !config.availabilityOn && !silenced && conversation.assignee == nil {
            conversation.missed = true
            let period = try Availability.offPeriod(in: tx)
            if conversation.autoResponsePeriod != period,
               let text = config.string(.autoResponse), !text.isEmpty,
               SendRules.refusal(channel: conversation.channel, contact: contact, conversation: conversation, usesTemplate: false, now: now) == nil,
               let addresses = try? Outbox.addresses(conversation.channel, contact: contact, from: nil, config: config) {
                // Queued as a send due now; the cron flush delivers it.
                var reply = Message(id: try Messages.nextID(in: tx), conversation: conversation, direction: .outbound,
                                    kind: .message, text: try Placeholders.fill(text, contact: contact, user: "auto"), at: now)
                reply.auto = true
                reply.state = .scheduled
                reply.scheduledAt = now
                (reply.from, reply.to) = addresses
                autoResponse = reply
                conversation.autoResponsePeriod = period
            }
        }
        try Messages.save([message] + (autoResponse.map { [$0] } ?? []), in: tx)
        try Conversations.table.put(conversation, in: tx)
        return Reception(message: message, conversation: conversation, contact: contact, createdContact: createdContact,
                         reopened: reopened, startedThread: started, autoResponse: autoResponse, optedOut: optedOut)
    }

    /// The conversation a message goes to: the open one on the channel, else the latest. An
    /// email with a subject goes to the thread of that subject ("Re: Your W-2" is "Your W-2"),
    /// open first, else the latest; none (nil) starts a new thread.
    static func thread(for contact: Contact, _ channel: Channel, subject: String?, in tx: Transaction) throws(InboxError) -> Conversation? {
        guard let subject else { return try Conversations.current(contact: contact.id, channel: channel, in: tx) }
        let topic = EmailSubject.topic(subject)
        let threads = try Conversations.of(contact: contact.id, in: tx).filter { c in
            c.channel == channel && c.subject.map(EmailSubject.topic) == topic
        }
        return threads.last { $0.status == .open } ?? threads.last
    }

    /// The contact named, or the one with this address, or a new contact with it.
    static func sender(_ request: InboundRequest, config: Config, now: Timestamp, in tx: Transaction) throws(InboxError) -> (Contact, Bool) {
        if let id = request.contact { return (try Contacts.resolve(id, in: tx), false) }
        guard let from = request.from else { throw InboxError.usage("give \(placeholder: InputField.inboundContact) or \(placeholder: InputField.inboundSender)") }
        let isEmail = from.contains("@")
        // The address must be of the channel's kind: an email never arrives from a phone number.
        switch (request.channel.addressKind, isEmail) {
        case (.phone, true):
            throw InboxError.usage("\(InputField.inboundSender) '\(from)' is an email address, but \(request.channel.rawValue) messages come from a phone number")
        case (.email, false):
            throw InboxError.usage("\(InputField.inboundSender) '\(from)' is not an email address, and email comes from one")
        default: break
        }
        let address = isEmail ? try EmailAddress.normalize(from) : try PhoneNumber.normalize(from, config: config)
        if let id = try AddressIndex.contacts(with: address, in: tx).first, let contact = try Contacts.table.lookup(id, in: tx) {
            return (contact, false)
        }
        var draft = ContactDraft()
        if isEmail { draft.emails = [address] } else { draft.phones = [address] }
        return (try Contacts.add(draft, allowDuplicate: false, now: now, in: tx), true)
    }
}

/// Off periods of availability: each switch from on to off starts a new one, numbered by the
/// `availability-off` counter in sequences.jsonl, so "once per off period" needs no scan.
public enum Availability {
    static let offPeriodCounter = "availability-off"

    /// The current (or last) off period's number; 0 before availability was ever switched.
    static func offPeriod(in session: Session) throws(InboxError) -> Int64 {
        Int64(try Sequences.last(offPeriodCounter, in: session))
    }

    /// Call when `config set availability` changes the setting: off after on opens a period.
    public static func switched(to value: JSONValue, in tx: Transaction) throws(InboxError) {
        let wasOn = try Config.load(tx).availabilityOn
        if wasOn && value == .string("off") { _ = try Sequences.next(offPeriodCounter, in: tx) }
    }
}

/// Email subjects as threads see them: replies and forwards ("Re:", "Fwd:", "AW:"...) belong to
/// the thread of the subject they answer, whatever the case.
enum EmailSubject {
    static let replyPrefixes = ["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "vs:", "tr:", "rv:"]

    static func topic(_ subject: String) -> String {
        var s = Substring(subject.trimmingWhitespace().lowercased())
        var stripped = true
        while stripped {
            stripped = false
            for prefix in replyPrefixes where s.hasPrefix(prefix) {
                s = s.dropFirst(prefix.count).drop { $0 == " " || $0 == "\t" }
                stripped = true
            }
        }
        return String(s)
    }
}
