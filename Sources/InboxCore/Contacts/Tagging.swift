/// `contact tag`: adding and removing tags on many contacts in one change. Tags compare
/// without case and keep the spelling they were first written with.
public struct TagChange: Sendable {
    public var add: [String] = []
    public var remove: [String] = []

    public init() {}

    /// The change with its tags lower-cased once, for applying to many contacts.
    var prepared: Prepared { Prepared(self) }

    /// `Tags.merge(Tags.removing(tags, remove), adding: add)` with the change's own tags
    /// lower-cased once instead of for every contact (a bulk tag applies it to 100,000).
    struct Prepared {
        private let add: [(tag: String, key: String)]
        private let remove: Set<String>

        init(_ change: TagChange) {
            add = change.add.map { ($0, $0.lowercased()) }
            remove = Set(change.remove.map { $0.lowercased() })
        }

        func apply(to tags: [String]) -> [String] {
            var out: [String] = []
            var keys: [String] = []
            out.reserveCapacity(tags.count + add.count)
            keys.reserveCapacity(tags.count + add.count)
            for tag in tags {
                let key = tag.lowercased()
                guard !remove.contains(key) else { continue }
                out.append(tag)
                keys.append(key)
            }
            for (tag, key) in add where !keys.contains(key) {
                out.append(tag)
                keys.append(key)
            }
            return out
        }

        /// Applies the change to `contact`; false when its tags already were so.
        func apply(to contact: inout Contact) -> Bool {
            let tags = apply(to: contact.tags)
            defer { contact.tags = tags }
            return tags != contact.tags
        }
    }
}

extension Contacts {
    public static func previewTags(_ ids: [String], _ change: TagChange, now: Timestamp? = nil, keepGoing: Bool = false,
                                   in session: Session) throws(InboxError) -> BulkContactChange {
        let change = change.prepared
        return try preview(ids, now: now, keepGoing: keepGoing, in: session) { change.apply(to: &$0) }
    }

    /// Tags every contact named under one lock, rewriting each shard once (from its bytes: see `ContactShard`).
    public static func tag(_ ids: [String], _ change: TagChange, now: Timestamp, keepGoing: Bool = false,
                           in tx: Transaction) throws(InboxError) -> BulkContactChange {
        let change = change.prepared
        let (result, found, shards) = try previewReading(ids, now: now, keepGoing: keepGoing, in: tx) { change.apply(to: &$0) }
        try put(result.changed, at: found, shards: consume shards, in: tx)
        return result
    }
}
