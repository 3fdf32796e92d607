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

    /// A row's place in its file, and its conversation, read from its bytes (`SortedLines`).
    struct Key: Comparable {
        let seconds: Int64
        let order: IDOrder
        let id: String

        init(_ conversation: Conversation) {
            seconds = conversation.activityAt.seconds
            order = Conversations.table.ids.order(conversation.id)
            id = conversation.id
        }

        init(seconds: Int64, id: String) {
            self.seconds = seconds
            self.order = Conversations.table.ids.order(id)
            self.id = id
        }

        static func < (a: Key, b: Key) -> Bool { (a.seconds, a.order) < (b.seconds, b.order) }
        static func == (a: Key, b: Key) -> Bool { a.seconds == b.seconds && a.order == b.order }
    }

    private static let atOpening = Array(#"{"at":"#.utf8)
    private static let nameOpening = Array(#","contact_name":""#.utf8)
    private static let conversationOpening = Array(#","conversation":{"id":"#.utf8)

    /// `{"at":"T","contact_name":"…","conversation":{"id":"cvN",…}}`, as `schema` writes a row
    /// (the conversation's fields follow its id; no string holds an unescaped quote, so the
    /// first `,"conversation":{"id":` after the name is the field). Nil for any other shape.
    static func key(_ line: UnsafeBufferPointer<UInt8>) -> Key? {
        var cursor = StoredLineCursor(line)
        guard cursor.take(atOpening), let atRange = cursor.stringBytes(),
              let at = Timestamp.parseISO(UnsafeBufferPointer(rebasing: line[atRange])), cursor.take(nameOpening),
              let field = LineFields.find(conversationOpening, in: line, from: cursor.at) else { return nil }
        cursor.at = field
        guard cursor.take(conversationOpening), let id = cursor.string(),
              line.count >= 2, line[line.count - 2] == 0x7D, line[line.count - 1] == 0x7D else { return nil }
        return Key(seconds: at.seconds, id: id)
    }
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
        func name(of c: Conversation) throws(InboxError) -> String {
            if let name = renamed[c.contact] ?? knownNames[c.id] { return name }
            return try Contacts.table.lookup(c.contact, in: tx)?.displayName ?? c.contact
        }
        for (n, path) in Set(leaving.keys).union(arriving.keys).sorted().enumerated() {
            let ids = leaving[path] ?? [], coming = arriving[path] ?? []
            if try !splice(path, leaving: ids, arriving: coming, learned: { knownNames[$0] = $1 }, name: name, in: tx) {
                // A file read already, or one whose lines are not as the store writes them.
                var rows = try tx.records(path, as: ActivityRow.self)
                var existed = !rows.isEmpty
                if !existed { existed = try tx.bytes(path) != nil }
                rows.removeAll { row in
                    guard ids.contains(row.conversation.id) else { return false }
                    knownNames[row.conversation.id] = row.contactName
                    return true
                }
                for c in coming { rows.append(ActivityRow(conversation: c, contactName: try name(of: c))) }
                if rows.isEmpty {
                    if existed { tx.remove(path) }
                } else {
                    tx.stage(path, records: rows.sorted { $0.order < $1.order })
                }
            }
            if (n + 1) % DerivedFiles.stretch == 0 { try tx.limitMemory() }
        }
        try tx.limitMemory()
    }

    /// `update` of one file as bytes (`SortedLines`): only the rows leaving are decoded (for
    /// their names) and only those arriving encoded. False when the file was read already in
    /// this change or its lines are not as the store writes them; then nothing was done.
    private static func splice(_ path: String, leaving ids: Set<String>, arriving: [Conversation],
                               learned: (_ conversation: String, _ name: String) -> Void, name: (Conversation) throws(InboxError) -> String,
                               in tx: Transaction) throws(InboxError) -> Bool {
        guard !tx.isParsed(path) else { return false }
        let bytes = try tx.bytes(path)
        guard let file = SortedLines(bytes ?? [], key: ActivityRow.key) else { return false }
        let display = tx.displayPath(path)
        var dropped = 0
        for line in file.lines where ids.contains(line.key.id) {
            dropped += 1
            try JSONLines.decodeNumbered(file.text(of: line), path: display, as: ActivityRow.self, onProblem: { (_, reason) throws(InboxError) in
                throw InboxError.badData(path: display, line: line.number, reason: reason)
            }) { row, _ in learned(row.conversation.id, row.contactName) }
        }
        var adding: [(key: ActivityRow.Key, line: [UInt8])] = []
        for c in arriving {
            var line: [UInt8] = []
            ActivityRow.schema.write(ActivityRow(conversation: c, contactName: try name(c)), into: &line)
            adding.append((ActivityRow.Key(c), line))
        }
        guard dropped > 0 || !adding.isEmpty else { return true }
        if dropped == file.lines.count && adding.isEmpty {
            tx.remove(path)
        } else {
            tx.stage(path, file.spliced(dropping: { ids.contains($0.key.id) }, adding: adding))
        }
        return true
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
