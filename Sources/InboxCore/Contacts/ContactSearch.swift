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
            for file in read(files.filter { IDSpace.isMintedShard(table.shardName($0)) }, session) {
                minted += try resolve(file, scan.candidates(in: file.bytes), scan, session)
            }
            let key = { (c: Contact) in (c.createdAt.seconds, table.ids.order(c.id)) }
            let mark = cursor.map(key)
            for contact in minted.sorted(by: { key($0) > key($1) }) where mark.map({ key(contact) < $0 }) ?? true {
                guard try body(contact) else { return }
            }
        }
        let below = cursorNumber ?? Int.max
        let sequential = files.reversed().filter { shard in
            guard !IDSpace.isMintedShard(table.shardName(shard)) else { return false }
            // shard * perShard >= below, without multiplying a number taken from a file name.
            if below > 0, let number = Int(table.shardName(shard)), number > (below - 1) / table.perShard { return false }
            return true
        }
        // A few files first (a --limit 50 is usually met in the newest), then more at a time.
        // While another core scans a batch, this thread reads the next, then helps scan.
        var next = 0
        var size = 1
        func readNext() -> [IndexFile] {
            let shards = sequential[next..<min(sequential.count, next + size)]
            next += shards.count
            size = min(size * 2, 16)
            return Self.read(shards, session)
        }
        var batch = readNext()
        while !batch.isEmpty {
            let work = SharedWork(batch.map(\.bytes)) { scan.candidates(in: $0) }
            let following = readNext()
            for (file, candidates) in zip(batch, work.finish()) {
                for contact in try resolve(file, candidates, scan, session).reversed() where (table.number(of: contact.id) ?? 0) < below {
                    guard try body(contact) else { return }
                }
            }
            batch = following
        }
    }

    /// A shard's index file as read: its bytes, or why it could not be read (thrown when its
    /// turn comes, as if it had been read then).
    struct IndexFile {
        var shard: String
        var path: String
        var bytes: [UInt8] = []
        var failure: InboxError?
    }

    /// The index files of `shards`, read here (the session is not shared).
    private static func read<Shards: Sequence>(_ shards: Shards, _ session: Session) -> [IndexFile] where Shards.Element == String {
        shards.map { shard in
            var file = IndexFile(shard: shard, path: ContactSearchIndex.directory + "/" + String(shard.dropFirst(table.directory.count + 1)))
            do throws(InboxError) { file.bytes = try session.bytes(file.path) ?? [] } catch { file.failure = error }
            return file
        }
    }

    /// A shard's matches, oldest first as the shard is, from what the scan of its index file
    /// found: lines the scan could not read, and contacts to take whole, are read here.
    private static func resolve(_ file: IndexFile, _ candidates: [ContactSearchScan.Candidate], _ scan: ContactSearchScan,
                                _ session: Session) throws(InboxError) -> [Contact] {
        if let failure = file.failure { throw failure }
        var found: [Contact] = []
        var unrowed = Set<String>()
        for candidate in candidates {
            switch candidate {
            case .row(let contact): found.append(contact)
            case .id(let id): unrowed.insert(id)
            case .line(let line):
                for entry in try JSONLines.decode(Array(file.bytes[line]) + [0x0A], path: session.displayPath(file.path)) as [ContactSearchEntry] {
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
        found += try table.records(withIDs: unrowed, inShard: file.shard, session).filter(scan.query.matches)
        // Oldest first, as the shard and its index are.
        return fromRows == 0 ? found : found.sorted { table.ids.order($0.id) < table.ids.order($1.id) }
    }
}
