import InboxCore

struct MessageListCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "list", access: .read, abstract: "List messages oldest first: a thread, a contact's, or all",
        options: [
            OptionSpec("conversation", value: "ID", completion: .repository(.conversations), "one conversation's thread"),
            OptionSpec("contact", value: "ID", completion: .repository(.contacts), "every conversation of this contact"),
            OptionSpec("state", value: "STATE", completion: .cases(Message.State.self), "only outbound messages in this state"),
            OptionSpec("pinned", "only pinned messages (the to-do panel)"),
            OptionSpec("scheduled", "only pending sends, soonest first: scheduled ones (OVERDUE once their time has passed unsent), and failed ones awaiting a retry (WHEN is the retry time)"),
            OptionSpec("search", value: "TEXT", "only messages holding every word of TEXT (case and accents do not count)"),
            OptionSpec("since", value: "TIME", "only messages at or after TIME"),
            OptionSpec("until", value: "TIME", "only messages at or before TIME"),
            OptionSpec("limit", short: "n", value: "N", "only the last N"),
        ],
        discussion: "--search matches whole words of the message text and attachment names: letters and digits, upper or lower case, with or without accents (\"resume\" finds \"Résumé\"); every word given must be in the message. It reads the word index under .inbox/index/words, so it stays fast however many messages there are.",
        examples: ["inbox message list --conversation cv1", "inbox message list --search \"w-2 upload\" --since -30d", "inbox message list --scheduled", "inbox message list --pinned", "inbox message list --state failed -q"]
    )

    var filter: MessageFilter
    var since: String?
    var until: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageListCommand {
        try arguments.allowPositionals(0)
        try arguments.exclusive("conversation", "contact")
        var filter = MessageFilter()
        filter.conversation = arguments.value("conversation")
        filter.contact = arguments.value("contact")
        filter.state = try arguments.choice("state", Message.State.self)
        filter.pinned = arguments.flag("pinned")
        filter.scheduled = arguments.flag("scheduled")
        try arguments.exclusive("scheduled", "state")
        for option in ["search", "since", "until"] { try arguments.exclusive("scheduled", option) }
        filter.search = arguments.value("search")
        filter.limit = try arguments.int("limit")
        return MessageListCommand(filter: filter, since: arguments.value("since"), until: arguments.value("until"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var filter = self.filter
        filter.since = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        filter.until = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let (messages, timeout) = try context.read { (s) throws(InboxError) in
            (try Messages.list(filter, in: s), filter.scheduled ? try DeliveryHook.timeout(s) : 0)
        }
        var out = CommandOutput()
        // Pending sends that nothing delivers: a flush stuck holding the flush lock.
        if filter.scheduled, let stuck = Flush.stuckFlush(try context.repository(), timeout: timeout) { out.notices = ["warning: \(stuck)"] }
        // Due and still scheduled: no flush has run since (cron is not running, or failing).
        let overdue = messages.filter { $0.isOverdue(now: context.now) }
        if !overdue.isEmpty {
            // A warning names a few ids, not ten thousand: the listing itself has them all.
            let named = overdue.prefix(5).map(\.id).joined(separator: ", ") + (overdue.count > 5 ? ", and \(overdue.count - 5) more" : "")
            out.notices.append("warning: \(overdue.count) scheduled message(s) overdue (\(named)): their time has passed and no flush has sent them; is 'inbox message flush' running from cron?")
        }
        out.ids = messages.map(\.id)
        out.records = messages.map { m in
            var json = m.jsonView()
            if m.state == .scheduled { json.append("overdue", .bool(m.isOverdue(now: context.now))) }
            return .object(json)
        }
        if !messages.isEmpty { out.lines = [.table(MessageView.table(messages, now: context.now))] }
        return out
    }
}

enum MessageView {
    static func table(_ messages: [Message], now: Timestamp) -> TextTable {
        TextTable(
            header: ["ID", "CONVERSATION", "WHEN", "DIR", "KIND", "STATE", "BY", "TEXT", "PIN"],
            rows: messages.map { m in
                let when = m.state == .scheduled ? (m.scheduledAt ?? m.at).localDescription + (m.isOverdue(now: now) ? " OVERDUE" : "")
                    : m.state == .failed && m.retryAt != nil ? "retry " + m.retryAt!.localDescription : m.at.localDescription
                return [m.id, m.conversation, when, m.direction == .inbound ? "←" : "→", m.kind.rawValue,
                        m.state?.rawValue ?? "-", m.direction == .inbound ? m.contact : (m.auto ? "auto" : m.author ?? "-"), m.text,
                        m.pin.map { ($0.done ? "done" : "to-do") + ($0.assignee.map { " @\($0)" } ?? "") } ?? "-"]
            },
            maxWidths: [7: 50], fitColumn: 7
        )
    }

    static func details(_ m: Message, now: Timestamp) -> [CommandOutput.Line] {
        var fields: [(String, String)] = [
            ("Conversation", m.conversation), ("Contact", m.contact), ("Channel", m.channel.rawValue),
            ("Direction", m.direction == .inbound ? "in (from the contact)" : "out"), ("Kind", m.kind.rawValue + (m.auto ? " (auto-response)" : "")),
            ("State", m.state?.rawValue ?? "-"), ("At", m.at.localDescription),
        ]
        if let when = m.scheduledAt {
            let overdue = m.isOverdue(now: now) ? " OVERDUE: not sent; is 'inbox message flush' running from cron?" : ""
            fields.append(("Scheduled", when.localDescription + " (" + when.age(relativeTo: now) + ")" + overdue))
        }
        if let author = m.author { fields.append(("By", author)) }
        if let from = m.from { fields.append(("From", from)) }
        if let to = m.to { fields.append(("To", to)) }
        if !m.cc.isEmpty { fields.append(("Cc", m.cc.joined(separator: ", "))) }
        if let template = m.template { fields.append(("Template", template)) }
        for a in m.attachments { fields.append(("Attachment", "\(a.name) (\(a.kind.rawValue), \(a.size) bytes) \(a.path)")) }
        if let pin = m.pin { fields.append(("Pinned", "by \(pin.by) \(pin.at.age(relativeTo: now))" + (pin.assignee.map { ", for \($0)" } ?? "") + (pin.done ? ", done" : ", to do"))) }
        if m.attempts > 0 { fields.append(("Attempts", String(m.attempts))) }
        if let retry = m.retryAt, m.state == .failed { fields.append(("Next retry", retry.localDescription + " (" + retry.age(relativeTo: now) + ")")) }
        if let error = m.error { fields.append(("Error", error)) }
        if let provider = m.providerID { fields.append(("Provider id", provider)) }
        let width = fields.map { $0.0.count }.max() ?? 0
        var lines: [CommandOutput.Line] = [.heading(m.id)]
        lines += fields.map { .plain("  " + $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1) }
        lines.append(.plain(""))
        lines += m.text.split(separator: "\n", omittingEmptySubsequences: false).map { .plain("  " + $0) }
        lines.append(.plain(""))
        lines.append(.heading("Seen by (\(m.seenBy.count))"))
        if m.seenBy.isEmpty { lines.append(.dim("  nobody yet")) }
        for receipt in m.seenBy { lines.append(.plain("  \(receipt.by)  \(receipt.at.localDescription)")) }
        return lines
    }
}
