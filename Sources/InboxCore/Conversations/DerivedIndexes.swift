/// What a transaction changed that derived files follow: the delivery queue, the message
/// locations and the activity index. Writers note each change as they make it; the indexes are
/// brought up to date once, just before the commit, so a flush or a batch of ten thousand
/// messages rewrites each index file once instead of once per message.
public struct PendingIndexChanges {
    /// First version on disk (nil: new) and latest version, by id.
    var messages: [String: (before: Message?, after: Message)] = [:]
    var conversations: [String: (before: Conversation?, after: Conversation)] = [:]
    /// Contacts whose display name changed, with the new name: their listing rows follow.
    var renamedContacts: [String: String] = [:]
    /// Contacts added, or changed in what a search matches.
    var searchedContacts: [String: Contact] = [:]

    var isEmpty: Bool { messages.isEmpty && conversations.isEmpty && renamedContacts.isEmpty && searchedContacts.isEmpty }

    mutating func message(from before: Message?, to after: Message) {
        if let known = messages[after.id] { messages[after.id] = (known.before, after) } else { messages[after.id] = (before, after) }
    }

    mutating func conversation(from before: Conversation?, to after: Conversation) {
        if let known = conversations[after.id] { conversations[after.id] = (known.before, after) } else { conversations[after.id] = (before, after) }
    }
}

public enum DerivedIndexes {
    /// Brings every derived file up to date with what `tx` changed so far. Runs before each
    /// commit, and before a read of a derived file inside a transaction (a batch).
    public static func settle(_ tx: Transaction) throws(InboxError) {
        let pending = tx.pendingIndexChanges
        guard !pending.isEmpty else { return }
        tx.pendingIndexChanges = PendingIndexChanges()
        try MessageLocations.add(pending.messages.values.compactMap { $0.before == nil ? $0.after : nil }, in: tx)
        let queueChanges = pending.messages.values.filter { DeliveryQueue.entry(for: $0.after) != nil || $0.before.flatMap(DeliveryQueue.entry(for:)) != nil }
        if !queueChanges.isEmpty { try DeliveryQueue.update(queueChanges.map(\.after), in: tx) }
        try ActivityIndex.update(pending.conversations, renamed: pending.renamedContacts, in: tx)
        try ContactSearchIndex.update(Array(pending.searchedContacts.values), in: tx)
        try ResponseIndex.update(conversations: Set(pending.messages.values.map(\.after.conversation)), in: tx)
    }
}

extension Conversation {
    public static func noteChange(from before: Conversation?, to after: Conversation, in tx: Transaction) {
        tx.pendingIndexChanges.conversation(from: before, to: after)
    }
}

extension Contact {
    public static func noteChange(from before: Contact?, to after: Contact, in tx: Transaction) {
        if let before, before.displayName != after.displayName { tx.pendingIndexChanges.renamedContacts[after.id] = after.displayName }
        if before.map({ ContactSearchEntry($0) != ContactSearchEntry(after) }) ?? true {
            tx.pendingIndexChanges.searchedContacts[after.id] = after
        }
    }
}

/// `index/messages/NNNN.jsonl`: which conversation holds each message (1000 ids a file).
enum MessageLocations {
    static func add(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [MessageLocation]] = [:]
        for m in messages {
            byFile[Messages.indexFile(forMessage: Messages.number(of: m.id) ?? 0), default: []].append(MessageLocation(message: m.id, conversation: m.conversation))
        }
        for (path, added) in byFile {
            let records = try tx.records(path, as: MessageLocation.self) + added
            let keyed = records.map { (Messages.number(of: $0.message) ?? 0, $0) }.sorted { $0.0 < $1.0 }
            tx.stage(path, records: keyed.map(\.1))
        }
    }
}
