import InboxCore

/// `inbox demo DIR`: a sample repository to try the tool on, made with a fixed clock so it is
/// the same every time.
struct DemoCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "demo", abstract: "Create a sample repository in DIR and list what it holds",
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
            try Config.set(.smsFrom, to: .strings(["+15550199"]), in: tx)
            try Config.set(.signature, to: .string("— Alice, Moreau & Co"), in: tx)
            try Users.add(User(name: "alice", displayName: "Alice Moreau", email: "alice@moreau.example", role: .admin, createdAt: start), in: tx)
            try Users.add(User(name: "bob", displayName: "Bob Lin", email: "bob@moreau.example", role: .agent, createdAt: start), in: tx)
            for (i, sample) in DemoCommand.people.enumerated() {
                var draft = ContactDraft()
                (draft.firstName, draft.lastName) = ContactView.splitName(sample.name)
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
        let contacts = try repo.read { (s) throws(InboxError) in try Contacts.list(ContactFilter(), in: s) }
        var out = CommandOutput()
        out.ids = contacts.map(\.id)
        out.records = contacts.map { .object($0.json) }
        out.lines = [.plain("Created a sample repository in \(repo.storePath) with \(contacts.count) contacts and 2 users."), .plain("")]
        out.lines.append(.table(ContactView.table(contacts, now: context.now)))
        out.lines += [.plain(""), .plain("Try: cd \(directory) && inbox contact list --search lovelace && inbox contact show ct1")]
        return out
    }

    static let people: [(name: String, phone: String, email: String, company: String, tags: [String], note: String?)] = [
        ("Ada Lovelace", "+1 555 0100", "ada@analytical.example", "Analytical Ltd", ["vip"], "Prefers email; sends documents in batches."),
        ("Charles Babbage", "+1 555 0101", "charles@engines.example", "Difference Engines", ["prospect"], nil),
        ("Grace Hopper", "+1 555 0102", "grace@cobol.example", "Navy Systems", ["vip", "tax-2026"], "Quarterly filer; call before 10am."),
        ("Alan Turing", "+44 20 7946 0103", "alan@bletchley.example", "Bletchley Consulting", [], nil),
        ("Katherine Johnson", "+1 555 0104", "katherine@orbit.example", "Orbit Analytics", ["tax-2026"], nil),
        ("Edsger Dijkstra", "+31 20 555 0105", "edsger@paths.example", "Shortest Paths BV", ["prospect"], "Wants everything in writing."),
    ]
}
