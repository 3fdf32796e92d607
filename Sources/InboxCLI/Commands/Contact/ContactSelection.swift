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
}
