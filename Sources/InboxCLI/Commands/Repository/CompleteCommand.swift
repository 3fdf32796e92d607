import InboxCore

/// `inbox __complete KIND [WORD…]`: candidates for shell completion: one per line, the value, a
/// tab, and a short description, each on one line whatever the text holds. WORD… are the
/// command's arguments typed so far (`config-values` needs the key, `help-topics` the noun).
/// Prints nothing (and exits 0) when there is no repository, so completion never shows an error.
struct CompleteCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "__complete", access: .read, abstract: "Print completion candidates from the repository (for the shell completion scripts)",
        arguments: [ArgumentSpec("KIND", completion: .cases(CompletionSource.self), CompletionSource.allCases.map(\.rawValue).joined(separator: ", ")),
                    ArgumentSpec("WORD", optional: true, variadic: true, "the command's arguments so far")], hidden: true
    )

    var kind: CompletionSource
    var words: [String]

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> CompleteCommand {
        let text = try arguments.positional(0, "KIND")
        guard let kind = CompletionSource(rawValue: text) else {
            throw InboxError.usage("unknown kind '\(text)' (\(ParsedArguments.alternatives(CompletionSource.self)))")
        }
        return CompleteCommand(kind: kind, words: Array(arguments.positionals.dropFirst()))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        var candidates: [(value: String, about: String)] = []
        if kind == .helpTopics {
            candidates = CompleteCommand.helpTopics(words, .shared)
        } else {
            do throws(InboxError) {
                candidates = try context.read { (s) throws(InboxError) in try lookup(s) }
            } catch {
                // No repository, or a bad line: completion offers nothing rather than an error.
            }
        }
        candidates = candidates.filter { !$0.value.isEmpty && !$0.value.contains(where: \.isNewline) }
        var out = CommandOutput()
        out.lines = candidates.map { .plain($0.value + "\t" + CompleteCommand.oneLine($0.about)) }
        out.ids = candidates.map(\.value)
        return out
    }

    /// A description on one line: message text has newlines and tabs, which would split a
    /// candidate in two (or end the value at a tab); runs of them become one space, cut to 40.
    static func oneLine(_ text: String) -> String {
        var out = ""
        var count = 0
        for character in text {
            let blank = character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
            if blank {
                if !out.isEmpty && out.last != " " { out.append(" "); count += 1 }
            } else {
                out.append(character)
                count += 1
            }
            if count >= 40 { break }
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// `help <TAB>`: the nouns; `help NOUN <TAB>`: its verbs.
    static func helpTopics(_ words: [String], _ table: CommandTable) -> [(value: String, about: String)] {
        guard let noun = words.first else { return table.visibleNouns.map { ($0, table.nounAbstract($0)) } }
        guard words.count == 1 else { return [] }
        return table.visibleEntries.filter { $0.noun == noun && $0.verb != nil }.map { ($0.verb!, $0.abstract) }
    }

    func lookup(_ s: Session) throws(InboxError) -> [(value: String, about: String)] {
        switch kind {
        case .contacts:
            return try Contacts.list(ContactFilter(), in: s).map { ($0.id, $0.displayName) }
        case .conversations, .openConversations:
            var filter = ConversationFilter()
            filter.status = kind == .conversations ? .all : .open
            let listing = try Conversations.list(filter, actor: "", in: s)
            return listing.conversations.map { ($0.id, "\(listing.contactNames[$0.contact] ?? $0.contact), \($0.channel.rawValue)") }
        case .messages:
            return try Messages.list(MessageFilter(), in: s).suffix(200).reversed().map { ($0.id, $0.text) }
        case .scheduledMessages:
            var filter = MessageFilter()
            filter.scheduled = true
            return try Messages.list(filter, in: s).map { ($0.id, "\(($0.scheduledAt ?? $0.at).localDescription) \($0.text.prefix(30))") }
        case .tasks:
            return try Tasks.list(TaskFilter(), now: Timestamp.systemNow(), in: s).map { ($0.id, String($0.text.prefix(40))) }
        case .users:
            return try Users.all(s).map { ($0.name, $0.role.rawValue) }
        case .tags:
            var seen: [String: String] = [:]
            try Contacts.table.forEachNewestFirst(in: s) { (c) throws(InboxError) -> Bool in
                for tag in c.tags where seen[tag.lowercased()] == nil { seen[tag.lowercased()] = tag }
                return true
            }
            return seen.values.sorted().map { ($0, "tag") }
        case .people:
            // Who can have read a message: the firm's users and the contacts.
            return try Users.all(s).map { ($0.name, "user, \($0.role.rawValue)") }
                + Contacts.list(ContactFilter(), in: s).map { ($0.id, $0.displayName) }
        case .fromNumbers:
            return try Config.load(s).smsFrom.enumerated().map { ($1, $0 == 0 ? "sms.from (default)" : "sms.from") }
        case .configValues:
            return try configValues(words.first.flatMap(ConfigKey.init(rawValue:)), in: s)
        case .templates:
            return try Templates.all(s).map { ($0.name, $0.text) }
        case .helpTopics:
            return []
        }
    }

    /// `config set KEY <TAB>`: values the key takes, its current value first.
    func configValues(_ key: ConfigKey?, in s: Session) throws(InboxError) -> [(value: String, about: String)] {
        guard let key else { return [] }
        let config = try Config.load(s)
        var out: [(value: String, about: String)] = []
        switch key {
        case .userName: out = try Users.all(s).map { ($0.name, "user, \($0.role.rawValue)") }
        case .availability: out = [("on", "answer as usual"), ("off", "file inbound as missed, send the auto-response")]
        case .goalNew, .goalMissed, .goalYours:
            out = ["30m", "1h", "2h", "4h", "8h"].map { ($0, "reply-time goal") } + (key == .goalYours ? [("end-of-day", "reply-time goal")] : [])
        case .phoneRegion: out = PhoneRegion.all.map { ($0.code, $0.name) }
        case .smsFrom: out = config.smsFrom.map { ($0, "configured") }
        case .deliveryMaxAttempts: out = [("5", "default")]
        case .deliveryTimeout: out = [("30", "seconds, default")]
        case .phoneCountryCode: out = [("1", "North America"), ("44", "United Kingdom")]
        case .deliveryHost: out = [(DeliveryHost.current(), "this machine")]
        case .signature, .autoResponse, .repositoryFormat: out = []
        }
        if key != .smsFrom, let current = config.string(key), config.isSet(key) {
            out.removeAll { $0.value == current }
            out.insert((current, "current value"), at: 0)
        }
        return out
    }
}
