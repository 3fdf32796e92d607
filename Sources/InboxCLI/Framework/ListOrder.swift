import InboxCore

/// The orders `--sort` offers on the contact, task and log lists: the allowed values, their
/// help, completion and validation come from these enums, and sorting is kept apart from the
/// listing functions in InboxCore (which filter and page) so either can change on its own.
/// A listing sorted by anything but its default reads every match, sorts, then applies --limit.
protocol ListOrder: RawRepresentable, CaseIterable where RawValue == String {
    static var option: OptionSpec { get }
}

extension ListOrder {
    static var names: [String] { allCases.map { $0.rawValue } }

    static func sortOption(_ help: String) -> OptionSpec {
        OptionSpec("sort", value: "KEY", completion: .cases(Self.self), help)
    }

    /// The value of --sort, or nil when it was not given.
    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> Self? {
        try arguments.choice("sort", Self.self)
    }
}

/// `conversation list --sort`: by last activity, newest or oldest first.
enum ConversationOrder: String, CaseIterable {
    case newest, oldest
}

/// Ties keep the listing's own order (newest id first), so a sort is stable and repeatable.
enum ContactOrder: String, ListOrder {
    case created, name, updated
    static let option = sortOption("created (newest first, the default), name (by last name then first name, A to Z, ignoring case; unnamed last) or updated (most recently changed first)")

    func sorted(_ contacts: [Contact]) -> [Contact] {
        switch self {
        case .created: return contacts
        case .updated: return stable(contacts) { $0.updatedAt > $1.updatedAt }
        case .name:
            func key(_ c: Contact) -> (Int, String, String) {
                let last = c.lastName.isEmpty ? c.firstName : c.lastName
                return (c.fullName.isEmpty ? 1 : 0, last.lowercased(), c.firstName.lowercased())
            }
            return stable(contacts) { key($0) < key($1) }
        }
    }
}

enum TaskOrder: String, ListOrder {
    case due, created, updated
    static let option = sortOption("due (soonest first, tasks without one last; the default), created (newest first) or updated (most recently changed first)")

    func sorted(_ tasks: [ClientTask]) -> [ClientTask] {
        switch self {
        case .due: return tasks
        case .created: return stable(tasks) { $0.createdAt > $1.createdAt }
        case .updated: return stable(tasks) { $0.updatedAt > $1.updatedAt }
        }
    }
}

enum LogOrder: String, ListOrder {
    case at, created
    static let option = sortOption("at (when it happened, newest first; the default) or created (when it was logged, newest first)")

    func sorted(_ entries: [LogEntry]) -> [LogEntry] {
        switch self {
        case .at: return entries
        case .created: return stable(entries) { $0.createdAt > $1.createdAt }
        }
    }
}

/// Sorts keeping the incoming order among equal elements.
func stable<T>(_ items: [T], by before: (T, T) -> Bool) -> [T] {
    items.enumerated().sorted { a, b in
        before(a.element, b.element) || (!before(b.element, a.element) && a.offset < b.offset)
    }.map { $0.element }
}
