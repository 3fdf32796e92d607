import InboxCore

/// One thing in a thread or a contact's timeline: a message or note, a log entry (a call, a
/// meeting…), a contact note, or a client task.
enum TimelineItem {
    case message(Message)
    case log(LogEntry)
    case contactNote(ContactNote)
    case task(ClientTask)

    var at: Timestamp {
        switch self {
        case .message(let m): return m.state == .scheduled ? (m.scheduledAt ?? m.at) : m.at
        case .log(let e): return e.at
        case .contactNote(let n): return n.at
        case .task(let t): return t.createdAt
        }
    }

    var id: String {
        switch self {
        case .message(let m): return m.id
        case .log(let e): return e.id
        case .contactNote(let n): return n.id
        case .task(let t): return t.id
        }
    }

    var sortKey: (Int64, String) { (at.seconds, id) }

    func lines(time: String, contact: Contact?, now: Timestamp) -> [CommandOutput.Line] {
        switch self {
        case .message(let m): return TimelineItem.message(m, time: time, contact: contact, now: now)
        case .log(let e):
            var facts = [e.kind.rawValue]
            if let d = e.direction { facts.append(d == .inbound ? "incoming" : "outgoing") }
            if let o = e.outcome { facts.append(o.rawValue) }
            if let s = e.durationSeconds { facts.append(DurationText.format(s)) }
            var lines: [CommandOutput.Line] = [.plain("  \(time)  \(e.id)  ☎ \(facts.joined(separator: ", ")) by \(e.author)")]
            lines += e.text.split(separator: "\n", omittingEmptySubsequences: false).map { .plain("      " + $0) }
            // The file's own name; where it is stored inside .inbox is no business of a reader's.
            if let r = e.recording { lines.append(.dim("      [recording] \(r.name) (\(r.size) bytes)")) }
            return lines
        case .contactNote(let n):
            return [.plain("  \(time)  \(n.id)  ✎ contact note by \(n.author)")] + n.text.split(separator: "\n", omittingEmptySubsequences: false).map { .plain("      " + $0) }
        case .task(let t):
            let due = t.due.map { ", due \($0.localDescription)" } ?? ""
            return [.plain("  \(time)  \(t.id)  ☐ task (\(t.kind.rawValue), \(t.state.rawValue)\(due))"), .plain("      " + t.text)]
        }
    }

    static func message(_ m: Message, time: String, contact: Contact?, now: Timestamp) -> [CommandOutput.Line] {
        let who: String
        switch (m.direction, m.kind) {
        case (.inbound, _): who = "← " + (contact?.displayName ?? m.contact)
        case (.outbound, .note): who = "✎ note by " + (m.author ?? "?")
        case (.outbound, .message): who = "→ " + (m.auto ? "auto-response" : (m.author ?? "?"))
        }
        var status: [String] = []
        if let state = m.state {
            if state != .scheduled { status.append(state.rawValue) }
            else if m.isOverdue(now: now) { status.append("OVERDUE: scheduled for \((m.scheduledAt ?? m.at).localDescription) and not sent (is 'inbox message flush' running from cron?)") }
            else { status.append("scheduled for \((m.scheduledAt ?? m.at).localDescription)") }
        }
        if !m.seenBy.isEmpty { status.append("seen by " + m.seenBy.map { "\($0.by) \($0.at.age(relativeTo: now))" }.joined(separator: ", ")) }
        if let pin = m.pin { status.append("pinned" + (pin.assignee.map { " for \($0)" } ?? "") + (pin.done ? ", done" : "")) }
        var lines: [CommandOutput.Line] = [.plain("  \(time)  \(m.id)  \(who)" + (status.isEmpty ? "" : "  [\(status.joined(separator: "; "))]"))]
        lines += m.text.split(separator: "\n", omittingEmptySubsequences: false).map { .plain("      " + $0) }
        lines += m.attachments.map { .dim("      [\($0.kind.rawValue)] \($0.name) (\($0.size) bytes)") }
        if let error = m.error { lines.append(.dim("      error: \(error)")) }
        return lines
    }
}
