import InboxCore

struct ReportCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "report", access: .read, abstract: "Conversations per day, first-response times, resolution rate, broken reply-time goals",
        options: [
            OptionSpec("since", value: "TIME", "conversations started at or after TIME"),
            OptionSpec("until", value: "TIME", "conversations started at or before TIME"),
            OptionSpec("assignee", value: "USER", completion: .repository(.users), "only conversations assigned to USER"),
        ],
        discussion: "A first reply is checked against goal.new (default 2h), or goal.missed (4h) when the conversation got the auto-response; later replies in an assigned conversation against goal.yours (the same day). Messages still waiting count as broken once their goal has passed. --json gives every figure, durations in seconds.",
        examples: ["inbox report --since 2026-11-01 --until 2026-11-30", "inbox --json report --assignee alice | jq .first_response"]
    )

    var since: String?
    var until: String?
    var assignee: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ReportCommand {
        try arguments.allowPositionals(0)
        return ReportCommand(since: arguments.value("since"), until: arguments.value("until"), assignee: arguments.value("assignee"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let from = try since.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let to = try until.map { (t) throws(InboxError) in try TimeExpression.resolve(t, now: context.now) }
        let r = try context.read { (s) throws(InboxError) in try Reporting.report(since: from, until: to, assignee: assignee, now: context.now, in: s) }
        func seconds(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        func goal(_ g: InboxReport.Goal) -> JSONValue {
            .object(JSONObject([("goal_seconds", seconds(g.seconds)), ("end_of_day", .bool(g.seconds == nil)),
                                ("checked", .int(Int64(g.checked))), ("broken", .int(Int64(g.broken)))]))
        }
        var out = CommandOutput()
        out.records = [.object(JSONObject([
            ("since", .optional(r.since?.iso)), ("until", .optional(r.until?.iso)), ("assignee", .optional(assignee)),
            ("conversations", .int(Int64(r.conversations))),
            ("per_day", .array(r.perDay.map { .object(JSONObject([("date", .string($0.date)), ("conversations", .int(Int64($0.count)))])) })),
            ("first_response", .object(JSONObject([("count", .int(Int64(r.responseTimes.count))), ("average_seconds", seconds(r.averageResponse)),
                                                    ("median_seconds", seconds(r.medianResponse))]))),
            ("resolution", .object(JSONObject([("closed", .int(Int64(r.closed))), ("total", .int(Int64(r.conversations))),
                                               ("rate", r.resolutionRate.map { .double($0) } ?? .null)]))),
            ("goals", .object(JSONObject([("new", goal(r.newGoal)), ("missed", goal(r.missedGoal)), ("yours", goal(r.yoursGoal))]))),
        ]))]
        out.lines = ReportCommand.sentences(r, assignee: assignee)
        return out
    }

    /// The report for people: every line a sentence a manager could forward as it is.
    static func sentences(_ r: InboxReport, assignee: String?) -> [CommandOutput.Line] {
        func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        func within(_ what: String, _ g: InboxReport.Goal) -> String {
            let goal = "the goal (\(g.seconds.map(DurationText.format) ?? "the same day"))"
            guard g.checked > 0 else { return "\(what) within \(goal): none yet." }
            let kept = g.checked - g.broken
            let missed = g.broken == 0 ? "" : " (\(g.broken) \(g.broken == 1 ? "was" : "were") not)"
            return "\(what) within \(goal): \(kept) of \(g.checked)\(missed)."
        }
        var period = ""
        if let since = r.since { period += " from \(since.localDescription)" }
        if let until = r.until { period += " until \(until.localDescription)" }
        let whose = assignee.map { ", assigned to \($0)" } ?? ""
        var lines: [CommandOutput.Line] = [.heading("\(plural(r.conversations, "conversation")) started\(period)\(whose).")]
        lines += r.perDay.map { .plain("  \($0.date): \(plural($0.count, "conversation")) started.") }
        if let average = r.averageResponse, let median = r.medianResponse {
            lines.append(.plain("\(plural(r.responseTimes.count, "conversation")) got a first reply, after \(DurationText.format(average)) on average (median \(DurationText.format(median)))."))
        } else {
            lines.append(.plain("No conversation has had a first reply yet."))
        }
        let rate = r.resolutionRate.map { " (\(Int(($0 * 100).rounded()))%)" } ?? ""
        lines += [
            .plain(r.conversations == 0 ? "None is closed."
                   : "\(r.closed) of \(plural(r.conversations, "conversation")) \(r.closed == 1 ? "is" : "are") closed\(rate)."),
            .plain(within("New conversations answered", r.newGoal)),
            .plain(within("Missed conversations (auto-response sent) answered", r.missedGoal)),
            .plain(within("Later replies in assigned conversations sent", r.yoursGoal)),
        ]
        return lines
    }
}
