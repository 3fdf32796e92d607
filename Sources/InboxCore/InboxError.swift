/// Every failure the tool reports. Each case is raised where the problem is found; the exit
/// status it maps to is decided in one place (`ExitStatus.swift` in the command-line library).
public enum InboxError: Error, Equatable, Sendable {
    /// Bad command line: unknown option, missing or malformed argument, unclear time.
    case usage(Explanation)
    /// An id prefix that matches more than one record.
    case ambiguousID(input: String, candidates: [String])
    /// Refused by a rule: do-not-contact, reply window, channel, closed record, role, duplicate.
    case refused(Explanation)
    /// A malformed line in the repository or in imported input.
    case badData(path: String, line: Int, reason: String)
    /// A line of imported input that cannot be taken as it is (exit status as `badData`); the
    /// reason may name the field that would take it.
    case badInput(path: String, line: Int, reason: Explanation)
    /// Problems found in stored data and already listed one by one (fsck, import checks).
    case dataProblems(Explanation)
    /// No repository here.
    case noRepository(Explanation)
    /// No record with that id or name.
    case notFound(Explanation)
    /// The delivery hook failed.
    case deliveryFailed(Explanation)
    /// A file-system call failed; the repository is left as it was.
    case io(path: String, operation: String, errno: Int32)
    /// The repository lock was not obtained in time.
    case busy(Explanation)
    /// A command run inside another (a batch line) failed with this status; it has already
    /// printed why.
    case commandFailed(status: Int32, Explanation)

    /// The message in the domain's words; the command line spells fields and remedies as its
    /// own options and commands instead (`ErrorText`).
    public var message: String { explanation.description }

    /// The message with its fields and remedies still data.
    public var explanation: Explanation {
        switch self {
        case .usage(let m), .refused(let m), .noRepository(let m), .notFound(let m), .dataProblems(let m),
             .deliveryFailed(let m), .busy(let m), .commandFailed(_, let m):
            return m
        case .ambiguousID(let input, let candidates):
            let shown = candidates.prefix(10).joined(separator: ", ")
            let more = candidates.count > 10 ? ", …" : ""
            return "id '\(input)' is ambiguous: it matches \(shown)\(more)"
        case .badData(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .badInput(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .io(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(SystemError.describe(errno))"
        }
    }
}
