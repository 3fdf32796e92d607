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
        for (field, value, most) in [(InputField.fixtureContacts, sizes.contacts, maxContacts), (.fixtureConversations, sizes.conversations, maxConversations),
                                     (.fixtureMessages, sizes.messages, maxMessages)] where value < 0 || value > most {
            throw InboxError.usage("\(field) takes 0 to \(most), not \(value)")
        }
        guard try Sequences.last(Contacts.table.prefix, in: tx) == 0, try Sequences.last(Conversations.table.prefix, in: tx) == 0 else {
            throw InboxError.refused("fixture fills an empty repository; this one already has contacts or conversations")
        }
        guard sizes.contacts > 0 || (sizes.conversations == 0 && sizes.messages == 0) else {
            throw InboxError.usage("conversations need contacts: give \(InputField.fixtureContacts)")
        }
        guard sizes.conversations > 0 || sizes.messages == 0 else { throw InboxError.usage("messages need conversations: give \(InputField.fixtureConversations)") }
        var random = SeededRandom(seed: seed)
        var out = FixtureWriter(tx: tx, messages: sizes.conversations > 0 ? sizes.messages : 0)
        let users = ["alice", "bob", "carol"]
        for (i, name) in users.enumerated() {
            try Users.add(User(name: name, displayName: name.prefix(1).uppercased() + name.dropFirst(), email: "\(name)@firm.example",
                               role: i == 0 ? .admin : .agent, createdAt: anchor), in: tx)
        }
        // What a conversation needs of its contact, kept small: 100,000 contacts are not held whole.
        var people: [(id: String, firstName: String, phone: String?, name: String)] = []
        people.reserveCapacity(sizes.contacts)
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
            people.append((c.id, c.firstName, c.phones.first, c.displayName))
            try out.add(c)
        }
        try out.finishContacts()
        // Messages are spread over conversations; each conversation gets at least one when there are enough.
        let base = sizes.conversations > 0 ? sizes.messages / sizes.conversations : 0
        let extra = sizes.conversations > 0 ? sizes.messages % sizes.conversations : 0
        var messageNumber = 0
        for n in 1...max(sizes.conversations, 1) where sizes.conversations > 0 {
            let contact = people[random.below(people.count)]
            let channel = random.pick(channels)
            var c = Conversation(id: Conversations.table.id(n), contact: contact.id, channel: channel, subject: nil,
                                 createdAt: anchor.adding(seconds: -Int64(random.below(90 * 86400))))
            c.assignee = random.below(3) == 0 ? nil : random.pick(users)
            var at = c.createdAt
            var thread: [Message] = []
            let count = base + (n - 1 < extra ? 1 : 0)
            for k in 0..<count {
                messageNumber += 1
                let incoming = k % 2 == 0
                let text = incoming ? random.pick(inbound) : "Hi \(contact.firstName), " + random.pick(outbound).lowercasedFirst
                var m = Message(id: Messages.prefix + String(messageNumber), conversation: c, direction: incoming ? .inbound : .outbound,
                                kind: .message, text: text, at: at)
                if incoming { m.from = contact.phone } else { m.author = c.assignee ?? "alice"; m.state = .sent; m.to = contact.phone }
                // The last message of some open threads is a reply scheduled for later.
                if !incoming && k == count - 1 && random.below(10) == 0 {
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
            try out.add(c, thread: thread, contactName: contact.name)
        }
        try out.finish()
        for (prefix, top) in [(Contacts.table.prefix, sizes.contacts), (Conversations.table.prefix, sizes.conversations), (Messages.prefix, messageNumber)] where top > 0 {
            try Sequences.raise(prefix, to: top, in: tx)
        }
        return Import.Summary(counts: [("user", users.count), ("contact", sizes.contacts),
                                       ("conversation", sizes.conversations), ("message", messageNumber)])
    }
}

/// Writes a fixture's files as they are generated, into `tmp/` (`Transaction.spill`), with the
/// derived indexes built alongside, so a million messages never sit in memory at once. Records
/// come in id order, so each shard is complete when the next one starts.
struct FixtureWriter {
    let tx: Transaction
    private var contactShard: [Contact] = []
    private var addresses: [String: [AddressEntry]] = [:]
    private var conversationShard: [Conversation] = []
    private var responses: [ResponseRecord] = []
    private var locations: [MessageLocation] = []
    private var byContact: [String: [ContactConversation]] = [:]
    private var queue: [QueueEntry] = []
    /// Threads made but not yet written (`flushThreads`), with their conversation ids.
    private var threads: [(conversation: String, thread: [Message])] = []
    /// The word index of the current block of messages (`WordIndex`), written when it is full.
    private var words: WordIndex.Builder
    private var wordBlock: String?
    /// Encoded activity rows by file, with their order.
    private var activity: [String: [(order: (Int64, IDOrder), line: [UInt8])]] = [:]

    init(tx: Transaction, messages: Int) {
        self.tx = tx
        words = WordIndex.Builder(last: messages)
    }

    mutating func add(_ contact: Contact) throws(InboxError) {
        if let last = contactShard.last, Contacts.table.ids.shard(of: contact.id) != Contacts.table.ids.shard(of: last.id) {
            try flushContacts()
        }
        contactShard.append(contact)
        for key in Set(AddressIndex.keys(of: contact)) {
            addresses[AddressIndex.file(for: key), default: []].append(AddressEntry(address: key, contact: contact.id))
        }
    }

    private mutating func flushContacts() throws(InboxError) {
        guard let first = contactShard.first else { return }
        try tx.spill(Contacts.table.shardFile(of: first.id)!, JSONLines.encode(contactShard))
        try tx.spill(ContactSearchIndex.file(for: first.id)!, JSONLines.encode(contactShard.map(ContactSearchEntry.init)))
        contactShard = []
    }

    mutating func finishContacts() throws(InboxError) {
        try flushContacts()
        for (path, entries) in addresses { try tx.spill(path, JSONLines.encode(entries.sorted(by: AddressEntry.sorted))) }
        addresses = [:]
    }

    mutating func add(_ c: Conversation, thread: [Message], contactName: String) throws(InboxError) {
        if let last = conversationShard.last, Conversations.table.ids.shard(of: c.id) != Conversations.table.ids.shard(of: last.id) {
            try flushConversations()
        }
        conversationShard.append(c)
        byContact[Conversations.contactIndexFile(c.contact), default: []].append(ContactConversation(contact: c.contact, conversation: c.id))
        let row = ActivityRow(conversation: c, contactName: contactName)
        activity[ActivityIndex.file(for: c.activityAt), default: []].append((row.order, JSONLines.encode([row])))
        guard !thread.isEmpty else { return }
        if let r = ResponseRecord(conversation: c.id, thread: thread) { responses.append(r) }
        threads.append((c.id, thread))
        if threads.count == Self.threadsAtOnce { try flushThreads() }
    }

    /// How many threads are encoded and written together: enough to keep both cores busy, few
    /// enough that their messages are a small part of the memory budget.
    static let threadsAtOnce = 512

    /// Writes the threads waiting in `threads`: each is encoded and its words found on every
    /// core (a million messages made this two thirds of a fixture, on one thread), the files
    /// written on every core, then the locations, word hits and queue entries taken here, in
    /// message order, as one thread at a time would.
    private mutating func flushThreads() throws(InboxError) {
        guard !threads.isEmpty else { return }
        let pending = threads
        threads = []
        let prepared = Parallel.map(pending) { conversation, thread in
            (bytes: JSONLines.encode(thread), words: thread.map(WordIndex.words(of:)))
        }
        try tx.spill(zip(pending, prepared).map { (Messages.file(forConversation: $0.0.conversation), $0.1.bytes) })
        for ((conversation, thread), (_, words)) in zip(pending, prepared) {
            for (m, messageWords) in zip(thread, words) {
                if let last = locations.last, Messages.indexFile(forMessage: m.id) != Messages.indexFile(forMessage: last.message) {
                    try flushLocations()
                }
                locations.append(MessageLocation(message: m.id, conversation: conversation))
                let block = WordIndex.block(ofMessage: m.id)
                if block != wordBlock { try flushWords(); wordBlock = block }
                self.words.add(m, words: messageWords)
                if let entry = DeliveryQueue.entry(for: m) { queue.append(entry) }
            }
        }
    }

    private mutating func flushConversations() throws(InboxError) {
        guard let first = conversationShard.first else { return }
        try tx.spill(Conversations.table.shardFile(of: first.id)!, JSONLines.encode(conversationShard))
        if !responses.isEmpty { try tx.spill(ResponseIndex.file(for: first.id), JSONLines.encode(responses)) }
        conversationShard = []
        responses = []
    }

    private mutating func flushWords() throws(InboxError) {
        for (path, bytes) in words.sorted().mapValues(WordIndex.encode) { try tx.spill(path, bytes) }
        words.clearBuckets()
    }

    private mutating func flushLocations() throws(InboxError) {
        guard let first = locations.first else { return }
        try tx.spill(Messages.indexFile(forMessage: first.message), JSONLines.encode(locations))
        locations = []
    }

    mutating func finish() throws(InboxError) {
        try flushThreads()
        try flushConversations()
        try flushLocations()
        try flushWords()
        if let recent = words.recentBytes() { try tx.spill(WordIndex.recentFile, recent) }
        let order = { (e: ContactConversation) in (Contacts.table.number(of: e.contact) ?? 0, Conversations.table.number(of: e.conversation) ?? 0) }
        for (path, entries) in byContact {
            try tx.spill(path, JSONLines.encode(entries.map { (order($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)))
        }
        for (path, rows) in activity {
            try tx.spill(path, Array(rows.sorted { $0.order < $1.order }.map(\.line).joined()))
        }
        if !queue.isEmpty { try tx.spill(DeliveryQueue.file, JSONLines.encode(queue.sorted(by: QueueEntry.order))) }
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
