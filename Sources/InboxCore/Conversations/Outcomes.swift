#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a delivery that could not be recorded under the repository lock (busy, or an
/// I/O error): once the hook has run, what it said is never lost and nobody is told to "try
/// again" (which would send the message twice). It is left in `.inbox/outcomes/<id>.json`, a
/// machine-local spool, and every writer applies spooled outcomes before anything else.
public struct SpooledOutcome: StoredRecord, Equatable, Sendable {
    public var message: String
    /// The attempt it belongs to: an outcome of an older attempt is stale and only removed.
    public var attempt: Int64
    public var state: Message.State
    public var error: String?
    public var providerID: String?
    public var retryAt: Timestamp?

    init(_ m: Message) {
        (message, attempt, state, error, providerID, retryAt) = (m.id, m.attempts, m.state ?? .inDoubt, m.error, m.providerID, m.retryAt)
    }

    init(message: String, attempt: Int64, state: Message.State) {
        (self.message, self.attempt, self.state) = (message, attempt, state)
    }

    public static let schema = RecordSchema(blank: SpooledOutcome(message: "", attempt: 0, state: .inDoubt), [
        .field("message", \.message, .string),
        .field("attempt", \.attempt, .int),
        .field("state", \.state, .choice(among: Outcomes.outcomeStates)),
        .optional("error", \.error, .string),
        .optional("provider_id", \.providerID, .string),
        .optional("retry_at", \.retryAt, .timestamp),
    ]) { o throws(JSONParseError) in
        guard Messages.ids.isValid(o.message) else { throw JSONParseError("field \"message\" is not a message id: \"\(o.message)\"") }
    }
}

public enum Outcomes {
    public static let directory = "outcomes"
    static let outcomeStates: Set<Message.State> = [.sent, .failed, .inDoubt]

    /// Leaves `message` (its outcome already applied) for the next writer: a new file, fsynced,
    /// renamed into place, the directory fsynced. Runs without the repository lock.
    public static func spool(_ message: Message, repository: Repository) throws(InboxError) {
        let store = repository.store
        let target = directory + "/" + message.id + ".json"
        // Written beside its target, not in tmp/: a writer holding the lock empties tmp/ while
        // this one, which holds no lock, may still be writing.
        let temp = target + ".partial.\(getpid())"
        try store.remove(temp)
        try store.writeNew(temp, JSONLines.encode([SpooledOutcome(message)]), mode: 0o600)
        do throws(InboxError) {
            try store.rename(temp, target)
        } catch {
            try? store.remove(temp)
            throw error
        }
        try store.sync(directory)
    }

    /// Applies every spooled outcome whose message still waits for it (`sending`, or `in-doubt`
    /// after a flush found its process gone: a spooled outcome beats in-doubt), and removes
    /// spool files the committed records already reflect. Call it first in a transaction.
    @discardableResult
    public static func applySpooled(in tx: Transaction) throws(InboxError) -> [Message] {
        let repository = tx.repository
        let store = repository.store
        var applied: [Message] = []
        // Inside a batch the records read may hold staged changes not yet committed: nothing is removed then.
        let mayRemove = !repository.isBatching
        for name in try store.list(directory) {
            let path = directory + "/" + name
            if let pid = partialOwner(name) {
                if mayRemove && kill(pid, 0) != 0 && errno == ESRCH { try store.remove(path) }
                continue
            }
            guard name.hasSuffix(".json"), Messages.ids.isValid(String(name.dropLast(5))) else { continue }
            guard let bytes = try store.read(path) else { continue }
            let records = try JSONLines.decode(bytes, path: directory + "/" + name, as: SpooledOutcome.self)
            guard records.count == 1, let outcome = records.first, outcome.message + ".json" == name else {
                throw InboxError.badData(path: directory + "/" + name, line: 1, reason: "expected one outcome of message \(name.dropLast(5))")
            }
            guard var message = try Messages.get(outcome.message, in: tx), message.attempts == outcome.attempt,
                  message.state == .sending || message.state == .inDoubt else {
                if mayRemove { try store.remove(path) }
                continue
            }
            message.state = outcome.state
            message.error = outcome.error
            message.providerID = outcome.providerID ?? message.providerID
            message.retryAt = outcome.retryAt
            message.sendingBy = nil
            try Messages.save([message], in: tx)
            applied.append(message)
        }
        return applied
    }

    /// The pid in "ms12.json.partial.PID".
    static func partialOwner(_ name: String) -> pid_t? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[1] == "json", parts[2] == "partial" else { return nil }
        return pid_t(parts[3])
    }
}

/// When a failed delivery may be tried again: 1 minute after the first failure, then 5, 25,
/// and every 2 hours after that, until `delivery.max_attempts`.
public enum Backoff {
    static let delays: [Int64] = [60, 300, 1500, 7200]

    public static func retryAt(after attempt: Timestamp, attempts: Int64) -> Timestamp {
        let index = Int(max(0, min(attempts - 1, Int64(delays.count - 1))))
        return attempt.adding(seconds: delays[index])
    }
}
