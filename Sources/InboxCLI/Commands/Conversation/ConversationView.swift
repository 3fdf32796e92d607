import InboxCore

/// How conversations and threads look to people.
enum ConversationView {
    static func table(_ conversations: [Conversation], contacts: [String: Contact], actor: String, now: Timestamp) -> TextTable {
        TextTable(
            header: ["", "ID", "CONTACT", "CHANNEL", "SUBJECT", "LAST", "MESSAGE", "ASSIGNEE", "CATEGORY"],
            rows: conversations.map { c in
                let arrow = c.lastDirection == "in" ? "← " : c.lastDirection == "out" ? "→ " : ""
                return [c.unread ? "*" : " ", c.id, contacts[c.contact]?.displayName ?? c.contact, c.channel.rawValue,
                        c.subject ?? "-", c.activityAt.age(relativeTo: now), arrow + (c.preview ?? "-"),
                        c.assignee ?? "-", c.category(for: actor)?.rawValue ?? "-"]
            },
            maxWidths: [2: 24, 4: 24, 6: 48]
        )
    }

    static func header(_ c: Conversation, contact: Contact?, actor: String) -> [CommandOutput.Line] {
        let who = contact.map { "\($0.displayName) (\($0.id))" } ?? c.contact
        var facts = [c.channel.rawValue, c.status.rawValue, c.assignee.map { "assigned to \($0)" } ?? "unassigned"]
        if let category = c.category(for: actor) { facts.append(category.rawValue) }
        return [.heading("\(c.id)  \(who)" + (c.subject.map { " — \($0)" } ?? "")), .dim("  " + facts.joined(separator: " · "))]
    }

    /// The thread, grouped by local date, with states and read receipts.
    static func thread(_ messages: [Message], contact: Contact?, now: Timestamp) -> [CommandOutput.Line] {
        var lines: [CommandOutput.Line] = []
        var day = ""
        for m in messages {
            let when = m.state == .scheduled ? (m.scheduledAt ?? m.at) : m.at
            let local = when.localDescription
            let date = String(local.prefix(10))
            if date != day {
                day = date
                lines.append(.plain(""))
                lines.append(.heading("── \(date) ──"))
            }
            let time = String(local.suffix(5))
            let who: String
            switch (m.direction, m.kind) {
            case (.inbound, _): who = "← " + (contact?.displayName ?? m.contact)
            case (.outbound, .note): who = "✎ note by " + (m.author ?? "?")
            case (.outbound, .message): who = "→ " + (m.auto ? "auto-response" : (m.author ?? "?"))
            }
            var status: [String] = []
            if let state = m.state { status.append(state == .scheduled ? "scheduled for \(when.localDescription)" : state.rawValue) }
            if !m.seenBy.isEmpty { status.append("seen by " + m.seenBy.map { "\($0.by) \($0.at.age(relativeTo: now))" }.joined(separator: ", ")) }
            if let pin = m.pin { status.append("pinned" + (pin.assignee.map { " for \($0)" } ?? "") + (pin.done ? ", done" : "")) }
            lines.append(.plain("  \(time)  \(m.id)  \(who)" + (status.isEmpty ? "" : "  [\(status.joined(separator: "; "))]")))
            for text in m.text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append(.plain("      " + text)) }
            for a in m.attachments { lines.append(.dim("      [\(a.kind.rawValue)] \(a.name) (\(a.size) bytes)")) }
            if let error = m.error { lines.append(.dim("      error: \(error)")) }
        }
        if messages.isEmpty { lines.append(.dim("  no messages yet")) }
        return lines
    }

    /// Contacts of these conversations, read once per shard.
    static func contacts(of conversations: [Conversation], in session: Session) throws(InboxError) -> [String: Contact] {
        var out: [String: Contact] = [:]
        for c in conversations where out[c.contact] == nil {
            if let contact = try Contacts.table.get(c.contact, in: session) { out[c.contact] = contact }
        }
        return out
    }

    static func channel(_ text: String) throws(InboxError) -> Channel {
        guard let channel = Channel(rawValue: text.lowercased()) else {
            throw InboxError.usage("unknown channel '\(text)' (expected one of: \(Channel.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return channel
    }
}
