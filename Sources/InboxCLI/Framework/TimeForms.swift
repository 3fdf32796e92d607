/// What completion offers for a TIME value: a few of the forms TimeExpression reads, each one
/// word (a day word is completed, then its clock time is typed).
enum TimeForms {
    static let examples = ["now", "+30m", "+1h", "+1d", "+1w", "-1h", "-1d", "-7d", "-30d", "today", "yesterday", "tomorrow"]
}
