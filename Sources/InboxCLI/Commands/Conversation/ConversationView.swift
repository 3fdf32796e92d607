import InboxCore

/// How conversations and threads look to people.
enum ConversationView {
    /// `names`: each contact's display name, by contact id.
    static func table(_ conversations: [Conversation], contacts names: [String: String], actor: String, now: Timestamp) -> TextTable {
        TextTable(
            header: ["", "ID", "CONTACT", "CHANNEL", "SUBJECT", "LAST", "MESSAGE", "ASSIGNEE", "CATEGORY"],
            rows: conversations.map { c in
                let arrow = c.lastDirection == "in" ? "← " : c.lastDirection == "out" ? "→ " : ""
                return [c.unread ? "*" : " ", c.id, names[c.contact] ?? c.contact, c.channel.rawValue,
                        c.subject ?? "-", c.activityAt.age(relativeTo: now), arrow + (c.preview ?? "-"),
                        c.assignee ?? "-", c.category(for: actor)?.rawValue ?? "-"]
            },
            maxWidths: [2: 24, 4: 24, 6: 48], fitColumn: 6
        )
    }

    static func header(_ c: Conversation, contact: Contact?, actor: String) -> [CommandOutput.Line] {
        let who = contact.map { "\($0.displayName) (\($0.id))" } ?? c.contact
        var facts = [c.channel.rawValue, c.status.rawValue, c.assignee.map { "assigned to \($0)" } ?? "unassigned"]
        if let category = c.category(for: actor) { facts.append(category.rawValue) }
        return [.heading("\(c.id)  \(who)" + (c.subject.map { " — \($0)" } ?? "")), .dim("  " + facts.joined(separator: " · "))]
    }

    /// Anything that happened with a contact, in time order, grouped by local date.
    static func timeline(_ items: [TimelineItem], contact: Contact?, now: Timestamp) -> [CommandOutput.Line] {
        var lines: [CommandOutput.Line] = []
        var day = ""
        for item in items.sorted(by: { $0.sortKey < $1.sortKey }) {
            let local = item.at.localDescription
            let date = String(local.prefix(10))
            if date != day {
                day = date
                lines.append(.plain(""))
                lines.append(.heading("── \(date) ──"))
            }
            lines += item.lines(time: String(local.suffix(5)), contact: contact, now: now)
        }
        if items.isEmpty { lines.append(.dim("  nothing yet")) }
        return lines
    }

    /// Contacts of these conversations, each shard read once and only their lines parsed.
    static func contacts(of conversations: [Conversation], in session: Session) throws(InboxError) -> [String: Contact] {
        try Contacts.table.records(withIDs: Set(conversations.map(\.contact)), in: session)
    }

    /// A `--channel` value, in any case.
    static func channel(_ text: String) throws(InboxError) -> Channel {
        try ParsedArguments.parse(text, as: Channel.self, option: "channel", ignoringCase: true)
    }
}
