/// The cron job: deliver every scheduled message whose time has come (DESIGN §3).
///
/// Exactly once, as far as a machine can promise it: one flush at a time (`.inbox/flush.lock`);
/// each message is marked `sending`, durably, before its hook runs and `sent` after; a
/// `sending` message whose process is gone is marked `in-doubt` and never resent by a flush;
/// do-not-contact and the WhatsApp window are checked again at delivery (`blocked`); failures
/// are retried by later flushes, after a backoff (`Backoff`), until `delivery.max_attempts`.
public enum Flush {
    public struct Handled: Sendable {
        public var message: Message
        /// What happened in this flush: the message's new state.
        public var outcome: Message.State
        /// In-doubt because its hook ran out of time in this flush (not left by a dead one).
        public var timedOut = false
        /// Why it was blocked or is in doubt, its remedy still data (the message keeps
        /// `reason.description` as its error).
        public var reason: Explanation? = nil
    }

    public enum Result: Sendable {
        /// Another flush holds the lock; nothing was done. `stuck` says so when that flush has
        /// made no progress for several delivery timeouts.
        case busy(stuck: String?)
        /// What was handled, and notes for stderr (an outcome left for the next writer).
        case done([Handled], notes: [String])
    }

    static let lockName = "flush.lock"

    public static func run(_ repository: Repository, now: Timestamp, limit: Int?) throws(InboxError) -> Result {
        let readiness = try DeliveryHook.readiness(repository)
        if case .untrusted(let why) = readiness { throw InboxError.refused(why) }
        guard let lock = try RepositoryLock.tryAcquire(lockName, in: repository.store) else {
            return .busy(stuck: FlushHolder.stuck(repository))
        }
        let holder = FlushHolder(lock)
        defer { holder.release(); withExtendedLifetime(lock) {} }
        var handled: [Handled] = []
        func prepare(_ tx: Transaction) throws(InboxError) -> [QueueEntry] {
            // An outcome an earlier command could not record is applied before anything is judged in-doubt.
            try Outcomes.applySpooled(in: tx)
            handled += try markAbandoned(now: now, in: tx)
            return try dueEntries(now: now, limit: limit, in: tx)
        }
        guard readiness.isInstalled else {
            // No hook: each message is recorded as sent; one change for the whole flush, so
            // each thread is read once. Taken a conversation shard at a time (in due order
            // within a conversation, so its summary ends as it would), and reported in due
            // order: a shard left behind may be spilled by the memory budget and parsed again.
            let sent = try repository.write { (tx) throws(InboxError) -> [Handled] in
                let due = try prepare(tx)
                let shardOf = Dictionary(due.map { ($0.conversation, Conversations.table.shardFile(of: $0.conversation) ?? "") }) { a, _ in a }
                let order = due.indices.sorted { (shardOf[due[$0].conversation]!, $0) < (shardOf[due[$1].conversation]!, $1) }
                var out: [(Int, Handled)] = []
                var ahead: ReadAhead?
                for from in stride(from: 0, to: order.count, by: stretch) {
                    let part = order[from..<min(order.count, from + stretch)]
                    // What the other core read ahead while the stretch before was sent; what it
                    // left (the first stretch, a file it could not parse) is parsed here, on
                    // both cores, in order, so a damaged file is reported where it was before.
                    ahead?.finish(in: tx)
                    try preload(part.map { due[$0] }, in: tx)
                    let next = order[min(order.count, from + stretch)..<min(order.count, from + 2 * stretch)]
                    ahead = next.isEmpty ? nil : ReadAhead(conversations: next.map { due[$0].conversation }, shards: .parsed, in: tx)
                    for i in part {
                        if let result = try start(due[i].message, now: now, hookInstalled: false, in: tx) { out.append((i, result)) }
                    }
                    // 10,000 due messages may be in 10,000 threads. Between stretches, so none of
                    // those just parsed is dropped before its message is sent.
                    try tx.limitMemory()
                }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
            return .done(handled + sent, notes: [])
        }
        let (due, timeout) = try repository.write { (tx) throws(InboxError) -> ([String], Double) in
            (try prepare(tx).map(\.message), try DeliveryHook.timeout(tx))
        }
        // With a hook: one change per message, which also records the previous message's outcome.
        var previous: (Message, DeliveryHook.Outcome)?
        for id in due + [nil as String?] {
            holder.progress()
            let started: Handled?
            do throws(InboxError) {
                let (finished, next) = try repository.write { (tx) throws(InboxError) -> (Handled?, Handled?) in
                    let finished = try previous.map { (message, outcome) throws(InboxError) in try finish(message, outcome, now: now, in: tx) }
                    guard let id else { return (finished, nil) }
                    return (finished, try start(id, now: now, hookInstalled: true, in: tx))
                }
                if let finished { handled.append(finished) }
                started = next
            } catch {
                // Once a hook has run its outcome is kept, never lost to a busy lock; the rest
                // waits for the next flush.
                guard let (message, outcome) = previous else {
                    if handled.isEmpty { throw error }
                    return .done(handled, notes: ["flush: stopped early (\(error.message)); the rest waits for the next flush"])
                }
                var settled = message
                Outbox.apply(outcome, to: &settled, now: now)
                let delivery = Outbox.spoolOutcome(settled, outcome, repository: repository, because: error)
                handled.append(Handled(message: delivery.message, outcome: delivery.message.state ?? .inDoubt, timedOut: isTimeout(outcome)))
                let note = "flush: stopped early; \(message.id) is \(delivery.message.state?.rawValue ?? "in-doubt"): \(delivery.deferredNote ?? "")"
                return .done(handled, notes: [note])
            }
            previous = nil
            guard let started else { continue }
            guard started.outcome == .sending else { handled.append(started); continue }
            previous = (started.message, DeliveryHook.deliver(started.message, repository: repository, timeout: timeout))
        }
        return .done(handled, notes: [])
    }

    /// How many due messages a hookless flush takes at a time: their threads and conversation
    /// shards are parsed together, on every core, before the messages are sent one by one.
    static let stretch = 256

    /// Parses the conversation shards and threads these entries will read, in the order they
    /// will be read (so the first damaged line found is the one a message at a time would find).
    static func preload(_ entries: [QueueEntry], in tx: Transaction) throws(InboxError) {
        var shards: [String] = [], threads: [String] = []
        var seen = Set<String>()
        for entry in entries {
            if let shard = Conversations.table.shardFile(of: entry.conversation), seen.insert(shard).inserted { shards.append(shard) }
            let thread = Messages.file(forConversation: entry.conversation)
            if seen.insert(thread).inserted { threads.append(thread) }
        }
        try tx.preload(threads, as: Message.self)
        try tx.preload(shards, as: Conversation.self)
    }

    static func isTimeout(_ outcome: DeliveryHook.Outcome) -> Bool {
        if case .timedOut = outcome { return true }
        return false
    }

    /// What a flush would deliver now, soonest first (for --dry-run and listings).
    public static func dueMessages(now: Timestamp, limit: Int?, in session: Session) throws(InboxError) -> [Message] {
        let maxAttempts = try DeliveryQueue.maxAttempts(session)
        var out: [Message] = []
        for entry in try DeliveryQueue.all(session) where entry.due <= now {
            guard entry.state == .scheduled || entry.state == .failed else { continue }
            guard let message = try Messages.get(entry.message, in: session) else { continue }
            if message.state == .failed && message.attempts >= maxAttempts { continue }
            if message.state == .failed, let retryAt = message.retryAt, retryAt > now { continue }
            out.append(message)
            if let limit, out.count >= limit { break }
        }
        return out
    }

    /// The queue entries a flush takes, soonest first. A scheduled one is taken as the queue
    /// says (`start` reads the message and checks it again), so a flush of 10,000 reads each
    /// thread once; a failed one is read now to see whether its attempts are used up. With a
    /// limit every entry is checked here, so the limit counts only messages that will go.
    static func dueEntries(now: Timestamp, limit: Int?, in session: Session) throws(InboxError) -> [QueueEntry] {
        guard limit == nil else {
            let due = Set(try dueMessages(now: now, limit: limit, in: session).map(\.id))
            return try DeliveryQueue.all(session).filter { due.contains($0.message) }
        }
        let maxAttempts = try DeliveryQueue.maxAttempts(session)
        var out: [QueueEntry] = []
        for entry in try DeliveryQueue.all(session) where entry.due <= now {
            switch entry.state {
            case .scheduled:
                out.append(entry)
            case .failed:
                guard let message = try Messages.get(entry.message, in: session) else { continue }
                if message.attempts >= maxAttempts { continue }
                if let retryAt = message.retryAt, retryAt > now { continue }
                out.append(entry)
            default:
                continue
            }
        }
        return out
    }

    /// `sending` messages whose process is gone: they may or may not have reached the
    /// provider, so they become `in-doubt` and are never resent without `send --retry`.
    static func markAbandoned(now: Timestamp, in tx: Transaction) throws(InboxError) -> [Handled] {
        var out: [Handled] = []
        for entry in try DeliveryQueue.all(tx) where entry.state == .sending {
            guard var message = try Messages.get(entry.message, in: tx), message.state == .sending else { continue }
            if let owner = message.sendingBy, ProcessIdentity.isAlive(owner) { continue }
            message.state = .inDoubt
            message.sendingBy = nil
            let reason: Explanation = "delivery was interrupted; it may or may not have been sent (\(Remedy.retrySend(message: message.id)))"
            message.error = reason.description
            try Messages.save([message], in: tx)
            out.append(Handled(message: message, outcome: .inDoubt, reason: reason))
        }
        return out
    }

    /// Re-checks the rules and marks a due message `sending` (or `sent` without a hook, or
    /// `blocked`). Nil when it is no longer due (cancelled or edited since).
    static func start(_ id: String, now: Timestamp, hookInstalled: Bool, in tx: Transaction) throws(InboxError) -> Handled? {
        guard var message = try Messages.get(id, in: tx), message.state == .scheduled || message.state == .failed else { return nil }
        guard var conversation = try Conversations.table.get(message.conversation, in: tx),
              let contact = try Contacts.table.lookup(message.contact, in: tx) else {
            throw InboxError.dataProblems("\(message.id) refers to a conversation or contact that does not exist (run \(CommandReference.check))")
        }
        let firstAttempt = message.state == .scheduled
        message.retryAt = nil
        if let refusal = SendRules.refusal(channel: message.channel, contact: contact, conversation: conversation,
                                           usesTemplate: message.template != nil, now: now) {
            message.state = .blocked
            message.error = refusal.description
            try Messages.save([message], in: tx)
            return Handled(message: message, outcome: .blocked, reason: refusal)
        }
        message.attempts += 1
        if firstAttempt {
            // It joins the thread now, as a message sent now.
            message.at = now
            ConversationSummary.record(message, in: &conversation, now: now, shown: Message.lastShown(in: try Messages.of(conversation.id, in: tx)))
            try Conversations.table.put(conversation, in: tx)
        }
        if hookInstalled {
            message.state = .sending
            message.sendingBy = ProcessIdentity.current()
        } else {
            message.state = .sent
            message.error = nil
        }
        try Messages.save([message], in: tx)
        return Handled(message: message, outcome: message.state!)
    }

    static func finish(_ message: Message, _ outcome: DeliveryHook.Outcome, now: Timestamp, in tx: Transaction) throws(InboxError) -> Handled {
        var current = try Messages.get(message.id, in: tx) ?? message
        Outbox.apply(outcome, to: &current, now: now)
        try Messages.save([current], in: tx)
        return Handled(message: current, outcome: current.state!, timedOut: isTimeout(outcome))
    }
}
