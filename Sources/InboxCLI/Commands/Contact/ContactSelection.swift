import InboxCore

/// The contacts a bulk command (tag, dnd) works on: ids given (or `-` for stdin), or those a
/// contact-list filter selects.
enum ContactSelection {
    /// The filter given by --where-tag, --search or --owner; nil when ids are given instead.
    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactFilter? {
        guard arguments.has("where-tag") || arguments.has("search") || arguments.has("owner") else {
            guard !arguments.positionals.isEmpty else {
                throw InboxError.usage("give contact ids, - to read them from standard input, or --where-tag/--search/--owner")
            }
            return nil
        }
        guard arguments.positionals.isEmpty else {
            throw InboxError.usage("give contact ids or a selection (--where-tag, --search, --owner), not both")
        }
        var filter = ContactFilter()
        filter.tag = arguments.value("where-tag")
        filter.search = arguments.value("search")
        filter.owner = arguments.value("owner")
        return filter
    }

    static func ids(_ given: [String], _ filter: ContactFilter?, in session: Session) throws(InboxError) -> [String] {
        guard let filter else { return given }
        return try Contacts.list(filter, in: session).map(\.id)
    }

    static let keepGoing = OptionSpec("keep-going",
        "skip ids that are unknown or ambiguous, report each on stderr, change the rest in one commit; exit 1 if any was skipped")

    /// The output of a bulk tag or dnd: the contacts changed (ids for -q), a summary for people,
    /// and each id --keep-going skipped, on stderr even with -q, with exit 1. Only the form
    /// `globals` asks for is built: a script tagging 100,000 contacts with -q spent a tenth of
    /// its time on JSON views nobody printed.
    static func output(_ result: BulkContactChange, dryRun: Bool, for globals: GlobalOptions,
                       describe: (Contact) -> String) -> CommandOutput {
        var out = CommandOutput()
        out.ids = result.changed.map(\.id)
        if globals.json {
            out.records = result.changed.map { .object($0.jsonView()) }
        } else if !globals.quiet {
            out.lines = result.changed.map { .plain(describe($0)) }
        }
        out.info = ["\(result.changed.count) \(dryRun ? "would change" : "changed"), \(result.unchanged.count) already so"
                    + (result.skipped.isEmpty ? "" : ", \(result.skipped.count) skipped")]
        out.notices = result.skipped.map { "skipped \($0.id): \(ErrorText.message($0.reason))" }
        if !result.skipped.isEmpty {
            let n = result.skipped.count
            let others = result.changed.count + result.unchanged.count
            out.failure = .refused("\(n) id\(n == 1 ? " was" : "s were") skipped (see above); the other \(others) \(dryRun ? "would be" : "were") changed or already so")
        }
        return out
    }
}
