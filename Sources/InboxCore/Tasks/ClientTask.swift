/// Something asked of a client (the "client tasks" of a firm's portal): a question to answer,
/// a document to upload, one to read, a scheduling link, or a notice.
public struct ClientTask: IdentifiedRecord, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case question
        case documentRequest = "document-request"
        case document
        case schedulingLink = "scheduling-link"
        case notice
    }
    public enum State: String, CaseIterable, Sendable { case outstanding, read, answered, done }

    public var id: String
    public var contact: String
    public var kind: Kind
    public var state: State
    public var text: String
    public var due: Timestamp?
    public var assignee: String?
    public var answer: String?
    public var attachments: [Attachment]
    public var author: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, contact: String, kind: Kind, text: String, author: String, createdAt: Timestamp) {
        self.id = id
        self.contact = contact
        self.kind = kind
        self.state = .outstanding
        self.text = text
        self.attachments = []
        self.author = author
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public static let schema = RecordSchema(blank: ClientTask(id: "", contact: "", kind: .question, text: "", author: "", createdAt: .earliest), [
        .field("id", \.id, .string),
        .field("contact", \.contact, .string),
        .field("kind", \.kind, .choice()),
        .field("state", \.state, .choice()),
        .field("text", \.text, .string),
        .optional("due", \.due, .timestamp),
        .optional("assignee", \.assignee, .string),
        .optional("answer", \.answer, .string),
        .field("attachments", \.attachments, .records()),
        .field("author", \.author, .string),
        .field("created_at", \.createdAt, .timestamp),
        .field("updated_at", \.updatedAt, .timestamp),
    ]) { t throws(JSONParseError) in
        guard Tasks.table.ids.isValid(t.id) else { throw JSONParseError("field \"id\" is not a task id: \"\(t.id)\"") }
    }

    /// Every write of a task goes through here (`ShardedTable.put`): its agenda row follows.
    public static func noteChange(from before: ClientTask?, to after: ClientTask, in tx: Transaction) {
        tx.pendingIndexChanges.note(.task(after))
    }

    /// Still waiting on the client (outstanding or read) past its due time; an answered or
    /// done task is not overdue, whatever its due time.
    public func isOverdue(at now: Timestamp) -> Bool {
        (state == .outstanding || state == .read) && due.map { $0 < now } ?? false
    }

    /// The warning for a due time given in the past: taken, since a firm may record a task
    /// late, but said, since a typo (last year's date) is more likely.
    public static func pastDueWarning(_ due: Timestamp?, now: Timestamp) -> String? {
        guard let due, due < now else { return nil }
        return "warning: the due time \(due.localDescription) is already past (\(due.age(relativeTo: now))); the task is overdue from the start"
    }
}

public struct TaskFilter: Sendable {
    /// Nil: every state but done.
    public var states: Set<ClientTask.State>?
    public var contact: String?
    public var assignee: String?
    public var overdue = false
    public var limit: Int?

    public init() {}
}

public enum Tasks {
    public static let table = ShardedTable<ClientTask>(directory: "tasks", prefix: "tk", noun: "task")

    public static func create(contact id: String, kind: ClientTask.Kind, text: String, due: Timestamp?, assignee: String?,
                              attachments: [String], author: String, now: Timestamp, in tx: Transaction) throws(InboxError) -> ClientTask {
        let contact = try Contacts.resolve(id, in: tx)
        guard !text.trimmingWhitespace().isEmpty else { throw InboxError.usage("the task text is empty") }
        if let assignee { try Users.requireKnown(assignee, in: tx) }
        var task = ClientTask(id: try table.nextID(in: tx), contact: contact.id, kind: kind, text: text, author: author, createdAt: now)
        task.due = due
        task.assignee = assignee
        for path in attachments {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            task.attachments.append(try Attachments.store(path: path, displayName: name, in: tx))
        }
        try table.insert(task, in: tx)
        tx.pendingIndexChanges.know(contact)
        return task
    }

    public static func update(_ id: String, state: ClientTask.State?, answer: String?, due: Timestamp??, assignee: String??,
                              now: Timestamp, in tx: Transaction) throws(InboxError) -> ClientTask {
        var task = try table.resolve(id, in: tx)
        if let state { task.state = state }
        if let answer {
            task.answer = answer
            if state == nil && task.state != .done { task.state = .answered }
        }
        if let due { task.due = due }
        if let assignee {
            if let user = assignee { try Users.requireKnown(user, in: tx) }
            task.assignee = assignee
        }
        task.updatedAt = now
        try table.put(task, in: tx)
        return task
    }

    /// Tasks by due date (undated last), then id.
    public static func list(_ filter: TaskFilter, now: Timestamp, in session: Session) throws(InboxError) -> [ClientTask] {
        let contact = try filter.contact.map { (id) throws(InboxError) in try Contacts.resolve(id, in: session).id }
        var out = try table.all(in: session).filter { t in
            (filter.states.map { $0.contains(t.state) } ?? (t.state != .done))
                && (contact == nil || t.contact == contact) && (filter.assignee == nil || t.assignee == filter.assignee)
                && (!filter.overdue || t.isOverdue(at: now))
        }
        // Undated last; then creation order (sequential ids by number; minted ones, which say
        // nothing of time, by when they were made), id as tie-break. Keys computed once each,
        // not twice per comparison (10,000 tasks).
        let keyed = out.map { t in (key: (t.due?.seconds ?? Int64.max, table.number(of: t.id) == nil ? t.createdAt.seconds : Int64.min, table.ids.order(t.id)), task: t) }
        out = keyed.sorted { $0.key < $1.key }.map(\.task)
        if let limit = filter.limit { out = Array(out.prefix(limit)) }
        return out
    }

    public static func of(contact: String, in session: Session) throws(InboxError) -> [ClientTask] {
        var filter = TaskFilter()
        filter.states = Set(ClientTask.State.allCases)
        filter.contact = contact
        return try list(filter, now: Timestamp(seconds: 0), in: session)
    }
}
