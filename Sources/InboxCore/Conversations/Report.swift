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
        // The conversations and their response records, shard by shard: this thread reads a
        // batch of files, every core decodes and tallies them (at 100,000 conversations decoding
        // is nearly all of the cost), and the batch's tallies are added up.
        let filter = Filter(since: since, until: until, assignee: assignee, now: now)
        var days: [Int: Int] = [:]
        let shards = try Conversations.table.shardFiles(in: session)
        let template = report  // goals set, nothing counted yet
        for start in stride(from: 0, to: shards.count, by: 32) {
            let batch = try shards[start..<min(shards.count, start + 32)].map { (shard) throws(InboxError) in
                let responses = ResponseIndex.file(forShard: shard)
                return ShardInput(path: session.displayPath(shard), bytes: try session.bytes(shard) ?? [],
                                  responsesPath: session.displayPath(responses), responses: try session.bytes(responses) ?? [])
            }
            for tally in Parallel.map(batch, { input in Swift.Result { () throws(InboxError) in try tallied(input, filter, from: template) } }) {
                try report.add(tally.get(), days: &days)
            }
        }
        report.perDay = days.keys.sorted().map { (Timestamp.dayText($0), days[$0]!) }
        return report
    }

    struct Filter: Sendable {
        let since: Timestamp?, until: Timestamp?, assignee: String?, now: Timestamp
    }

    struct ShardInput: Sendable {
        let path: String, bytes: [UInt8], responsesPath: String, responses: [UInt8]
    }

    /// One shard's share of the report (its counts, response times and days), starting from
    /// `template`'s goals.
    static func tallied(_ input: ShardInput, _ filter: Filter, from template: InboxReport) throws(InboxError) -> (InboxReport, [Int: Int]) {
        var responses: [String: ResponseRecord] = [:]
        for r in try JSONLines.decode(input.responses, path: input.responsesPath, as: ResponseRecord.self) { responses[r.conversation] = r }
        var report = template
        var days: [Int: Int] = [:]
        for c in try JSONLines.decode(input.bytes, path: input.path, as: Conversation.self) {
            let started = c.firstInboundAt ?? c.createdAt
            if let since = filter.since, started < since { continue }
            if let until = filter.until, started > until { continue }
            if let assignee = filter.assignee, c.assignee != assignee { continue }
            report.conversations += 1
            days[started.localDay, default: 0] += 1
            if c.status == .closed { report.closed += 1 }
            if let r = responses[c.id] { check(r, conversation: c, now: filter.now, into: &report) }
        }
        return (report, days)
    }

    static func goal(_ config: Config, _ key: ConfigKey) -> Int64? {
        guard let text = config.string(key), text != "end-of-day" else { return nil }
        return DurationText.seconds(text)
    }

    /// First response against the new or missed goal; later replies in an assigned
    /// conversation against the "yours" goal; a wait still open counts once its goal passed.
    static func check(_ r: ResponseRecord, conversation c: Conversation, now: Timestamp, into report: inout InboxReport) {
        for (i, wait) in r.waits.enumerated() {
            guard i == 0 || c.assignee != nil else { continue }
            var goal = i > 0 ? report.yoursGoal : r.missed ? report.missedGoal : report.newGoal
            if let answered = wait.answered {
                if i == 0 { report.responseTimes.append(answered.seconds - wait.asked.seconds) }
                judge(&goal, asked: wait.asked, answered: answered)
            } else {
                judgeOpen(&goal, asked: wait.asked, now: now)
            }
            if i > 0 { report.yoursGoal = goal } else if r.missed { report.missedGoal = goal } else { report.newGoal = goal }
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
        return answered.localDay != asked.localDay
    }
}

extension InboxReport {
    /// Adds one shard's tally (counts and goals were started from this report's goals).
    mutating func add(_ tally: (InboxReport, [Int: Int]), days: inout [Int: Int]) {
        let (shard, shardDays) = tally
        conversations += shard.conversations
        closed += shard.closed
        responseTimes += shard.responseTimes
        for goal in [\InboxReport.newGoal, \.missedGoal, \.yoursGoal] {
            self[keyPath: goal].checked += shard[keyPath: goal].checked
            self[keyPath: goal].broken += shard[keyPath: goal].broken
        }
        for (day, count) in shardDays { days[day, default: 0] += count }
    }
}
