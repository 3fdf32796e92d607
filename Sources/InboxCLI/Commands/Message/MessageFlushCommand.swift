import InboxCore

struct MessageFlushCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "message", verb: "flush", access: .write, abstract: "Deliver every scheduled message whose time has come (run it from cron)",
        options: [
            OptionSpec("dry-run", "list what would be delivered, and write and send nothing"),
            OptionSpec("limit", short: "n", value: "N", "deliver at most N messages this run"),
        ],
        discussion: """
        Each due message is checked again (do-not-contact, the WhatsApp window: blocked if they refuse it), marked sending, handed to .inbox/hooks/deliver, and marked sent or failed. Failed deliveries are retried by later flushes after a backoff (1 minute, 5, 25, then every 2 hours) up to delivery.max_attempts. A hook that runs longer than delivery.timeout (default 30 seconds) is killed with everything it started, and its message is in-doubt. A hook not trusted on this machine is never run: flush exits 1 and every message stays scheduled (see inbox hook status). A message left sending by a flush that died is marked in-doubt and never resent by a flush ('inbox message send --retry ID' resends it). Only one flush runs at a time; a second one says so and exits 0, with a warning naming the first one's pid if it has made no progress for more than 3 delivery timeouts. A message scheduled before its conversation was closed is delivered and reopens nothing. Exits 69 if a delivery failed in this run.
        Crontab: */5 * * * * inbox --repo /srv/firm message flush
        """,
        examples: ["*/5 * * * * inbox --repo /srv/firm message flush", "inbox message flush --dry-run", "inbox --json message flush | jq -c ."]
    )

    var dryRun: Bool
    var limit: Int?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MessageFlushCommand {
        try arguments.allowPositionals(0)
        return MessageFlushCommand(dryRun: arguments.flag("dry-run"), limit: try arguments.int("limit", min: 1))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var out = CommandOutput()
        if dryRun {
            let due = try context.read { (s) throws(InboxError) in try Flush.dueMessages(now: context.now, limit: limit, in: s) }
            out.ids = due.map(\.id)
            out.records = due.map { .object($0.jsonView()) }
            out.lines = due.map { .plain("would send \($0.id) in \($0.conversation) (due \(($0.scheduledAt ?? $0.at).localDescription))") }
            out.info = ["flush --dry-run: \(due.count) due"]
            if case .untrusted(let why) = try DeliveryHook.readiness(try context.repository()) {
                out.notices.append("flush --dry-run: a real flush would exit 1: \(ErrorText.render(why))")
            }
            return out
        }
        try DeliveryHost.check(try context.repository(), doing: "message flush")
        switch try Flush.run(try context.repository(), now: context.now, limit: limit) {
        case .busy(let stuck):
            // Another flush running is the normal case under cron (exit 0); a stuck one is a problem.
            if let stuck { out.notices = ["flush: warning: \(stuck); nothing done"] } else { out.info = ["flush: another flush is running; nothing done"] }
        case .done(let handled, let notes):
            out.ids = handled.map(\.message.id)
            out.records = handled.map { h in
                .object(JSONObject([("id", .string(h.message.id)), ("conversation", .string(h.message.conversation)),
                                    ("state", .string(h.outcome.rawValue)), ("attempts", .int(h.message.attempts)),
                                    ("error", .optional(h.message.error)), ("retry_at", .optional(h.message.retryAt?.iso))]))
            }
            // Said now, the reason names the command that fixes it; the message keeps it in plain words.
            out.lines = handled.map { h in .plain("\(h.message.id)  \(h.outcome.rawValue)" + ((h.reason.map(ErrorText.render) ?? h.message.error).map { "  \($0)" } ?? "")) }
            func count(_ state: Message.State) -> Int { handled.filter { $0.outcome == state }.count }
            let timedOut = handled.filter(\.timedOut).count
            out.notices = notes
            out.info = ["flush: \(count(.sent)) sent, \(count(.failed)) failed, \(count(.blocked)) blocked, \(count(.inDoubt)) in-doubt"]
            if count(.failed) > 0 {
                out.failure = .deliveryFailed("\(count(.failed)) deliver\(count(.failed) == 1 ? "y" : "ies") failed; later flushes retry them after a backoff")
            } else if timedOut > 0 {
                out.failure = .deliveryFailed("\(timedOut) deliver\(timedOut == 1 ? "y" : "ies") timed out (delivery.timeout) and may or may not have been sent; 'inbox message send --retry ID' sends one again")
            }
        }
        return out
    }
}
