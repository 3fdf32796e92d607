/// What `contact merge KEEP OTHER…` does: the contact KEEP becomes, and what each other brings.
public struct ContactMergePlan: Sendable {
    public var keep: Contact
    /// KEEP as it will be: phones, emails and tags of all, gaps filled from the others.
    public var result: Contact
    public var others: [(contact: Contact, moving: ContactReferences)]
    /// Custom fields the others hold with another value than KEEP's: KEEP's value stays.
    public var fieldConflicts: [String]
}

extension Contacts {
    /// Works out a merge without changing anything (`--dry-run` shows it; `merge` applies it).
    public static func mergePlan(keep keepID: String, others otherIDs: [String], now: Timestamp,
                                 in session: Session) throws(InboxError) -> ContactMergePlan {
        let keep = try resolve(keepID, in: session)
        var others: [(contact: Contact, moving: ContactReferences)] = []
        for id in otherIDs {
            let other = try resolve(id, in: session)
            guard other.id != keep.id else {
                throw InboxError.usage("'\(id)' is \(keep.id) itself (or was merged into it): give other contacts to merge into \(keep.id)")
            }
            guard !others.contains(where: { $0.contact.id == other.id }) else { continue }
            others.append((other, try ContactReferences.of(other.id, in: session)))
        }
        guard !others.isEmpty else { throw InboxError.usage("give at least one contact to merge into \(keep.id)") }
        var result = keep
        var conflicts: [String] = []
        var fields: [String: String] = [:]
        for f in keep.fields { fields[f.key] = f.value }
        for (other, _) in others {
            if result.fullName.isEmpty {
                result.firstName = other.firstName
                result.lastName = other.lastName
            }
            result.phones = try unique(result.phones + other.phones)
            result.emails = uniqueEmails(result.emails + other.emails)
            result.company = result.company ?? other.company
            result.owner = result.owner ?? other.owner
            result.disposition = result.disposition ?? other.disposition
            result.tags = Tags.merge(result.tags, adding: other.tags)
            // Do-not-contact is a promise to the client: any of them asked, so the merged one asks.
            result.dnd.all = result.dnd.all || other.dnd.all
            result.dnd.channels = Array(Set(result.dnd.channels + other.dnd.channels)).sorted()
            if result.dnd.all { result.dnd.channels = [] }
            result.dnd.inbound = result.dnd.inbound || other.dnd.inbound
            for f in other.fields {
                if let have = fields[f.key] {
                    if have != f.value { conflicts.append("\(f.key): kept \(keep.id)'s \"\(have)\", not \(other.id)'s \"\(f.value)\"") }
                } else {
                    fields[f.key] = f.value
                }
            }
        }
        result.fields = fields.keys.sorted().map { ($0, fields[$0]!) }
        if !result.sameContent(as: keep) { result.updatedAt = now }
        return ContactMergePlan(keep: keep, result: result, others: others, fieldConflicts: conflicts)
    }

    /// Applies a merge in one change: every record of the others now names KEEP, the derived
    /// files follow, the others are gone, and their ids resolve to KEEP from now on.
    public static func merge(_ plan: ContactMergePlan, by actor: String, now: Timestamp, in tx: Transaction) throws(InboxError) {
        try DerivedIndexes.settle(tx)
        let keep = plan.result
        let otherIDs = plan.others.map(\.contact.id)
        for (other, moving) in plan.others {
            try ContactMove.conversations(moving.conversations, to: keep, now: now, in: tx)
            try ContactMove.notes(of: other.id, to: keep.id, in: tx)
            try ContactMove.logEntries(of: other.id, to: keep.id, in: tx)
            try ContactMove.tasks(moving.tasks, to: keep.id, now: now, in: tx)
            var bare = other
            bare.phones = []
            bare.emails = []
            try AddressIndex.update(from: other, to: bare, in: tx)
        }
        try AddressIndex.update(from: plan.keep, to: keep, in: tx)
        try ContactSearchIndex.remove(Set(otherIDs), in: tx)
        try removeRecords(Set(otherIDs), from: table, in: tx)
        try table.put(keep, in: tx)
        try ContactMerges.record(otherIDs, into: keep.id, at: now, by: actor, in: tx)
    }

    static func uniqueEmails(_ emails: [String]) -> [String] {
        var seen = Set<String>()
        return emails.filter { seen.insert(EmailAddress.key($0)).inserted }
    }
}
