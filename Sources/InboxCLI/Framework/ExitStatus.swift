import InboxCore

/// The one place errors become exit statuses (DESIGN §2; the values follow sysexits.h).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let refused: Int32 = 1
    public static let usage: Int32 = 64
    public static let badData: Int32 = 65
    public static let notFound: Int32 = 66
    public static let deliveryFailed: Int32 = 69
    public static let ioError: Int32 = 74
    public static let busy: Int32 = 75

    public static func of(_ error: InboxError) -> Int32 {
        switch error {
        case .usage, .ambiguousID: return usage
        case .refused: return refused
        case .badData, .badInput, .dataProblems: return badData
        case .noRepository, .notFound: return notFound
        case .deliveryFailed: return deliveryFailed
        case .io: return ioError
        case .busy: return busy
        case .commandFailed(let status, _): return status
        }
    }

    /// The table printed in help and the man page.
    public static let table: [(code: Int32, meaning: String)] = [
        (success, "done (including an empty listing)"),
        (refused, "refused by a rule: do-not-contact, reply window, channel, closed record, role, duplicate"),
        (usage, "usage: unknown command or option, missing or malformed argument, unclear time, ambiguous id"),
        (badData, "bad data: a malformed line in the repository (PATH:LINE: reason) or in imported input"),
        (notFound, "not found: no repository, no record with that id"),
        (deliveryFailed, "delivery failed: the delivery hook exited non-zero, could not run, or passed delivery.timeout"),
        (ioError, "I/O error: disk full, permission, read or write failure (the repository is left as it was)"),
        (busy, "busy: the repository lock was not obtained in time; try again"),
    ]
}
