import InboxCore

/// `inbox __manpage`: prints `man/inbox.1`, generated from the command table so the page can
/// never miss a command or option. A test checks the committed page against this output.
struct ManPageCommand: InboxCommand {
    static let spec = CommandSpec(noun: "__manpage", access: .none, abstract: "Print the inbox(1) man page (mdoc) generated from the command table", hidden: true)

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ManPageCommand {
        try arguments.allowPositionals(0)
        return ManPageCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var out = CommandOutput()
        out.lines = [.plain(ManPage.render(.shared))]
        return out
    }
}

enum ManPage {
    static func render(_ table: CommandTable) -> String {
        var page: [String] = [
            ".Dd November 21, 2026", ".Dt INBOX 1", ".Os", ".Sh NAME", ".Nm inbox",
            ".Nd a customer-conversation inbox in a directory of JSON-lines files",
            ".Sh SYNOPSIS", ".Nm", ".Op Ar global-options", ".Ar noun", ".Op Ar verb", ".Op Ar arguments", ".Op Ar options",
            ".Sh DESCRIPTION",
            text("inbox keeps a small business's contacts and customer conversations in a repository: a directory holding .inbox/, made of JSON-lines files that diff and merge cleanly under git. Every change is atomic and durable; see inbox-repository(5) for the layout and its guarantees."),
            ".Pp",
            text("Commands find their repository the way git does: --repo DIR or INBOX_REPO, else the nearest directory above the working directory that holds .inbox/. Global options may come before the noun or after the verb. Where a command takes ids, a lone - reads them from standard input, one per line; where it takes a text, - reads the text from standard input. An id may be shortened to any unambiguous prefix."),
            ".Pp",
            text("Output for people is aligned columns in the local time zone, coloured only on a terminal without NO_COLOR or TERM=dumb. Columns are measured in screen columns (a CJK character or an emoji takes two). On a terminal, long cells are cut with … and a row wider than the terminal has its preview cut, never its id; output to a pipe or file is never cut. On a terminal, reading commands (help, lists, show, conversation open, timeline, report) page their output as git does, through INBOX_PAGER, else PAGER, else less -FRX; --no-pager, an empty pager or cat turns it off, and --json, -q and output that is not a terminal are never paged. --json prints JSON Lines with UTC timestamps; -q prints ids alone. Data goes to standard output, diagnostics to standard error."),
            ".Sh GLOBAL OPTIONS",
        ]
        page += optionList(GlobalOptions.specs)
        page.append(".Sh COMMANDS")
        for spec in table.visibleEntries {
            page.append(".Ss " + escape(spec.usage))
            page.append(text(spec.abstract.hasSuffix(".") ? spec.abstract : spec.abstract + "."))
            if let discussion = spec.discussion { page.append(text(discussion)) }
            if !spec.arguments.isEmpty || !spec.options.isEmpty {
                page.append(".Bl -tag -width Ds")
                for argument in spec.arguments { page += [".It Ar " + argument.name, text(argument.help)] }
                page += optionItems(spec.options)
                page.append(".El")
            }
            for example in spec.examples { page.append(".Dl " + escape(example)) }
        }
        page += [
            ".Sh TIME FORMS",
            text("Options that take a time accept ISO-8601 (2026-11-23T09:00, 2026-11-23 09:00:30, 2026-11-23; with Z or an offset such as -05:00, otherwise local time), now, relative times +30m, +2h, +3d, +1w, in the past -30m, -7d, compound +1h30m or -1d12h (units w, d, h, m, largest first; without a sign, 1h30m is ahead; days are calendar days), today 17:00, tomorrow 9:00, tomorrow 5pm, yesterday 17:00, today and yesterday alone for the start of that day, and weekday names such as mon 9:00 (the next such day). A local time that a daylight-saving change skips or repeats, and anything else unclear, is refused with exit status 64 rather than guessed. So is a time outside the years 1970 to 9999 in UTC (9999-12-31T23:59:59-14:00 is year 10000), whether given to an option, to --now or in INBOX_NOW."),
            ".Sh SCHEDULED SEND AND DELIVERY",
            text("Outbound messages move through scheduled, sending and sent, or end failed, blocked (do-not-contact or the WhatsApp window refused it at delivery time), cancelled or in-doubt. Delivery is done by the executable .inbox/hooks/deliver: it reads the message as JSON on standard input and finds its id in INBOX_MESSAGE_ID, which stays the same on every attempt so a provider can drop duplicates; exit 0 means sent, and the first line it prints is kept as the provider's id. Without a hook a message is recorded as sent. The hook runs in its own process group for at most delivery.timeout seconds (default 30); then the group is killed and the message is in-doubt. Its last line on standard error is kept in the message's error."),
            ".Pp",
            text("A hook runs only once trusted on this machine, as git never runs hooks that came with a clone: inbox hook trust, after you have read it, records its SHA-256 in ${XDG_DATA_HOME:-$HOME/.local/share}/inbox/trusted-hooks/, outside the repository; a hook that changes is untrusted again; inbox hook status shows what is installed and trusted. With an untrusted hook, message send and conversation close --message are refused with exit status 1 and nothing is written, and message flush exits 1 leaving every message scheduled. A hook that is not executable fails each delivery (exit 69) with an error that says chmod +x .inbox/hooks/deliver."),
            ".Pp",
            text("message send delivers at once; message flush, run from cron, delivers what is due. Only one flush runs at a time; a second one says so and exits 0. A message is marked sending, durably, before its hook runs, and sent after the hook succeeds. A flush that finds a message left sending by a process that died marks it in-doubt and never resends it by itself; message send --retry ID resends it on purpose. Do-not-contact and the reply window are checked again at delivery. A failed delivery is retried by later flushes after a backoff of 1 minute, 5 minutes, 25 minutes, then every 2 hours (its retry_at), up to delivery.max_attempts (default 5), then stays failed with its error kept; message list --scheduled shows those awaiting a retry. Once the hook has run its outcome is never lost: if the repository is busy or cannot be written, it is left in .inbox/outcomes/ and recorded by the next command that writes, and the command still reports the message sent (exit 0), failed or in-doubt (exit 69) by id, never \"try again\". A second flush that finds the first making no progress for more than 3 delivery timeouts warns on standard error with its pid, as does message list --scheduled."),
            ".Pp",
            text("A crontab line that flushes every five minutes:"),
            ".Dl */5 * * * * inbox --repo /srv/firm message flush",
            ".Sh JSON OUTPUT",
            text("With --json every record is one line. Conversation fields: id, contact, channel, subject, status (open or closed), assignee (null when unassigned), category (new, missed, yours, others as the acting user sees it; null when closed), missed, unread, last_message_at, last_direction, preview, message_count, first_inbound_at, last_inbound_at, first_response_at, closed_at, created_at, updated_at; auto_response_period once it got an auto-response; show and open add messages (scheduled ones with overdue), log and closings (the notes closing left). Message fields: id, conversation, contact, channel, direction (in or out), kind (message or note), state (outbound: scheduled, sending, sent, failed, blocked, cancelled, in-doubt; null otherwise), text, at, scheduled_at, author, from, to, cc, template, auto, attachments (name, sha256, size, kind, path), seen_by (by, at), pin (by, at, assignee, done), attempts, sending_by, error, provider_id, and retry_at while a failed message waits for its retry; message list adds overdue (true or false) to scheduled messages. Flush: id, conversation, state, attempts, error, retry_at. Hook status: path, installed, executable, sha256, trust (none, trusted, untrusted, changed), trusted_sha256, record. Task: id, contact, kind, state, text, due, assignee, answer, attachments, author, created_at, updated_at. Log entry: id, contact, kind, direction, outcome, duration_seconds, recording, text, at, author, created_at. Report: since, until, assignee, conversations, per_day, first_response (count, average_seconds, median_seconds), resolution (closed, total, rate), goals (new, missed, yours: goal_seconds, end_of_day, checked, broken). Export adds a type field to every record. Contact fields: id, first_name, last_name, phones, emails, company, owner, disposition, tags, dnd (a list of channels, or \"all\"), dnd_inbound, fields, created_at, updated_at; contact show adds notes. Note: id, contact, text, author, at, conversation on a note that closing a conversation left, and edited_at once contact note --edit changed it. Tag (tag list): tag, contacts. User: name, display_name, email, role, created_at. Setting: key, value, default. Problem (fsck): path, line, reason, repairable. Fields may be added; none are renamed."),
            ".Sh ENVIRONMENT", ".Bl -tag -width Ds",
            ".It Ev INBOX_REPO", text("The repository, as --repo."),
            ".It Ev INBOX_USER", text("The acting user, as --as. Otherwise the setting user.name, then USER, then LOGNAME."),
            ".It Ev INBOX_NOW", text("A fixed clock, as --now: the same commands with the same clock give byte-identical repositories."),
            ".It Ev INBOX_SEED", text("In a shared clone, the seed of the clone id that new ids are minted from, when the clone makes it (on its first new record); unset, the system's random source. With INBOX_NOW, runs repeat byte for byte. Give each clone its own."),
            ".It Ev NO_COLOR", text("Set and non-empty: never colour the output."),
            ".It Ev INBOX_PAGER , PAGER", text("The pager for long output on a terminal, run with sh -c (default less -FRX, with LESS=FRX when LESS is unset). Empty or cat: no pager."),
            ".It Ev COLUMNS", text("The terminal's width, when stdout is a terminal; otherwise the terminal is asked. Not used for output to a pipe or file."),
            ".It Ev TZ", text("The time zone for display and for times given without a zone."),
            ".El",
            ".Sh FILES", ".Bl -tag -width Ds",
            ".It Pa .inbox/", text("The repository; see inbox-repository(5)."),
            ".It Pa .inbox/tmp/", text("Files being written; the next writer removes what a dead one left. Never commit it."),
            ".It Pa ~/.local/share/inbox/trusted-hooks/", text("The delivery hooks this machine trusts (inbox hook trust), one file per repository, outside every repository; XDG_DATA_HOME moves it."),
            ".El",
            ".Sh EXIT STATUS", ".Bl -tag -width Ds",
        ]
        for (code, meaning) in ExitStatus.table { page += [".It \(code)", text(meaning)] }
        page += [
            ".El",
            ".Sh EXAMPLES",
            text("A first session:"),
            ".Bd -literal -offset indent",
            "inbox init",
            "inbox config set sms.from \"+1 212 555 0199\"",
            "inbox contact add \"Ada Lovelace\" --phone \"+1 212 555 0100\" --email ada@example.com",
            "inbox contact list --search lovelace",
            "inbox contact note ct1 \"Prefers email\"",
            "inbox --json contact list | jq -r .id",
            ".Ed",
            text("One-liners:"),
            ".Bd -literal -offset indent",
            "inbox conversation list --mine --status open",
            "inbox conversation list --category new -q | xargs -n1 inbox conversation assign --me",
            "inbox message list --state failed -q | xargs -n1 inbox message send --retry",
            ".Ed",
            text("Bulk tagging, in one lock and one rewrite:"),
            ".Bd -literal -offset indent",
            "inbox contact list --search smith -q | inbox contact tag - --add vip",
            "inbox contact tag --where-tag prospect --add client --remove prospect --dry-run",
            ".Ed",
            text("Deliver scheduled messages from cron, every five minutes:"),
            ".Dl */5 * * * * inbox --repo /srv/firm message flush",
            text("Fixtures for CI: a generated repository, byte-identical for the same seed, or a script run with a fixed clock:"),
            ".Bd -literal -offset indent",
            "inbox init /tmp/fixture",
            "inbox --repo /tmp/fixture fixture --contacts 1000 --conversations 1000 --messages 10000 --seed 7",
            "INBOX_NOW=2026-01-01T09:00Z inbox batch < make-fixture.txt",
            ".Ed",
            ".Sh SEE ALSO",
            ".Xr inbox-repository 5",
            ".Pp",
            text("Completion scripts for bash, zsh and fish are in Completions/ of the source tree."),
        ]
        return page.joined(separator: "\n")
    }

    static func optionList(_ options: [OptionSpec]) -> [String] {
        [".Bl -tag -width Ds"] + optionItems(options) + [".El"]
    }

    static func optionItems(_ options: [OptionSpec]) -> [String] {
        options.flatMap { option -> [String] in
            var item = ".It " + (option.short.map { "Fl \($0) , " } ?? "") + "Fl -" + option.long
            if let value = option.valueName { item += " Ar " + value }
            return [item, text(option.helpText)]
        }
    }

    /// A paragraph of running text, safe for mdoc: one sentence per line, as mdoc expects.
    static func text(_ s: String) -> String {
        var lines: [String] = []
        var current = ""
        let characters = Array(escape(s))
        for (i, c) in characters.enumerated() {
            let endsSentence = (c == " ") && i > 0 && ".?!".contains(characters[i - 1])
            if endsSentence && !current.hasSuffix("e.g.") && !current.hasSuffix("i.e.") {
                lines.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        lines.append(current)
        return lines.map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : $0 }.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("\\", with: "\\e")
    }
}
