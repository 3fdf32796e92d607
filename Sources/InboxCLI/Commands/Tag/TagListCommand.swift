import InboxCore

struct TagListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "tag", verb: "list", access: .read, abstract: "List the tags in use, each with how many contacts have it",
        options: [TagOrder.option],
        discussion: "Tags compare ignoring case; each is shown as first written. Tag contacts with 'inbox contact tag'.",
        examples: ["inbox tag list", "inbox tag list --sort count", "inbox contact list --tag vip"]
    )

    var order: TagOrder?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> TagListCommand {
        try arguments.allowPositionals(0)
        return TagListCommand(order: try TagOrder.parse(arguments))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var tags = try context.read { (s) throws(InboxError) in try Tags.counts(in: s) }
        if order == .count { tags = stable(tags) { $0.contacts > $1.contacts } }
        var out = CommandOutput()
        out.ids = tags.map(\.tag)
        out.records = tags.map { .object(JSONObject([("tag", .string($0.tag)), ("contacts", .int(Int64($0.contacts)))])) }
        if !tags.isEmpty {
            out.lines = [.table(TextTable(header: ["TAG", "CONTACTS"], rows: tags.map { [$0.tag, String($0.contacts)] }))]
        }
        return out
    }
}

enum TagOrder: String, ListOrder {
    case name, count
    static let option = sortOption("name (A to Z, ignoring case; the default) or count (most contacts first)")
}
