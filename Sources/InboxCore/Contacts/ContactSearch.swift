extension Contacts {
    /// Contacts that match `search`, newest first, found through the search index: only the
    /// lines that hold the query are parsed. With `rowsOnly` a match is confirmed on its
    /// entry's row and given as far as the row knows it; otherwise, and for an entry without
    /// a row, its contact is read from its shard (only the lines asked for are parsed).
    /// Minted contacts (a shared clone's) go first, newest by creation time, as in
    /// `ShardedTable.forEachNewestFirst`; then sequential ones by number, shard by shard.
    static func searchNewestFirst(_ search: String, after cursor: Contact?, rowsOnly: Bool = false, in session: Session,
                                  _ body: (Contact) throws(InboxError) -> Bool) throws(InboxError) {
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        let scan = ContactSearchScan(search, rowsOnly: rowsOnly)
        let files = try table.shardFiles(in: session)
        let cursorNumber = cursor.flatMap { table.number(of: $0.id) }
        if cursorNumber == nil {
            var minted: [Contact] = []
            for shard in files where IDSpace.isMintedShard(table.shardName(shard)) { minted += try matches(in: shard, scan, session) }
            let key = { (c: Contact) in (c.createdAt.seconds, table.ids.order(c.id)) }
            let mark = cursor.map(key)
            for contact in minted.sorted(by: { key($0) > key($1) }) where mark.map({ key(contact) < $0 }) ?? true {
                guard try body(contact) else { return }
            }
        }
        let below = cursorNumber ?? Int.max
        for shard in files.reversed() where !IDSpace.isMintedShard(table.shardName(shard)) {
            // shard * perShard >= below, without multiplying a number taken from a file name.
            if below > 0, let number = Int(table.shardName(shard)), number > (below - 1) / table.perShard { continue }
            for contact in try matches(in: shard, scan, session).reversed() where (table.number(of: contact.id) ?? 0) < below {
                guard try body(contact) else { return }
            }
        }
    }

    /// A shard's matches, oldest first as the shard is. One file at a time, on this thread:
    /// scanning the files of a batch on both cores while reading the next cost more than it
    /// saved whenever the other core was busy, and holding several files' bytes at once made
    /// every read land on new pages.
    private static func matches(in shard: String, _ scan: ContactSearchScan, _ session: Session) throws(InboxError) -> [Contact] {
        let path = ContactSearchIndex.directory + "/" + String(shard.dropFirst(table.directory.count + 1))
        guard let bytes = try session.bytes(path) else { return [] }
        return try resolve(scan.candidates(in: bytes), in: bytes, path: path, shard: shard, scan, session)
    }

    /// A shard's matches, oldest first as the shard is, from what the scan of its index file
    /// found: lines the scan could not read, and contacts to take whole, are read here.
    private static func resolve(_ candidates: [ContactSearchScan.Candidate], in bytes: [UInt8], path: String, shard: String,
                                _ scan: ContactSearchScan, _ session: Session) throws(InboxError) -> [Contact] {
        var found: [Contact] = []
        var unrowed = Set<String>()
        for candidate in candidates {
            switch candidate {
            case .row(let contact): found.append(contact)
            case .id(let id): unrowed.insert(id)
            case .line(let line):
                for entry in try JSONLines.decode(Array(bytes[line]) + [0x0A], path: session.displayPath(path)) as [ContactSearchEntry] {
                    if scan.rowsOnly, let row = entry.row {
                        let contact = row.contact(entry.id)
                        if scan.query.matches(contact) { found.append(contact) }
                    } else {
                        unrowed.insert(entry.id)
                    }
                }
            }
        }
        guard !unrowed.isEmpty else { return found }
        let fromRows = found.count
        found += try table.records(withIDs: unrowed, inShard: shard, session).filter(scan.query.matches)
        // Oldest first, as the shard and its index are.
        return fromRows == 0 ? found : found.sorted { table.ids.order($0.id) < table.ids.order($1.id) }
    }
}
