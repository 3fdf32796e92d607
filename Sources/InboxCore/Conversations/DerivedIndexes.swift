/// What a transaction changed that derived files follow: the delivery queue, the message
/// locations and the activity index. Writers note each change as they make it; the indexes are
/// brought up to date once, just before the commit, so a flush or a batch of ten thousand
/// messages rewrites each index file once instead of once per message.
public struct PendingIndexChanges {
    /// Every change noted, in order. A batch takes a savepoint before each line and goes back
    /// to it when the line fails: a savepoint is a position in this log (copying the maps
    /// below for each line would make a batch quadratic). Indirect: each entry is a pointer, not
    /// two inline messages, so an import noting 100,000 contacts holds 100,000 small boxes.
    indirect enum Change {
        case message(before: Message?, after: Message)
        case conversation(before: Conversation?, after: Conversation)
        case renamed(contact: String, name: String)
        case searched(Contact)
        /// Many contacts changed in what a search matches or a row shows, in one entry sharing
        /// the caller's array (a bulk tag: 100,000 boxes and map entries cost a tenth of it).
        case searchedMany([Contact])
        case task(ClientTask)
        /// A thread's response record as it stands after a save (nil: none), taken from the
        /// records in hand: by the commit the memory budget may have spilled the thread.
        case responses(conversation: String, record: ResponseRecord?)
    }

    private(set) var log: [Change] = []
    /// `log[..<settled]` is in the derived files already.
    private(set) var settled = 0

    // What `log[settled...]` changed, by id: first version on disk (nil: new) and latest.
    private(set) var messages: [String: (before: Message?, after: Message)] = [:]
    private(set) var conversations: [String: (before: Conversation?, after: Conversation)] = [:]
    /// Contacts whose display name changed, with the new name: their listing rows follow.
    private(set) var renamedContacts: [String: String] = [:]
    /// Contacts added, or changed in what a search matches, noted one at a time after any
    /// list below that names them.
    private(set) var searchedContacts: [String: Contact] = [:]
    /// Lists noted by `searchedMany`, in order; a contact in one is superseded by a later list
    /// or by `searchedContacts` (see `searched`).
    private(set) var searchedLists: [[Contact]] = []
    /// Tasks added or changed, latest version: their agenda rows follow.
    private(set) var tasks: [String: ClientTask] = [:]
    /// Display names of contacts the change has just read (a task's contact), so their agenda
    /// rows need no second lookup. Not in the log: a name read is what the disk holds, and a
    /// rename noted in the change takes precedence over it.
    private(set) var knownNames: [String: String] = [:]
    /// Response records of threads saved, latest (see `Change.responses`).
    private(set) var responses: [String: ResponseRecord?] = [:]

    var isEmpty: Bool { settled == log.count }

    /// The latest version of each contact noted for the search index, each once. One list
    /// and nothing else (a bulk tag) is handed on as it is.
    var searched: [Contact] {
        if searchedContacts.isEmpty, searchedLists.count == 1 { return searchedLists[0] }
        var out = Array(searchedContacts.values)
        // A list's contact noted again later (alone, or in a later list) is left out; a set of
        // a list's ids is made only when an earlier list follows.
        var superseding = Set(searchedContacts.keys)
        for (n, list) in searchedLists.enumerated().reversed() {
            for contact in list where !superseding.contains(contact.id) { out.append(contact) }
            if n > 0 { superseding.formUnion(list.lazy.map(\.id)) }
        }
        return out
    }

    mutating func note(_ change: Change) {
        log.append(change)
        fold(change)
    }

    mutating func know(_ contact: Contact) { knownNames[contact.id] = contact.displayName }

    private mutating func fold(_ change: Change) {
        switch change {
        case .message(let before, let after):
            // The first version noted is what the disk holds.
            if let known = messages[after.id] { messages[after.id] = (known.before, after) } else { messages[after.id] = (before, after) }
        case .conversation(let before, let after):
            if let known = conversations[after.id] { conversations[after.id] = (known.before, after) } else { conversations[after.id] = (before, after) }
        case .renamed(let contact, let name):
            renamedContacts[contact] = name
        case .searched(let contact):
            searchedContacts[contact.id] = contact
        case .searchedMany(let contacts):
            // Versions noted one at a time before this list are superseded by it.
            if !searchedContacts.isEmpty { for contact in contacts { searchedContacts.removeValue(forKey: contact.id) } }
            searchedLists.append(contacts)
        case .task(let task):
            tasks[task.id] = task
        case .responses(let conversation, let record):
            responses[conversation] = .some(record)
        }
    }

    /// The derived files now hold everything noted so far.
    mutating func markSettled() {
        settled = log.count
        messages = [:]
        conversations = [:]
        renamedContacts = [:]
        searchedContacts = [:]
        searchedLists = []
        tasks = [:]
        knownNames = [:]
        responses = [:]
    }

    struct Position {
        let count: Int
        let settled: Int
    }

    var position: Position { Position(count: log.count, settled: settled) }

    /// Forgets what was noted after `position`, as the staged files go back to it.
    mutating func rollback(to position: Position) {
        log.removeLast(log.count - position.count)
        settled = position.settled
        messages = [:]
        conversations = [:]
        renamedContacts = [:]
        searchedContacts = [:]
        searchedLists = []
        tasks = [:]
        knownNames = [:]
        responses = [:]
        for change in log[settled...] { fold(change) }
    }
}

public enum DerivedIndexes {
    /// Brings every derived file up to date with what `tx` changed so far. Runs before each
    /// commit, and before a read of a derived file inside a transaction (a batch).
    public static func settle(_ tx: Transaction) throws(InboxError) {
        let pending = tx.pendingIndexChanges
        guard !pending.isEmpty else { return }
        tx.pendingIndexChanges.markSettled()
        try MessageLocations.add(pending.messages.values.compactMap { $0.before == nil ? $0.after : nil }, in: tx)
        let queueChanges = pending.messages.values.filter { DeliveryQueue.entry(for: $0.after) != nil || $0.before.flatMap(DeliveryQueue.entry(for:)) != nil }
        if !queueChanges.isEmpty { try DeliveryQueue.update(queueChanges.map(\.after), in: tx) }
        try ActivityIndex.update(pending.conversations, renamed: pending.renamedContacts, in: tx)
        try ContactSearchIndex.update(pending.searched, in: tx)
        try TaskAgenda.update(pending.tasks, renamed: pending.renamedContacts, known: pending.knownNames, in: tx)
        try ResponseIndex.update(conversations: ResponseIndex.affected(by: pending.messages.values), known: pending.responses, in: tx)
        // Only messages move words; a task or contact change would otherwise read the recent-words file.
        if !pending.messages.isEmpty { try WordIndex.update(pending.messages, in: tx) }
    }
}

extension Conversation {
    public static func noteChange(from before: Conversation?, to after: Conversation, in tx: Transaction) {
        tx.pendingIndexChanges.note(.conversation(before: before, after: after))
    }
}

extension Contact {
    public static func noteChange(from before: Contact?, to after: Contact, in tx: Transaction) {
        if let before, before.isRenamed(to: after) { tx.pendingIndexChanges.note(.renamed(contact: after.id, name: after.displayName)) }
        if before.map({ ContactSearchEntry.differ($0, after) }) ?? true {
            tx.pendingIndexChanges.note(.searched(after))
        }
    }
}

/// `index/messages/NNNN.jsonl`: which conversation holds each message (1000 ids a file).
enum MessageLocations {
    static func add(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [MessageLocation]] = [:]
        for m in messages {
            byFile[Messages.indexFile(forMessage: m.id), default: []].append(MessageLocation(message: m.id, conversation: m.conversation))
        }
        for (path, added) in byFile {
            let records = try tx.records(path, as: MessageLocation.self) + added
            let keyed = records.map { (Messages.order($0.message), $0) }.sorted { $0.0 < $1.0 }
            tx.stage(path, records: keyed.map(\.1))
        }
    }
}
