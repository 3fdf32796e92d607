/// Everything that names a contact: what `contact delete` refuses over (or removes with
/// `--force`) and what `contact merge` and `conversation move` carry to another contact.
public struct ContactReferences: Sendable {
    public var contact: String
    public var conversations: [Conversation] = []
    public var notes: [ContactNote] = []
    public var tasks: [ClientTask] = []
    public var logEntries: [LogEntry] = []

    public var isEmpty: Bool { conversations.isEmpty && notes.isEmpty && tasks.isEmpty && logEntries.isEmpty }

    /// "2 conversations, 1 note, 3 log entries", or "nothing else".
    public var summary: String {
        let parts = [(conversations.count, "conversation", "conversations"), (notes.count, "note", "notes"),
                     (tasks.count, "task", "tasks"), (logEntries.count, "log entry", "log entries")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
        return parts.isEmpty ? "nothing else" : parts.joined(separator: ", ")
    }

    public static func of(_ contact: String, in session: Session) throws(InboxError) -> ContactReferences {
        var refs = ContactReferences(contact: contact)
        refs.conversations = try Conversations.of(contact: contact, in: session)
        if let path = ContactNotes.file(for: contact) {
            refs.notes = try session.records(path, as: ContactNote.self).filter { $0.contact == contact }
        }
        refs.tasks = try Tasks.table.all(in: session).filter { $0.contact == contact }
        refs.logEntries = try session.records(CommunicationLog.file(for: contact), as: LogEntry.self).filter { $0.contact == contact }
        return refs
    }
}

/// Moving records from one contact to another, keeping every derived file in step.
enum ContactMove {
    /// Gives conversations (with their messages, closing notes and index entries) to `keep`.
    /// The activity rows take `keep`'s name at commit.
    static func conversations(_ moving: [Conversation], to keep: Contact, now: Timestamp, in tx: Transaction) throws(InboxError) {
        guard !moving.isEmpty else { return }
        var indexChanges: [String: (remove: Set<String>, add: [ContactConversation])] = [:]
        for c in moving where c.contact != keep.id {
            var moved = c
            moved.contact = keep.id
            moved.updatedAt = now
            try Conversations.table.put(moved, in: tx)
            let messages = try Messages.of(c.id, in: tx).map { m in var m = m; m.contact = keep.id; return m }
            if !messages.isEmpty { try Messages.save(messages, in: tx) }
            indexChanges[Conversations.contactIndexFile(c.contact), default: ([], [])].remove.insert(c.id)
            indexChanges[Conversations.contactIndexFile(keep.id), default: ([], [])].add.append(ContactConversation(contact: keep.id, conversation: c.id))
            try notes(of: c.contact, to: keep.id, in: tx) { $0.conversation == c.id }
        }
        for (path, change) in indexChanges {
            let entries = try tx.records(path, as: ContactConversation.self).filter { !change.remove.contains($0.conversation) } + change.add
            tx.stage(path, records: ContactConversation.ordered(entries))
        }
        // A moved row keeps the name it had unless told the contact's name (ActivityIndex.update).
        tx.pendingIndexChanges.note(.renamed(contact: keep.id, name: keep.displayName))
    }

    /// Moves `from`'s notes that `which` selects to `to`'s notes file.
    static func notes(of from: String, to: String, in tx: Transaction, which: (ContactNote) -> Bool = { _ in true }) throws(InboxError) {
        guard let source = ContactNotes.file(for: from), let target = ContactNotes.file(for: to) else { return }
        try relocate(from: source, to: target, as: ContactNote.self, in: tx,
                     moves: { $0.contact == from && which($0) }, change: { $0.contact = to },
                     order: { ContactNotes.ids.order($0.id) })
    }

    static func logEntries(of from: String, to: String, in tx: Transaction) throws(InboxError) {
        try relocate(from: CommunicationLog.file(for: from), to: CommunicationLog.file(for: to), as: LogEntry.self, in: tx,
                     moves: { $0.contact == from }, change: { $0.contact = to },
                     order: { CommunicationLog.ids.order($0.id) })
    }

    static func tasks(_ tasks: [ClientTask], to: String, now: Timestamp, in tx: Transaction) throws(InboxError) {
        guard !tasks.isEmpty else { return }
        try Tasks.table.put(tasks.map { t in var t = t; t.contact = to; t.updatedAt = now; return t }, in: tx)
    }

    /// Takes the records `moves` selects out of `source`, changes them, and adds them to
    /// `target` (which may be the same file) in id order; an emptied file is removed.
    static func relocate<R: StoredRecord>(from source: String, to target: String, as type: R.Type, in tx: Transaction,
                                          moves: (R) -> Bool, change: (inout R) -> Void, order: (R) -> IDOrder) throws(InboxError) {
        let records = try tx.records(source, as: R.self)
        var moving = records.filter(moves)
        guard !moving.isEmpty else { return }
        for i in moving.indices { change(&moving[i]) }
        let staying = records.filter { !moves($0) }
        if source != target {
            if staying.isEmpty { tx.remove(source) } else { tx.stage(source, records: staying) }
        }
        let base = source == target ? staying : try tx.records(target, as: R.self)
        tx.stage(target, records: (base + moving).map { (order($0), $0) }.sorted { $0.0 < $1.0 }.map { $0.1 })
    }
}

extension Contacts {
    /// `conversation move CV --contact ID`: the conversation, its messages and its closing notes
    /// now belong to another contact. Returns it as it is now, and whose it was.
    public static func moveConversation(_ id: String, to contactID: String, now: Timestamp,
                                        in tx: Transaction) throws(InboxError) -> (conversation: Conversation, from: String) {
        let conversation = try Conversations.resolve(id, in: tx)
        let target = try resolve(contactID, in: tx)
        guard conversation.contact != target.id else { return (conversation, conversation.contact) }
        try DerivedIndexes.settle(tx)
        try ContactMove.conversations([conversation], to: target, now: now, in: tx)
        return (try Conversations.resolve(conversation.id, in: tx), conversation.contact)
    }

    /// Takes records out of their shards (a deleted or merged contact, a deleted conversation),
    /// each shard rewritten once; an emptied shard is removed.
    static func removeRecords<R: IdentifiedRecord>(_ ids: Set<String>, from table: ShardedTable<R>, in tx: Transaction) throws(InboxError) {
        var byShard: [String: Set<String>] = [:]
        for id in ids { if let file = table.shardFile(of: id) { byShard[file, default: []].insert(id) } }
        for (file, gone) in byShard {
            let records = try tx.records(file, as: R.self)
            let kept = records.filter { !gone.contains($0.id) }
            guard kept.count != records.count else { continue }
            if kept.isEmpty { tx.remove(file) } else { tx.stage(file, records: kept) }
        }
    }
}
