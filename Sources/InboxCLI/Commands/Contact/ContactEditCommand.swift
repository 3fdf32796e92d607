import InboxCore

struct ContactEditCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "edit", access: .write, abstract: "Change a contact's details",
        arguments: [ArgumentSpec("ID", completion: .repository(.contacts), "contact id or an unambiguous prefix")],
        options: [
            OptionSpec("name", value: "TEXT", "set first and last name from a full name"),
            OptionSpec("first-name", value: "TEXT", "set the first name"),
            OptionSpec("last-name", value: "TEXT", "set the last name"),
            OptionSpec("phone", value: "NUMBER", repeatable: true, "replace all phone numbers"),
            OptionSpec("add-phone", value: "NUMBER", repeatable: true, "add a phone number"),
            OptionSpec("remove-phone", value: "NUMBER", repeatable: true, "remove a phone number"),
            OptionSpec("email", value: "ADDRESS", repeatable: true, "replace all email addresses"),
            OptionSpec("add-email", value: "ADDRESS", repeatable: true, "add an email address"),
            OptionSpec("remove-email", value: "ADDRESS", repeatable: true, "remove an email address"),
            OptionSpec("company", value: "TEXT", "set the company (empty clears it)"),
            OptionSpec("owner", value: "USER", completion: .repository(.users), "set the owner (empty clears it)"),
            OptionSpec("disposition", value: "TEXT", "set the disposition (empty clears it)"),
            OptionSpec("field", value: "KEY=VALUE", repeatable: true, "set a custom field; KEY= removes it"),
            OptionSpec("remove-field", value: "KEY", repeatable: true, "remove a custom field"),
        ] + ContactView.handleOptions.map { OptionSpec($0.long, value: "USERNAME", $0.help + " (empty removes it)") } + [
            OptionSpec("allow-duplicate", "allow a phone or email that belongs to another contact"),
        ],
        examples: ["inbox contact edit ct1 --add-phone \"+44 20 7946 0000\" --disposition Callback", "inbox contact edit ct1 --owner alice --field plan=gold"]
    )

    var id: String
    var changes: ContactChanges
    var allowDuplicate: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactEditCommand {
        try arguments.allowPositionals(1)
        let id = try arguments.positional(0, "contact ID")
        var changes = ContactChanges()
        if let full = arguments.value("name") {
            let (first, last) = Contacts.splitName(full)
            changes.firstName = first
            changes.lastName = last
        }
        if let first = arguments.value("first-name") { changes.firstName = first }
        if let last = arguments.value("last-name") { changes.lastName = last }
        if arguments.has("phone") { changes.phones = arguments.list("phone") }
        changes.addPhones = arguments.list("add-phone")
        changes.removePhones = arguments.list("remove-phone")
        if arguments.has("email") { changes.emails = arguments.list("email") }
        changes.addEmails = arguments.list("add-email")
        changes.removeEmails = arguments.list("remove-email")
        changes.company = arguments.value("company")
        if let owner = arguments.value("owner") {
            changes.owner = owner.isEmpty ? "" : try UserName.validated(owner)
        }
        changes.disposition = arguments.value("disposition")
        changes.setFields = try arguments.list("field").map { (f) throws(InboxError) in try CustomFields.parse(f) }
        changes.removeFields = arguments.list("remove-field")
        changes.handles = ContactView.handles(arguments)
        let touched = ["name", "first-name", "last-name", "phone", "add-phone", "remove-phone", "email", "add-email",
                       "remove-email", "company", "owner", "disposition", "field", "remove-field"] + Handle.channels.map(\.rawValue)
        guard touched.contains(where: arguments.has) else {
            throw InboxError.usage("nothing to change: give at least one option, such as --company or --add-phone")
        }
        return ContactEditCommand(id: id, changes: changes, allowDuplicate: arguments.flag("allow-duplicate"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let contact = try context.write { (tx, _) throws(InboxError) in
            try Contacts.edit(id, changes, allowDuplicate: allowDuplicate, now: context.now, in: tx)
        }
        return .record(contact.id, contact.jsonView(), "Updated contact \(contact.id) \(contact.displayName)")
    }
}
