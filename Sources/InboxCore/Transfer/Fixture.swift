/// `inbox fixture`: a realistic repository for tests and benchmarks, the same bytes for the same
/// seed and sizes. Times are laid out from a fixed anchor, not the clock, so a fixture made
/// today matches one made next year.
public enum Fixture {
    public struct Sizes: Sendable {
        public var contacts: Int
        public var conversations: Int
        public var messages: Int

        public init(contacts: Int, conversations: Int, messages: Int) {
            self.contacts = contacts
            self.conversations = conversations
            self.messages = messages
        }
    }

    static let anchor = Timestamp(iso: "2026-06-01T00:00:00Z")!
    static let firstNames = ["Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret",
                             "Dennis", "Radia", "Ken", "Hedy", "Tim", "Joan", "Claude", "Sophie", "Linus", "Annie"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton",
                            "Ritchie", "Perlman", "Thompson", "Lamarr", "Berners-Lee", "Clarke", "Shannon", "Wilson", "Torvalds", "Easley"]
    static let companies = ["Analytical Ltd", "Navy Systems", "Bletchley Consulting", "Orbit Analytics", "Shortest Paths BV", "Tex Press",
                            "Apollo Guidance", "Bell Works", "Cellular Radio", "Harwell Labs"]
    static let tags = ["vip", "prospect", "tax-2026", "payroll", "bookkeeping", "late-payer", "referral"]
    static let inbound = ["Hi, can you send the form?", "Quarterly figures attached.", "Is my return filed yet?", "Can we move our call to Friday?",
                          "Thanks, received.", "Where do I upload the W-2?", "Do you need anything else from me?", "Please call me back."]
    static let outbound = ["The form is on its way.", "Thanks, that is everything for this quarter.", "Filed this morning.",
                           "Friday at 10:00 works.", "You can upload it in the portal.", "Nothing else for now, thank you."]
    static let channels: [Channel] = [.sms, .sms, .sms, .email, .email, .whatsapp, .webchat, .instagram, .telegram, .imessage]

    /// The most a fixture makes of each: ten times the sizes the store is built for (DESIGN §5),
    /// and far below where the ids, the memory or the clock would run out.
    public static let maxContacts = 1_000_000
    public static let maxConversations = 1_000_000
    public static let maxMessages = 10_000_000

    public static func generate(_ sizes: Sizes, seed: UInt64, in tx: Transaction) throws(InboxError) -> Import.Summary {
        for (name, value, most) in [("contacts", sizes.contacts, maxContacts), ("conversations", sizes.conversations, maxConversations),
                                    ("messages", sizes.messages, maxMessages)] where value < 0 || value > most {
            throw InboxError.usage("--\(name) takes 0 to \(most), not \(value)")
        }
        guard try Sequences.last(Contacts.table.prefix, in: tx) == 0, try Sequences.last(Conversations.table.prefix, in: tx) == 0 else {
            throw InboxError.refused("fixture fills an empty repository; this one already has contacts or conversations")
        }
        guard sizes.contacts > 0 || (sizes.conversations == 0 && sizes.messages == 0) else {
            throw InboxError.usage("conversations need contacts: give --contacts")
        }
        guard sizes.conversations > 0 || sizes.messages == 0 else { throw InboxError.usage("messages need conversations: give --conversations") }
        var random = SeededRandom(seed: seed)
        var batch = Import.Batch()
        let users = ["alice", "bob", "carol"]
        for (i, name) in users.enumerated() {
            batch.users.append(User(name: name, displayName: name.prefix(1).uppercased() + name.dropFirst(), email: "\(name)@firm.example",
                                    role: i == 0 ? .admin : .agent, createdAt: anchor))
        }
        for n in 1...max(sizes.contacts, 1) where sizes.contacts > 0 {
            let first = random.pick(firstNames), last = random.pick(lastNames)
            var c = Contact(id: Contacts.table.id(n), firstName: first, lastName: last,
                            createdAt: anchor.adding(seconds: -Int64(random.below(180 * 86400))))
            c.updatedAt = c.createdAt
            c.phones = ["+1555" + Timestamp.pad(n % 10_000_000, 7)]
            c.emails = ["\(first.lowercased()).\(last.lowercased().replacingAll("-", with: "")).\(n)@example.com"]
            c.company = random.below(3) == 0 ? nil : random.pick(companies)
            c.owner = random.below(2) == 0 ? nil : random.pick(users)
            if random.below(3) == 0 { c.tags = [random.pick(tags)] }
            if random.below(40) == 0 { c.dnd.channels = ["sms"] }
            batch.contacts.append(c)
        }
        // Messages are spread over conversations; each conversation gets at least one when there are enough.
        var perConversation = [Int](repeating: sizes.conversations > 0 ? sizes.messages / sizes.conversations : 0, count: sizes.conversations)
        for i in 0..<(sizes.conversations > 0 ? sizes.messages % sizes.conversations : 0) { perConversation[i] += 1 }
        var messageNumber = 0
        for n in 1...max(sizes.conversations, 1) where sizes.conversations > 0 {
            let contact = batch.contacts[random.below(batch.contacts.count)]
            let channel = random.pick(channels)
            var c = Conversation(id: Conversations.table.id(n), contact: contact.id, channel: channel, subject: nil,
                                 createdAt: anchor.adding(seconds: -Int64(random.below(90 * 86400))))
            c.assignee = random.below(3) == 0 ? nil : random.pick(users)
            var at = c.createdAt
            var thread: [Message] = []
            for k in 0..<perConversation[n - 1] {
                messageNumber += 1
                let incoming = k % 2 == 0
                let text = incoming ? random.pick(inbound) : "Hi \(contact.firstName), " + random.pick(outbound).lowercasedFirst
                var m = Message(id: Messages.prefix + String(messageNumber), conversation: c, direction: incoming ? .inbound : .outbound,
                                kind: .message, text: text, at: at)
                if incoming { m.from = contact.phones.first } else { m.author = c.assignee ?? "alice"; m.state = .sent; m.to = contact.phones.first }
                // The last message of some open threads is a reply scheduled for later.
                if !incoming && k == perConversation[n - 1] - 1 && random.below(10) == 0 {
                    m.state = .scheduled
                    m.scheduledAt = anchor.adding(seconds: Int64(1 + random.below(7 * 86400)))
                }
                thread.append(m)
                at = at.adding(seconds: Int64(60 + random.below(6 * 3600)))
            }
            c = ConversationSummary.derive(c, from: thread)
            c.unread = thread.last(where: ConversationSummary.inThread)?.direction == .inbound && random.below(2) == 0
            if random.below(10) < 7 && !thread.contains(where: { $0.state == .scheduled }) {
                c.status = .closed
                c.closedAt = (c.lastMessageAt ?? c.createdAt).adding(seconds: 3600)
                c.unread = false
            }
            c.updatedAt = c.closedAt ?? c.lastMessageAt ?? c.createdAt
            batch.conversations.append(c)
            batch.messages += thread
        }
        try Import.stage(batch, in: tx)
        return Import.Summary(counts: [("user", batch.users.count), ("contact", batch.contacts.count),
                                       ("conversation", batch.conversations.count), ("message", batch.messages.count)])
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform for a seed.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
