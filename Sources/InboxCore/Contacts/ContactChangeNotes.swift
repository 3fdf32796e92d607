/// How a bulk change (tag, dnd) notes its contacts for the derived files: as `Contact.noteChange`
/// notes one, compared beside each shard's rewrite on every core and noted in one entry.
extension Contact {
    /// Whether `after` shows another display name; the names, first phone and email and the id
    /// it is made of are compared first, as building it twice for each of 100,000 contacts cost more.
    func isRenamed(to after: Contact) -> Bool {
        guard firstName == after.firstName, lastName == after.lastName, phones.first == after.phones.first,
              emails.first == after.emails.first, id == after.id else { return displayName != after.displayName }
        return false
    }

    /// What `noteChange` would note for many changed contacts (indices into one list of them),
    /// gathered where their old versions are at hand (beside a shard's rewrite, on every core).
    struct NotedChanges: Sendable {
        var renamed: [(id: String, name: String)] = []
        /// The changed contacts whose search entries differ.
        var searched: [Int] = []

        init() {}

        /// `changes`: lines of `records` (the old versions) and the indices of their new ones.
        /// Both read in place: an array's element passed on is a copy, all its fields retained.
        init(_ changes: [(line: Int, change: Int)], before records: [Contact], of changed: [Contact]) {
            records.withUnsafeBufferPointer { records in
                changed.withUnsafeBufferPointer { changed in
                    for (line, index) in changes {
                        if records[line].isRenamed(to: changed[index]) { renamed.append((changed[index].id, changed[index].displayName)) }
                        if ContactSearchEntry.differ(records[line], changed[index]) { searched.append(index) }
                    }
                }
            }
        }

        mutating func add(_ other: NotedChanges) {
            renamed += other.renamed
            searched += other.searched
        }
    }

    /// Notes `changes` as `noteChange` notes each, the search entries in one list. When every
    /// contact compared changed its entry, that list is `changed` itself, so 100,000 contacts
    /// are neither copied nor put in a map. It then holds too the `through` contacts, which the
    /// table has just noted itself (their versions are the same; the list supersedes them):
    /// a bulk tag changes every contact's entry (its tags), so none is indexed needlessly.
    static func noteChanges(_ changes: NotedChanges, of changed: [Contact], through: Int, in tx: Transaction) {
        for (id, name) in changes.renamed { tx.pendingIndexChanges.note(.renamed(contact: id, name: name)) }
        guard !changes.searched.isEmpty else { return }
        let all = changes.searched.count + through == changed.count
        tx.pendingIndexChanges.note(.searchedMany(all ? changed : changes.searched.map { changed[$0] }))
    }
}
