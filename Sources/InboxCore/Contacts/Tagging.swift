/// `contact tag`: adding and removing tags on many contacts in one change. Tags compare
/// without case and keep the spelling they were first written with.
public struct TagChange: Sendable {
    public var add: [String] = []
    public var remove: [String] = []

    public init() {}

    func apply(to tags: [String]) -> [String] {
        Tags.merge(Tags.removing(tags, remove), adding: add)
    }

    /// Applies the change to `contact`; false when its tags already were so.
    func apply(to contact: inout Contact) -> Bool {
        let tags = apply(to: contact.tags)
        defer { contact.tags = tags }
        return tags != contact.tags
    }
}

extension Contacts {
    public static func previewTags(_ ids: [String], _ change: TagChange, now: Timestamp? = nil, keepGoing: Bool = false,
                                   in session: Session) throws(InboxError) -> BulkContactChange {
        try preview(ids, now: now, keepGoing: keepGoing, in: session) { change.apply(to: &$0) }
    }

    /// Tags every contact named under one lock, rewriting each shard once (from its bytes: see `ContactShard`).
    public static func tag(_ ids: [String], _ change: TagChange, now: Timestamp, keepGoing: Bool = false,
                           in tx: Transaction) throws(InboxError) -> BulkContactChange {
        let (result, found, shards) = try previewReading(ids, now: now, keepGoing: keepGoing, in: tx) { change.apply(to: &$0) }
        try put(result.changed, at: found, shards: consume shards, in: tx)
        return result
    }
}
