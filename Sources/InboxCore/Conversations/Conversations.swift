/// Which conversations a contact has, so receiving a message or listing one contact's threads
/// reads one small file: `index/contact-conversations/NNNN.jsonl` (1000 contact ids a file).
struct ContactConversation: StoredRecord, Equatable {
    var contact: String
    var conversation: String

    init(contact: String, conversation: String) {
        self.contact = contact
        self.conversation = conversation
    }

    static let schema = RecordSchema(blank: ContactConversation(contact: "", conversation: ""), [
        .field("contact", \.contact, .string),
        .field("conversation", \.conversation, .string),
    ])

    /// By contact, then conversation, in id order; for sequential ids the same as before minted ones.
    static func ordered(_ entries: [ContactConversation]) -> [ContactConversation] {
        entries.map { ((Contacts.table.ids.order($0.contact), Conversations.table.ids.order($0.conversation)), $0) }
            .sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Which conversations `conversation list` shows, and in what order.
public struct ConversationFilter: Sendable {
    public enum Ownership: Sendable, Equatable { case all, mine, unassigned, assignee(String) }
    public enum StatusFilter: String, CaseIterable, Sendable { case open, closed, all }

    public var ownership = Ownership.all
    public var status = StatusFilter.open
    public var category: Conversation.Category?
    public var channel: Channel?
    public var contact: String?
    public var tag: String?
    public var search: String?
    public var since: Timestamp?
    public var until: Timestamp?
    public var newestFirst = true
    public var limit: Int?
    public var after: String?

    public init() {}
}

/// A page of `conversation list`: the conversations, and the names of their contacts as the
/// activity index carries them (a contact's conversations alone leave it empty).
public struct ConversationListing: Sendable {
    public var conversations: [Conversation] = []
    public var contactNames: [String: String] = [:]
}

public enum Conversations {
    /// 100 a shard: every send, receive and close rewrites its conversation's shard, so the shard
    /// is kept small (about 50 KB) where contacts, changed less often, have 1000.
    public static let table = ShardedTable<Conversation>(directory: "conversations", prefix: "cv", noun: "conversation", perShard: 100)
    static let contactIndexDirectory = "index/contact-conversations"

    public static func resolve(_ input: String, in session: Session) throws(InboxError) -> Conversation {
        try table.resolve(input, in: session)
    }

    /// Beside the contact's shard: `index/contact-conversations/0000.jsonl`, `…/k3.jsonl`.
    static func contactIndexFile(_ contact: String) -> String {
        contactIndexDirectory + "/" + (Contacts.table.ids.shard(of: contact) ?? "0000") + ".jsonl"
    }

    /// A contact's conversations, oldest first.
    public static func of(contact: String, in session: Session) throws(InboxError) -> [Conversation] {
        var out: [Conversation] = []
        for entry in try session.records(contactIndexFile(contact), as: ContactConversation.self) where entry.contact == contact {
            if let conversation = try table.get(entry.conversation, in: session) { out.append(conversation) }
        }
        return out
    }

    public static func create(contact: Contact, channel: Channel, subject: String?, now: Timestamp, in tx: Transaction) throws(InboxError) -> Conversation {
        let conversation = Conversation(id: try table.nextID(in: tx), contact: contact.id, channel: channel,
                                        subject: subject.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() }, createdAt: now)
        try table.insert(conversation, in: tx)
        try index([conversation], in: tx)
        return conversation
    }

    /// Records new conversations in their contacts' lists, one rewrite per file.
    static func index(_ conversations: [Conversation], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [ContactConversation]] = [:]
        for c in conversations { byFile[contactIndexFile(c.contact), default: []].append(ContactConversation(contact: c.contact, conversation: c.id)) }
        for (path, added) in byFile {
            tx.stage(path, records: ContactConversation.ordered(try tx.records(path, as: ContactConversation.self) + added))
        }
    }

    /// The conversation a message to or from this contact on this channel belongs in: the open
    /// one, else the latest, else none.
    public static func current(contact: String, channel: Channel, in session: Session) throws(InboxError) -> Conversation? {
        let threads = try of(contact: contact, in: session).filter { $0.channel == channel }
        return threads.last { $0.status == .open } ?? threads.last
    }

    public static func assign(_ ids: [String], to user: String?, now: Timestamp, in tx: Transaction) throws(InboxError) -> [Conversation] {
        if let user { try Users.requireKnown(user, in: tx) }
        var changed: [Conversation] = []
        for id in ids {
            var conversation = try resolve(id, in: tx)
            guard conversation.assignee != user else { changed.append(conversation); continue }
            conversation.assignee = user
            conversation.updatedAt = now
            try table.put(conversation, in: tx)
            changed.append(conversation)
        }
        return changed
    }

    public static func reopen(_ conversation: inout Conversation, now: Timestamp) {
        conversation.status = .open
        conversation.closedAt = nil
        conversation.updatedAt = now
    }

    /// Filters, sorts by last activity and pages (`after` is the last id of the previous page).
    /// Reads the activity index from the newest (or oldest) hour until the page is full, so a
    /// page costs what it shows; one contact's conversations come from the contact's index.
    public static func list(_ filter: ConversationFilter, actor: String, in session: Session) throws(InboxError) -> ConversationListing {
        let key = { (c: Conversation) in (c.activityAt.seconds, table.ids.order(c.id)) }
        var mark: (Int64, IDOrder)?
        if let after = filter.after { mark = key(try resolve(after, in: session)) }
        let limit = filter.limit ?? Int.max
        var listing = ConversationListing()
        guard limit > 0 else { return listing }
        // Conversations with a message holding every word of the search (the word index).
        var texts: Set<String>?
        if let search = filter.search { texts = try MessageSearch.conversations(matching: search, in: session) }
        if let contact = filter.contact {
            let contactID = try Contacts.resolve(contact, in: session).id
            var matches: [Conversation] = []
            for c in try of(contact: contactID, in: session) where try admits(c, filter, actor: actor, session, texts: texts) { matches.append(c) }
            matches.sort { filter.newestFirst ? key($0) > key($1) : key($0) < key($1) }
            if let mark { matches = matches.filter { filter.newestFirst ? key($0) < mark : key($0) > mark } }
            listing.conversations = Array(matches.prefix(limit))
            return listing
        }
        var from = filter.newestFirst ? filter.until : filter.since
        let to = filter.newestFirst ? filter.since : filter.until
        if mark != nil, let cursor = filter.after { from = try resolve(cursor, in: session).activityAt }
        try ActivityIndex.forEach(in: session, newestFirst: filter.newestFirst, from: from, to: to) { (row) throws(InboxError) -> Bool in
            let c = row.conversation
            if let mark, filter.newestFirst ? key(c) >= mark : key(c) <= mark { return true }
            guard try admits(c, filter, actor: actor, session, contactName: row.contactName, texts: texts) else { return true }
            listing.conversations.append(c)
            listing.contactNames[c.contact] = row.contactName
            return listing.conversations.count < limit
        }
        return listing
    }

    static func admits(_ c: Conversation, _ filter: ConversationFilter, actor: String, _ session: Session,
                       contactName: String? = nil, texts: Set<String>? = nil) throws(InboxError) -> Bool {
        switch filter.status {
        case .open where c.status != .open, .closed where c.status != .closed: return false
        default: break
        }
        switch filter.ownership {
        case .all: break
        case .mine where c.assignee != actor: return false
        case .unassigned where c.assignee != nil: return false
        case .assignee(let user) where c.assignee != user: return false
        default: break
        }
        if let category = filter.category, c.category(for: actor) != category { return false }
        if let channel = filter.channel, c.channel != channel { return false }
        if let since = filter.since, c.activityAt < since { return false }
        if let until = filter.until, c.activityAt > until { return false }
        if let search = filter.search {
            let q = search.trimmingWhitespace().lowercased()
            let inRow = (c.subject?.lowercased().contains(q) ?? false) || (c.preview?.lowercased().contains(q) ?? false)
                || (contactName?.lowercased().contains(q) ?? false)
                || (texts?.contains(c.id) ?? false)
            // Emails and phone digits are on the contact, not the row.
            if !inRow, try Contacts.table.get(c.contact, in: session)?.matches(search: search) != true { return false }
        }
        if let tag = filter.tag, try Contacts.table.get(c.contact, in: session)?.hasTag(tag) != true { return false }
        return true
    }
}

extension Conversations {
    /// Records that `user` has read the conversation: a receipt on every inbound message they
    /// had not seen, and the unread marker cleared. Returns the messages, oldest first.
    public static func open(_ id: String, by user: String, now: Timestamp, in tx: Transaction) throws(InboxError) -> (Conversation, [Message]) {
        var conversation = try resolve(id, in: tx)
        var messages = try Messages.of(conversation.id, in: tx)
        var changed: [Message] = []
        for i in messages.indices where messages[i].direction == .inbound && !messages[i].seenBy.contains(where: { $0.by == user }) {
            messages[i].seenBy.append(Receipt(by: user, at: now))
            changed.append(messages[i])
        }
        if !changed.isEmpty { try Messages.save(changed, in: tx) }
        if conversation.unread {
            conversation.unread = false
            try table.put(conversation, in: tx)
        }
        return (conversation, messages)
    }
}
