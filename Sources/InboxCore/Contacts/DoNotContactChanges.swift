/// `contact dnd`: turning do-not-contact on or off for channels (or all), for one contact or
/// many, in one change.
public struct DoNotContactChange: Sendable {
    public var on: [String] = []
    public var off: [String] = []
    /// With `on`: block inbound too. With `off`: stop blocking inbound.
    public var inbound = false

    public init() {}

    /// Applies the change; false when the contact already was so.
    func apply(to dnd: inout DoNotContact) -> Bool {
        let before = dnd
        if off.contains("all") {
            dnd = DoNotContact()
        } else if !off.isEmpty {
            if dnd.all {
                dnd.all = false
                dnd.channels = ContactChannel.all
            }
            dnd.channels.removeAll { off.contains($0) }
        }
        if !off.isEmpty && inbound { dnd.inbound = false }
        if on.contains("all") {
            dnd.all = true
            dnd.channels = []
        } else if !dnd.all {
            dnd.channels = Array(Set(dnd.channels + on)).sorted()
            if Set(dnd.channels) == Set(ContactChannel.all) { dnd.all = true; dnd.channels = [] }
        }
        if !on.isEmpty && inbound { dnd.inbound = true }
        if off.isEmpty && on.isEmpty && inbound { dnd.inbound = true }
        return dnd != before
    }
}

extension Contacts {
    /// Applies `change` to each contact named (each once), without writing: those it changed
    /// (stamped `now`, when given) and those that already were so. Bulk tag and dnd share it.
    static func preview(_ ids: [String], now: Timestamp?, in session: Session,
                        _ change: (inout Contact) -> Bool) throws(InboxError) -> (changed: [Contact], unchanged: [Contact]) {
        var changed: [Contact] = [], unchanged: [Contact] = []
        var seen = Set<String>()
        for id in ids {
            var contact = try resolve(id, in: session)
            guard seen.insert(contact.id).inserted else { continue }
            if change(&contact) {
                if let now { contact.updatedAt = now }
                changed.append(contact)
            } else {
                unchanged.append(contact)
            }
        }
        return (changed, unchanged)
    }

    public static func previewDoNotContact(_ ids: [String], _ change: DoNotContactChange, now: Timestamp? = nil,
                                           in session: Session) throws(InboxError) -> (changed: [Contact], unchanged: [Contact]) {
        try preview(ids, now: now, in: session) { change.apply(to: &$0.dnd) }
    }

    /// Changes do-not-contact for every contact named, rewriting each shard once.
    public static func setDoNotContact(_ ids: [String], _ change: DoNotContactChange, now: Timestamp,
                                       in tx: Transaction) throws(InboxError) -> (changed: [Contact], unchanged: [Contact]) {
        let result = try previewDoNotContact(ids, change, now: now, in: tx)
        try table.put(result.changed, in: tx)
        return result
    }
}
