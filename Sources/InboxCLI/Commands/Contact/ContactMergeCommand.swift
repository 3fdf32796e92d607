import InboxCore

struct ContactMergeCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "merge", access: .write, abstract: "Merge duplicate contacts into one",
        arguments: [ArgumentSpec("KEEP", completion: .repository(.contacts), "the contact that stays"),
                    ArgumentSpec("OTHER", variadic: true, completion: .repository(.contacts), "contacts merged into KEEP and then removed")],
        options: [OptionSpec("dry-run", "show what would move and write nothing")],
        discussion: """
            The conversations (with their messages), notes, log entries and tasks of each OTHER move to KEEP; KEEP gains their \
            phones, emails and tags, their do-not-contact settings, and the name, company, owner, disposition and custom fields \
            it lacks (where both have a field, KEEP's value stays and the other is reported). One change, all or nothing. \
            The ids of the merged contacts then stand for KEEP wherever a contact id is taken.
            """,
        examples: ["inbox contact merge ct3 ct7", "inbox contact merge ct3 ct7 ct9 --dry-run"]
    )

    var keep: String
    var others: [String]
    var dryRun: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactMergeCommand {
        guard arguments.positionals.count >= 2 else { throw InboxError.usage("give the contact to keep and at least one contact to merge into it") }
        return ContactMergeCommand(keep: arguments.positionals[0], others: Array(arguments.positionals.dropFirst()), dryRun: arguments.flag("dry-run"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let plan: ContactMergePlan
        if dryRun {
            plan = try context.read { (s) throws(InboxError) in try Contacts.mergePlan(keep: keep, others: others, now: context.now, in: s) }
        } else {
            plan = try context.write { (tx, actor) throws(InboxError) in
                let plan = try Contacts.mergePlan(keep: keep, others: others, now: context.now, in: tx)
                try Contacts.merge(plan, by: actor, now: context.now, in: tx)
                return plan
            }
        }
        var out = CommandOutput()
        out.ids = [plan.result.id]
        out.records = [.object(plan.result.jsonView())]
        out.lines = plan.others.map { other, moving in
            .plain("\(dryRun ? "Would merge" : "Merged") \(other.id) \(other.displayName) into \(plan.result.id) \(plan.result.displayName)"
                   + (moving.isEmpty ? "" : ", moving \(moving.summary)"))
        }
        out.notices = plan.fieldConflicts
        return out
    }
}
