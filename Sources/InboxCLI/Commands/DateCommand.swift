import InboxCore

struct DateCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "date", access: .none, abstract: "Print what time expressions resolve to, in local time and UTC, one line each",
        arguments: [ArgumentSpec("EXPR", variadic: true, completion: .choices(TimeForms.examples),
                                 "a time: 2026-11-23T09:00, now, +30m, -7d, 1h30m, +1h30m, today 17:00, yesterday, yesterday 17:00, tomorrow 9:00, mon 9:00")],
        discussion: "Several expressions may be given; a day word (today, tomorrow, yesterday, a weekday) or a date takes the clock time after it, so 'inbox date tomorrow 9:00 -7d' prints two lines.",
        examples: ["inbox date tomorrow 9:00", "inbox date -7d yesterday 'yesterday 17:00' 1h30m", "inbox --now 2026-03-07T12:00 date +1d"]
    )

    var expressions: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> DateCommand {
        _ = try arguments.positional(0, "time EXPR")
        return DateCommand(expressions: grouped(arguments.positionals))
    }

    /// The words of the arguments, as expressions: a day word or an ISO date followed by a clock
    /// time (`tomorrow 9:00`, `2026-11-23 09:00`) is one expression, whether quoted or not.
    static func grouped(_ arguments: [String]) -> [String] {
        let words = arguments.flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        var expressions: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if index + 1 < words.count, takesClock(word), looksLikeClock(words[index + 1]) {
                expressions.append(word + " " + words[index + 1])
                index += 2
            } else {
                expressions.append(word)
                index += 1
            }
        }
        return expressions
    }

    static func takesClock(_ word: String) -> Bool {
        let lower = word.lowercased()
        let days = ["today", "tomorrow", "yesterday", "sun", "mon", "tue", "wed", "thu", "fri", "sat", "sunday", "monday",
                    "tuesday", "wednesday", "thursday", "friday", "saturday", "tues", "wednes", "thur", "thurs"]
        if days.contains(lower) { return true }
        let b = Array(word.utf8)
        return b.count == 10 && b[4] == 0x2D && b[7] == 0x2D
    }

    static func looksLikeClock(_ word: String) -> Bool {
        guard let first = word.first, first.isNumber else { return false }
        // A bare hour (`today 9`) stays with its day so the refusal can say to write 9:00.
        if word.count <= 2, word.allSatisfy(\.isNumber) { return true }
        let lower = word.lowercased()
        return lower.contains(":") || lower.hasSuffix("am") || lower.hasSuffix("pm")
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var out = CommandOutput()
        for expression in expressions {
            let t = try TimeExpression.resolve(expression, now: context.now)
            out.lines.append(.plain("\(t.localDescription) local (\(t.age(relativeTo: context.now)))  \(t.iso)" + (expressions.count > 1 ? "  \(expression)" : "")))
            out.ids.append(t.iso)
            out.records.append(.object(JSONObject([("input", .string(expression)), ("at", .string(t.iso)), ("local", .string(t.localDescription))])))
        }
        return out
    }
}
