/// `index/activity/YYYY-MM-DDTHH.jsonl`: one row per conversation, in the file of the hour of
/// its last activity, sorted by (last activity, id). A row carries what `conversation list`
/// shows, the contact's name included, so the default listing reads the newest few small files
/// and stops once it has its page: its cost follows the page, not the repository. Derived: the
/// write path keeps it (`DerivedIndexes`), fsck checks it and `fsck --repair` rebuilds it.
public struct ActivityRow: StoredRecord {
    /// The conversation's last activity when the row was filed: the hour names the file.
    public var at: Timestamp
    public var contactName: String
    public var conversation: Conversation

    public init(conversation: Conversation, contactName: String) {
        self.at = conversation.activityAt
        self.conversation = conversation
        self.contactName = contactName
    }

    public static let schema = RecordSchema(blank: ActivityRow(conversation: Conversation.blank, contactName: ""), [
        .field("at", \.at, .timestamp),
        .field("contact_name", \.contactName, .string),
        .field("conversation", \.conversation, .record()),
    ]) { row throws(JSONParseError) in
        guard row.conversation.activityAt == row.at else { throw JSONParseError("field \"at\" is not the conversation's last activity") }
    }

    var order: (Int64, IDOrder) { (conversation.activityAt.seconds, Conversations.table.ids.order(conversation.id)) }
}

public enum ActivityIndex {
    static let directory = "index/activity"

    static func file(for time: Timestamp) -> String { directory + "/" + hour(time) + ".jsonl" }

    /// `2026-06-01T10`: file names sort in time order because years have four digits.
    static func hour(_ time: Timestamp) -> String { String(time.iso.prefix(13)) }

    /// Rows newest first (or oldest first), from the hour of `from` on, until `body` says stop.
    static func forEach(in session: Session, newestFirst: Bool, from: Timestamp? = nil, to: Timestamp? = nil,
                        _ body: (ActivityRow) throws(InboxError) -> Bool) throws(InboxError) {
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        var names = try session.list(directory).filter { $0.hasSuffix(".jsonl") }
        if newestFirst { names.reverse() }
        let first = from.map(hour), last = to.map(hour)
        for name in names {
            let stem = String(name.dropLast(6))
            if let first, newestFirst ? stem > first : stem < first { continue }
            if let last, newestFirst ? stem < last : stem > last { return }
            var rows = try session.records(directory + "/" + name, as: ActivityRow.self)
            if newestFirst { rows.reverse() }
            for row in rows { guard try body(row) else { return } }
        }
    }

    /// Moves the rows of changed conversations to the hour of their last activity, and renames
    /// the rows of renamed contacts.
    static func update(_ changes: [String: (before: Conversation?, after: Conversation)], renamed: [String: String],
                       in tx: Transaction) throws(InboxError) {
        var changes = changes
        for contact in renamed.keys.sorted() {
            for c in try Conversations.of(contact: contact, in: tx) where changes[c.id] == nil { changes[c.id] = (c, c) }
        }
        guard !changes.isEmpty else { return }
        var leaving: [String: Set<String>] = [:]
        var arriving: [String: [Conversation]] = [:]
        for (id, change) in changes {
            if let before = change.before { leaving[file(for: before.activityAt), default: []].insert(id) }
            arriving[file(for: change.after.activityAt), default: []].append(change.after)
        }
        // Each file is read, changed and staged once, one at a time, so a flush that moves
        // 10,000 rows out of thousands of hour files holds one of them at a time (the memory
        // budget spills the rest). In path order, so a row moving to a later hour (a send: to
        // now) has its name from the row it leaves; one moving earlier looks its contact up.
        var knownNames: [String: String] = [:]
        let paths = Set(leaving.keys).union(arriving.keys).sorted()
        for (n, path) in paths.enumerated() {
            // Parsed a stretch at a time on every core; the budget is kept between stretches.
            if n % DerivedFiles.stretch == 0 { try tx.preload(Array(paths[n..<min(paths.count, n + DerivedFiles.stretch)]), as: ActivityRow.self) }
            var rows = try tx.records(path, as: ActivityRow.self)
            var existed = !rows.isEmpty
            if !existed { existed = try tx.bytes(path) != nil }
            if let ids = leaving[path] {
                rows.removeAll { row in
                    guard ids.contains(row.conversation.id) else { return false }
                    knownNames[row.conversation.id] = row.contactName
                    return true
                }
            }
            for c in arriving[path] ?? [] {
                var name = renamed[c.contact] ?? knownNames[c.id]
                if name == nil { name = try Contacts.table.lookup(c.contact, in: tx)?.displayName }
                rows.append(ActivityRow(conversation: c, contactName: name ?? c.contact))
            }
            if rows.isEmpty {
                if existed { tx.remove(path) }
            } else {
                tx.stage(path, records: rows.sorted { $0.order < $1.order })
            }
            if (n + 1) % DerivedFiles.stretch == 0 { try tx.limitMemory() }
        }
        try tx.limitMemory()
    }

    /// The index as the conversations and contacts say it should be, by file.
    static func derived(from conversations: [Conversation], names: [String: String]) -> [String: [ActivityRow]] {
        var files: [String: [ActivityRow]] = [:]
        for c in conversations {
            files[file(for: c.activityAt), default: []].append(ActivityRow(conversation: c, contactName: names[c.contact] ?? c.contact))
        }
        for path in files.keys { files[path]!.sort { $0.order < $1.order } }
        return files
    }

    /// Rewrites every file that differs from what the records say; returns the files rewritten.
    @discardableResult
    static func rebuild(in tx: Transaction) throws(InboxError) -> [String] {
        var names: [String: String] = [:]
        for file in try Contacts.table.shardFiles(in: tx) {
            guard let bytes = try tx.bytes(file) else { continue }
            try JSONLines.decodeNumbered(bytes, path: tx.displayPath(file), as: Contact.self) { (contact, _) throws(InboxError) in
                names[contact.id] = contact.displayName
            }
        }
        let wanted = derived(from: try Conversations.table.all(in: tx), names: names)
        return try DerivedFiles.rewrite(directory, to: wanted.mapValues { JSONLines.encode($0) }, in: tx)
    }
}
