/// One entry in a contact's communication log: a call, meeting, email, note or anything else
/// that happened outside the inbox (the "Communications History" of the reference products).
public struct LogEntry: IdentifiedRecord, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case call, meeting, email, note, other }
    public enum Outcome: String, CaseIterable, Sendable { case completed, missed, failed, voicemail }

    public var id: String
    public var contact: String
    public var kind: Kind
    public var direction: Message.Direction?
    public var outcome: Outcome?
    public var durationSeconds: Int64?
    public var recording: Attachment?
    public var text: String
    public var at: Timestamp
    public var author: String
    public var createdAt: Timestamp

    public init(id: String, contact: String, kind: Kind, text: String, at: Timestamp, author: String, createdAt: Timestamp) {
        self.id = id
        self.contact = contact
        self.kind = kind
        self.text = text
        self.at = at
        self.author = author
        self.createdAt = createdAt
    }

    public static let schema = RecordSchema(blank: LogEntry(id: "", contact: "", kind: .note, text: "", at: .earliest, author: "", createdAt: .earliest), [
        .field("id", \.id, .string),
        .field("contact", \.contact, .string),
        .field("kind", \.kind, .choice()),
        .optional("direction", \.direction, .choice()),
        .optional("outcome", \.outcome, .choice()),
        .optional("duration_seconds", \.durationSeconds, .int),
        .optional("recording", \.recording, .record()),
        .field("text", \.text, .string),
        .field("at", \.at, .timestamp),
        .field("author", \.author, .string),
        .field("created_at", \.createdAt, .timestamp),
    ])
}

/// What `log add` is given.
public struct LogDraft: Sendable {
    public var contact: String
    public var kind: LogEntry.Kind
    public var text: String
    public var direction: Message.Direction?
    public var outcome: LogEntry.Outcome?
    public var durationSeconds: Int64?
    public var recordingPath: String?
    public var at: Timestamp?

    public init(contact: String, kind: LogEntry.Kind, text: String) {
        self.contact = contact
        self.kind = kind
        self.text = text
    }
}

public struct LogFilter: Sendable {
    public var contact: String?
    public var kind: LogEntry.Kind?
    public var since: Timestamp?
    public var until: Timestamp?
    public var limit: Int?

    public init() {}
}

/// The log, kept beside its contacts: `log/0000.jsonl` holds the entries of ct1–ct999.
public enum CommunicationLog {
    public static let prefix = "lg"
    public static let ids = IDSpace(prefix: prefix)
    static let directory = "log"

    static func file(for contact: String) -> String {
        directory + "/" + (Contacts.table.ids.shard(of: contact) ?? "0000") + ".jsonl"
    }

    public static func add(_ draft: LogDraft, author: String, now: Timestamp, in tx: Transaction) throws(InboxError) -> LogEntry {
        let contact = try Contacts.resolve(draft.contact, in: tx)
        guard !draft.text.trimmingWhitespace().isEmpty else { throw InboxError.usage("the log entry is empty") }
        if draft.kind != .call && draft.kind != .meeting && draft.outcome != nil {
            throw InboxError.usage("\(InputField.logOutcome) is for calls and meetings")
        }
        var entry = LogEntry(id: try ids.next(in: tx), contact: contact.id, kind: draft.kind, text: draft.text,
                             at: draft.at ?? now, author: author, createdAt: now)
        entry.direction = draft.direction
        entry.outcome = draft.outcome
        entry.durationSeconds = draft.durationSeconds
        if let path = draft.recordingPath {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            guard Attachments.kind(ofFileNamed: name) == .audio || Attachments.kind(ofFileNamed: name) == .video else {
                throw InboxError.usage("\(InputField.logRecording) takes an audio or video file, not \(name)")
            }
            entry.recording = try Attachments.store(path: path, displayName: name, in: tx)
        }
        let path = file(for: contact.id)
        var entries = try tx.records(path, as: LogEntry.self)
        entries.append(entry)
        tx.stage(path, records: entries)
        return entry
    }

    static func order(_ e: LogEntry) -> (Int64, IDOrder) { (e.at.seconds, ids.order(e.id)) }

    /// A contact's entries, oldest first.
    public static func of(_ contact: String, in session: Session) throws(InboxError) -> [LogEntry] {
        try session.records(file(for: contact), as: LogEntry.self).filter { $0.contact == contact }
            .sorted { order($0) < order($1) }
    }

    /// Entries newest first.
    public static func list(_ filter: LogFilter, in session: Session) throws(InboxError) -> [LogEntry] {
        var entries: [LogEntry]
        if let id = filter.contact {
            entries = try of(try Contacts.resolve(id, in: session).id, in: session)
        } else {
            entries = []
            for name in try session.list(directory) where name.hasSuffix(".jsonl") {
                entries += try session.records(directory + "/" + name, as: LogEntry.self)
            }
        }
        entries = entries.filter { e in
            (filter.kind == nil || e.kind == filter.kind) && (filter.since.map { e.at >= $0 } ?? true) && (filter.until.map { e.at <= $0 } ?? true)
        }
        entries.sort { order($0) > order($1) }
        if let limit = filter.limit { entries = Array(entries.prefix(limit)) }
        return entries
    }
}
