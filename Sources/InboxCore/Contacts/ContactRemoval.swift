/// One contact `contact delete` removes, with what goes with it (only with `--force`).
public struct ContactDeletion: Sendable {
    public var contact: Contact
    public var removed: ContactReferences
}

extension Contacts {
    /// What deleting these contacts would remove. Refused (exit 1, naming what exists) while
    /// anything refers to one of them, unless `force`.
    public static func deletions(_ ids: [String], force: Bool, in session: Session) throws(InboxError) -> [ContactDeletion] {
        var out: [ContactDeletion] = []
        var seen = Set<String>()
        for id in ids {
            let contact = try resolve(id, in: session)
            guard seen.insert(contact.id).inserted else { continue }
            out.append(ContactDeletion(contact: contact, removed: try ContactReferences.of(contact.id, in: session)))
        }
        let blocked = out.filter { !$0.removed.isEmpty }
        if !force, !blocked.isEmpty {
            let named = blocked.map { "\($0.contact.id) \($0.contact.displayName) has \($0.removed.summary)" }.joined(separator: "; ")
            throw InboxError.refused("\(named): nothing was deleted (\(Remedy.deleteReferencesToo(plural: blocked.count != 1)))")
        }
        return out
    }

    /// Removes the contacts and everything `deletions` lists, in one change.
    public static func delete(_ deletions: [ContactDeletion], in tx: Transaction) throws(InboxError) {
        // What earlier steps of a batch noted must reach the indexes before rows are taken out.
        try DerivedIndexes.settle(tx)
        let ids = Set(deletions.map(\.contact.id))
        try ConversationRemoval.remove(deletions.flatMap(\.removed.conversations), in: tx)
        for d in deletions {
            let id = d.contact.id
            if let notes = ContactNotes.file(for: id) { try removeLines(notes, as: ContactNote.self, in: tx) { $0.contact == id } }
            try removeLines(CommunicationLog.file(for: id), as: LogEntry.self, in: tx) { $0.contact == id }
            var bare = d.contact
            bare.phones = []
            bare.emails = []
            try AddressIndex.update(from: d.contact, to: bare, in: tx)
        }
        let tasks = Set(deletions.flatMap { $0.removed.tasks.map(\.id) })
        try removeRecords(tasks, from: Tasks.table, in: tx)
        try TaskAgenda.remove(tasks, in: tx)
        try ContactSearchIndex.remove(ids, in: tx)
        try removeRecords(ids, from: table, in: tx)
        try ContactMerges.forget(ids, in: tx)
    }

    static func removeLines<R: StoredRecord>(_ file: String, as type: R.Type, in tx: Transaction, where gone: (R) -> Bool) throws(InboxError) {
        let records = try tx.records(file, as: R.self)
        let kept = records.filter { !gone($0) }
        guard kept.count != records.count else { return }
        if kept.isEmpty { tx.remove(file) } else { tx.stage(file, records: kept) }
    }
}

extension ContactSearchIndex {
    /// Drops the entries of contacts that no longer exist.
    static func remove(_ ids: Set<String>, in tx: Transaction) throws(InboxError) {
        let files = Set(ids.compactMap(file(for:)))
        for path in files { try Contacts.removeLines(path, as: ContactSearchEntry.self, in: tx) { ids.contains($0.id) } }
    }
}

/// Taking whole conversations out (`contact delete --force`): their records, thread files, and
/// every derived line about them (activity rows, message locations, delivery queue, responses,
/// the contact's list). Runs after the pending index changes were settled.
enum ConversationRemoval {
    static func remove(_ conversations: [Conversation], in tx: Transaction) throws(InboxError) {
        guard !conversations.isEmpty else { return }
        let ids = Set(conversations.map(\.id))
        var messageIDs = Set<String>()
        var messages: [Message] = []
        for c in conversations {
            let thread = Messages.file(forConversation: c.id)
            for m in try tx.records(thread, as: Message.self) { messageIDs.insert(m.id); messages.append(m) }
            if try tx.bytes(thread) != nil { tx.remove(thread) }
        }
        try WordIndex.remove(messages, in: tx)
        let locationFiles = Set(messageIDs.map { Messages.indexFile(forMessage: $0) })
        for path in locationFiles { try Contacts.removeLines(path, as: MessageLocation.self, in: tx) { messageIDs.contains($0.message) } }
        let queue = try DeliveryQueue.all(tx)
        let keptQueue = queue.filter { !ids.contains($0.conversation) }
        if keptQueue.count != queue.count { tx.stage(DeliveryQueue.file, records: keptQueue) }
        try ResponseIndex.update(conversations: ids, in: tx)
        for path in Set(conversations.map { ActivityIndex.file(for: $0.activityAt) }) {
            try Contacts.removeLines(path, as: ActivityRow.self, in: tx) { ids.contains($0.conversation.id) }
        }
        for path in Set(conversations.map { Conversations.contactIndexFile($0.contact) }) {
            try Contacts.removeLines(path, as: ContactConversation.self, in: tx) { ids.contains($0.conversation) }
        }
        try Contacts.removeRecords(ids, from: Conversations.table, in: tx)
    }
}
