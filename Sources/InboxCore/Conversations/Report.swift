/// `inbox report`: how the inbox is doing over a period — conversations per day, first-response
/// times, resolution rate, and replies that broke the reply-time goals (the reference's: new
/// within 2 hours, missed within 4 hours, yours the same day; `goal.*` settings change them).
public struct InboxReport: Sendable {
    public struct Goal: Sendable {
        /// The goal in seconds, or nil for "by the end of the same day".
        public var seconds: Int64?
        public var checked = 0
        public var broken = 0
    }

    public var since: Timestamp?
    public var until: Timestamp?
    public var conversations = 0
    /// Local date → conversations started that day.
    public var perDay: [(date: String, count: Int)] = []
    public var responseTimes: [Int64] = []
    public var closed = 0
    public var newGoal = Goal()
    public var missedGoal = Goal()
    public var yoursGoal = Goal()

    public var averageResponse: Int64? { responseTimes.isEmpty ? nil : responseTimes.reduce(0, +) / Int64(responseTimes.count) }

    public var medianResponse: Int64? {
        guard !responseTimes.isEmpty else { return nil }
        let sorted = responseTimes.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    public var resolutionRate: Double? { conversations == 0 ? nil : Double(closed) / Double(conversations) }
}

public enum Reporting {
    /// Conversations started in [since, until], optionally only those assigned to `assignee`.
    public static func report(since: Timestamp?, until: Timestamp?, assignee: String?, now: Timestamp,
                              in session: Session) throws(InboxError) -> InboxReport {
        let config = try Config.load(session)
        var report = InboxReport()
        report.since = since
        report.until = until
        report.newGoal.seconds = goal(config, .goalNew)
        report.missedGoal.seconds = goal(config, .goalMissed)
        report.yoursGoal.seconds = goal(config, .goalYours)
        var days: [String: Int] = [:]
        for c in try Conversations.table.all(in: session) {
            let started = c.firstInboundAt ?? c.createdAt
            if let since, started < since { continue }
            if let until, started > until { continue }
            if let assignee, c.assignee != assignee { continue }
            report.conversations += 1
            days[String(started.localDescription.prefix(10)), default: 0] += 1
            if c.status == .closed { report.closed += 1 }
            let thread = try Messages.of(c.id, in: session).filter(ConversationSummary.inThread)
                .sorted { ($0.at.seconds, Messages.number(of: $0.id) ?? 0) < ($1.at.seconds, Messages.number(of: $1.id) ?? 0) }
            check(thread, conversation: c, now: now, into: &report)
        }
        report.perDay = days.keys.sorted().map { ($0, days[$0]!) }
        return report
    }

    static func goal(_ config: Config, _ key: ConfigKey) -> Int64? {
        guard let text = config.string(key), text != "end-of-day" else { return nil }
        return DurationText.seconds(text)
    }

    /// First response against the new or missed goal; later replies in an assigned
    /// conversation against the "yours" goal.
    static func check(_ thread: [Message], conversation c: Conversation, now: Timestamp, into report: inout InboxReport) {
        let isReply = { (m: Message) in m.direction == .outbound && m.kind == .message && !m.auto }
        let wasMissed = thread.contains { $0.auto }
        var waitingSince: Timestamp?
        var firstAnswered = false
        for m in thread {
            if m.direction == .inbound {
                if waitingSince == nil { waitingSince = m.at }
            } else if isReply(m), let asked = waitingSince {
                let took = m.at.seconds - asked.seconds
                if !firstAnswered {
                    report.responseTimes.append(took)
                    if wasMissed { judge(&report.missedGoal, asked: asked, answered: m.at) } else { judge(&report.newGoal, asked: asked, answered: m.at) }
                    firstAnswered = true
                } else if c.assignee != nil {
                    judge(&report.yoursGoal, asked: asked, answered: m.at)
                }
                waitingSince = nil
            }
        }
        // Still unanswered: broken once the goal has passed.
        if let asked = waitingSince {
            if !firstAnswered {
                if wasMissed { judgeOpen(&report.missedGoal, asked: asked, now: now) } else { judgeOpen(&report.newGoal, asked: asked, now: now) }
            } else if c.assignee != nil {
                judgeOpen(&report.yoursGoal, asked: asked, now: now)
            }
        }
    }

    static func judge(_ goal: inout InboxReport.Goal, asked: Timestamp, answered: Timestamp) {
        goal.checked += 1
        if broke(goal.seconds, asked: asked, answered: answered) { goal.broken += 1 }
    }

    static func judgeOpen(_ goal: inout InboxReport.Goal, asked: Timestamp, now: Timestamp) {
        guard broke(goal.seconds, asked: asked, answered: now) else { return }
        goal.checked += 1
        goal.broken += 1
    }

    static func broke(_ seconds: Int64?, asked: Timestamp, answered: Timestamp) -> Bool {
        if let seconds { return answered.seconds - asked.seconds > seconds }
        return answered.localDescription.prefix(10) != asked.localDescription.prefix(10)
    }
}
