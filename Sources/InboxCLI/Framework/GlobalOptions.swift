import InboxCore

/// Options every command takes, before the noun or after the verb.
public struct GlobalOptions: Sendable {
    public var repo: String?
    public var actingUser: String?
    public var now: String?
    public var json = false
    public var quiet = false
    public var noColor = false
    public var noPager = false
    public var lockTimeout: String?
    public var version = false
    public var help = false

    public init() {}

    public static let specs: [OptionSpec] = [
        OptionSpec("repo", value: "DIR", completion: .directory, "the repository: the directory holding .inbox (env INBOX_REPO)"),
        OptionSpec("as", value: "USER", completion: .repository(.users), "act as this user (env INBOX_USER; default: config user.name, then $USER)"),
        OptionSpec("now", value: "TIME", "fix the clock, for reproducible runs (env INBOX_NOW)"),
        OptionSpec("json", "print JSON Lines: one object per record, UTC timestamps"),
        OptionSpec("quiet", short: "q", "print ids only, one per line"),
        OptionSpec("no-color", "never colour the output (also NO_COLOR, TERM=dumb)"),
        OptionSpec("no-pager", "never page the output (a terminal otherwise pages long output through INBOX_PAGER, PAGER or less -FRX)"),
        OptionSpec("lock-timeout", value: "SECONDS", "wait this long for the repository lock (default 5); then exit 75"),
        OptionSpec("version", "print the version and exit"),
        OptionSpec("help", short: "h", "show help for the command and exit"),
    ]

    static func spec(long: String) -> OptionSpec? { specs.first { $0.long == long } }
    static func spec(short: Character) -> OptionSpec? { specs.first { $0.short == short } }

    /// Records a global option; false when `name` is not one.
    mutating func set(_ name: String, _ value: String?) {
        switch name {
        case "repo": repo = value
        case "as": actingUser = value
        case "now": now = value
        case "json": json = true
        case "quiet": quiet = true
        case "no-color": noColor = true
        case "no-pager": noPager = true
        case "lock-timeout": lockTimeout = value
        case "version": version = true
        case "help": help = true
        default: break
        }
    }
}
