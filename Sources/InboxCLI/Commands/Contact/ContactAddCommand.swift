import InboxCore

struct ContactAddCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "add", access: .write, abstract: "Add a contact and print its id",
        arguments: [ArgumentSpec("NAME", optional: true, "full name: \"Ada Lovelace\" or \"Lovelace, Ada\"")],
        options: [
            OptionSpec("first-name", value: "TEXT", "set the first name exactly"),
            OptionSpec("last-name", value: "TEXT", "set the last name exactly"),
            OptionSpec("phone", value: "NUMBER", repeatable: true, "phone number, stored in E.164 where possible"),
            OptionSpec("email", value: "ADDRESS", repeatable: true, "email address"),
            OptionSpec("company", value: "TEXT", "company name"),
            OptionSpec("owner", value: "USER", completion: .repository(.users), "the user who owns this contact"),
            OptionSpec("disposition", value: "TEXT", "disposition, e.g. Callback or Not Interested"),
            OptionSpec("tag", value: "TAG", repeatable: true, completion: .repository(.tags), "tag"),
            OptionSpec("field", value: "KEY=VALUE", repeatable: true, "custom field"),
        ] + ContactView.handleOptions + [
            OptionSpec("allow-duplicate", "add even if a phone or email already belongs to another contact"),
        ],
        discussion: "A phone number or email address that already belongs to a contact is refused (exit 1) unless --allow-duplicate is given.",
        examples: [
            "inbox contact add \"Ada Lovelace\" --phone \"+1 212 555 0100\" --email ada@example.com --company \"Analytical Ltd\"",
            "inbox contact add --first-name Mary --last-name \"Ann Smith\" --field source=referral",
        ]
    )

    var draft: ContactDraft
    var allowDuplicate: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactAddCommand {
        try arguments.allowPositionals(1)
        var draft = ContactDraft()
        if let name = arguments.positionals.first {
            (draft.firstName, draft.lastName) = Contacts.splitName(name)
        }
        if let first = arguments.value("first-name") { draft.firstName = first.trimmingWhitespace() }
        if let last = arguments.value("last-name") { draft.lastName = last.trimmingWhitespace() }
        draft.phones = arguments.list("phone")
        draft.emails = arguments.list("email")
        draft.company = arguments.value("company")
        draft.owner = try arguments.value("owner").map { (o) throws(InboxError) in try UserName.validated(o) }
        draft.disposition = arguments.value("disposition")
        draft.tags = try arguments.list("tag").map { (t) throws(InboxError) in try Tags.validated(t) }
        draft.fields = try arguments.list("field").map { (f) throws(InboxError) in try CustomFields.parse(f) }
        draft.handles = ContactView.handles(arguments)
        return ContactAddCommand(draft: draft, allowDuplicate: arguments.flag("allow-duplicate"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let contact = try context.write { (tx, _) throws(InboxError) in
            try Contacts.add(draft, allowDuplicate: allowDuplicate, now: context.now, in: tx)
        }
        return .record(contact.id, contact.jsonView(), "Added contact \(contact.id) \(contact.displayName)")
    }
}
