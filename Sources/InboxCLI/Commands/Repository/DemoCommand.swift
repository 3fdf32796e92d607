import InboxCore

/// `inbox demo DIR`: a sample repository to try the tool on, made with a fixed clock so it is
/// the same every time.
struct DemoCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "demo", access: .write, abstract: "Create a sample repository in DIR and list what it holds",
        arguments: [ArgumentSpec("DIR", completion: .directory, "a new or empty directory for the sample repository")],
        examples: ["inbox demo /tmp/inbox-demo && cd /tmp/inbox-demo && inbox contact list"]
    )

    var directory: String

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> DemoCommand {
        try arguments.allowPositionals(1)
        return DemoCommand(directory: try arguments.positional(0, "DIR"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let (repo, created) = try Repository.initialize(at: directory, lockTimeout: try context.lockTimeout)
        guard created else {
            throw InboxError.refused("\(repo.storePath) already exists; give demo a new directory")
        }
        let start = try TimeExpression.resolve("2026-11-16T09:00:00Z", now: context.now)
        try repo.write { (tx) throws(InboxError) in
            try Config.set(.userName, to: .string("alice"), in: tx)
            try Config.set(.smsFrom, to: .strings(["+12125550199"]), in: tx)
            try Config.set(.phoneRegion, to: .string("US"), in: tx)
            try Users.add(User(name: "alice", displayName: "Alice Moreau", email: "alice@moreau.example", role: .admin,
                               signature: "— Alice Moreau, Moreau & Co", createdAt: start), in: tx)
            try Users.add(User(name: "bob", displayName: "Bob Lin", email: "bob@moreau.example", role: .agent,
                               signature: "— Bob Lin, Moreau & Co", createdAt: start), in: tx)
            for (i, sample) in DemoCommand.people.enumerated() {
                var draft = ContactDraft()
                (draft.firstName, draft.lastName) = Contacts.splitName(sample.name)
                draft.phones = [sample.phone]
                draft.emails = [sample.email]
                draft.company = sample.company
                draft.owner = i % 2 == 0 ? "alice" : "bob"
                draft.tags = sample.tags
                let at = start.adding(seconds: Int64(i) * 5400)
                let contact = try Contacts.add(draft, allowDuplicate: false, now: at, in: tx)
                if let note = sample.note {
                    _ = try ContactNotes.add(to: contact, text: note, author: "alice", now: at.adding(seconds: 600), in: tx)
                }
            }
        }
        try repo.write { (tx) throws(InboxError) in try DemoCommand.addConversations(start: start, in: tx) }
        let (contacts, conversations, names) = try repo.read { (s) throws(InboxError) in
            let listing = try Conversations.list(ConversationFilter(), actor: "alice", in: s)
            return (try Contacts.list(ContactFilter(), in: s), listing.conversations, listing.contactNames)
        }
        var out = CommandOutput()
        out.ids = conversations.map(\.id)
        out.records = conversations.map { .object($0.jsonView(for: "alice")) }
        out.lines = [.plain("Created a sample repository in \(repo.storePath): \(contacts.count) contacts, \(conversations.count) open conversations, 2 users."), .plain("")]
        out.lines.append(.table(ContactView.table(contacts, now: context.now)))
        out.lines.append(.plain(""))
        out.lines.append(.table(ConversationView.table(conversations, contacts: names, actor: "alice", now: context.now)))
        out.lines += [.plain(""), .plain("Try: cd \(directory) && inbox conversation list --category new && inbox conversation open cv1 && inbox message list --state scheduled")]
        return out
    }

    /// A morning's inbox: customers writing in, replies, a note, an assignment, a send-later.
    static func addConversations(start: Timestamp, in tx: Transaction) throws(InboxError) {
        func receive(_ contact: String, _ channel: Channel, _ text: String, minutes: Int64) throws(InboxError) {
            var request = InboundRequest(channel: channel, text: text)
            request.contact = contact
            _ = try Receiving.receive(request, now: start.adding(seconds: 86400 * 4 + minutes * 60), in: tx)
        }
        func send(_ conversation: String, _ text: String, minutes: Int64, note: Bool = false, later: Int64? = nil) throws(InboxError) {
            var request = OutboundRequest()
            request.conversation = conversation
            request.text = text
            request.note = note
            let now = start.adding(seconds: 86400 * 4 + minutes * 60)
            request.scheduledAt = later.map { now.adding(seconds: $0) }
            _ = try Outbox.prepare(request, actor: "alice", now: now, hookInstalled: false, in: tx)
        }
        try receive("ct1", .sms, "Hi, can you send the form?", minutes: 0)
        try receive("ct3", .email, "Quarterly figures attached. Anything else you need?", minutes: 12)
        try receive("ct5", .whatsapp, "Is my return filed yet?", minutes: 30)
        _ = try Conversations.assign(["cv2"], to: "alice", now: start.adding(seconds: 86400 * 4 + 15 * 60), in: tx)
        try send("cv2", "Thanks {first_name}, that is everything for this quarter.", minutes: 20)
        try send("cv2", "Remind Grace about the Q4 estimate", minutes: 21, note: true)
        try send("cv2", "Reminder: the Q4 estimate is due Friday.", minutes: 22, later: 3 * 86400)
        _ = try Conversations.assign(["cv3"], to: "bob", now: start.adding(seconds: 86400 * 4 + 35 * 60), in: tx)
    }

    static let people: [(name: String, phone: String, email: String, company: String, tags: [String], note: String?)] = [
        ("Ada Lovelace", "+1 212 555 0100", "ada@analytical.example", "Analytical Ltd", ["vip"], "Prefers email; sends documents in batches."),
        ("Charles Babbage", "+1 212 555 0101", "charles@engines.example", "Difference Engines", ["prospect"], nil),
        ("Grace Hopper", "+1 212 555 0102", "grace@cobol.example", "Navy Systems", ["vip", "tax-2026"], "Quarterly filer; call before 10am."),
        ("Alan Turing", "+44 20 7946 0103", "alan@bletchley.example", "Bletchley Consulting", [], nil),
        ("Katherine Johnson", "+1 212 555 0104", "katherine@orbit.example", "Orbit Analytics", ["tax-2026"], nil),
        ("Edsger Dijkstra", "+31 20 555 0105", "edsger@paths.example", "Shortest Paths BV", ["prospect"], "Wants everything in writing."),
    ]
}
