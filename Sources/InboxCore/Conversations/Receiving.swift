/// What `message receive` records: a message from a contact, as a webhook or import reports it.
public struct InboundRequest: Sendable {
    public var contact: String?
    /// A phone number or email address, matched against contacts (a new contact if none has it).
    public var from: String?
    public var channel: Channel
    public var text: String
    public var at: Timestamp?

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
    public var autoResponse: Message?
    public var optedOut: Bool
}


/// Inbound rules: which conversation a message lands in, reopening, availability and the
/// auto-response, opt-out keywords, and inbound do-not-contact.
public enum Receiving {
    /// SMS opt-out keywords carriers honour; any of them alone sets do-not-contact for SMS.
    public static let optOutKeywords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]

    public static func receive(_ request: InboundRequest, now: Timestamp, in tx: Transaction) throws(InboxError) -> Reception {
        let config = try Config.load(tx)
        var (contact, createdContact) = try sender(request, config: config, now: now, in: tx)
        let at = request.at ?? now
        var conversation: Conversation
        var reopened = false
        let silenced = contact.dnd.inbound && contact.dnd.blocks(request.channel.rawValue)
        if let current = try Conversations.current(contact: contact.id, channel: request.channel, in: tx) {
            conversation = current
            if conversation.status == .closed && !silenced {
                Conversations.reopen(&conversation, now: now)
                reopened = true
            }
        } else {
            conversation = try Conversations.create(contact: contact, channel: request.channel, subject: nil, now: now, in: tx)
            // Blocked inbound is kept for the record but raises no new conversation.
            if silenced { conversation.status = .closed; conversation.closedAt = now }
        }
        var message = Message(id: try Messages.nextID(in: tx), conversation: conversation, direction: .inbound,
                              kind: .message, text: request.text, at: at)
        message.from = contact.phones.first ?? contact.emails.first
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
                         reopened: reopened, autoResponse: autoResponse, optedOut: optedOut)
    }

    /// The contact named, or the one with this address, or a new contact with it.
    static func sender(_ request: InboundRequest, config: Config, now: Timestamp, in tx: Transaction) throws(InboxError) -> (Contact, Bool) {
        if let id = request.contact { return (try Contacts.resolve(id, in: tx), false) }
        guard let from = request.from else { throw InboxError.usage("give --contact ID or --from ADDRESS") }
        let isEmail = from.contains("@")
        // The address must be of the channel's kind: an email never arrives from a phone number.
        switch (request.channel.addressKind, isEmail) {
        case (.phone, true):
            throw InboxError.usage("--from '\(from)' is an email address, but \(request.channel.rawValue) messages come from a phone number")
        case (.email, false):
            throw InboxError.usage("--from '\(from)' is not an email address, and email comes from one")
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
