/// `index/agenda/SHARD.jsonl`: one row per task of `tasks/SHARD.jsonl` (`AgendaRow`), in the
/// order `task list` shows them, each carrying what its row shows with the contact's name
/// already looked up. The listing reads these small files and writes rows from them: no task
/// record is parsed and no contact shard read (a contact shard at 100,000 contacts cost more
/// than the rest of the listing). Derived: kept in the commit that changes a task or a
/// contact's name (`DerivedIndexes`), checked by fsck, rebuilt by `fsck --repair`.
///
/// A repository written before the agenda has none: the listing reads the records of every
/// shard without its file, and the first change to a task or to a contact's name builds the
/// whole agenda (as does `fsck --repair`).
public enum TaskAgenda {
    static let directory = "index/agenda"

    static func file(for taskID: String) -> String? {
        Tasks.table.ids.shard(of: taskID).map { file(forShard: Substring($0)) }
    }

    static func file(forShard shard: Substring) -> String { directory + "/" + shard + ".jsonl" }

    /// The agenda file beside a task shard (`tasks/0003.jsonl` → `index/agenda/0003.jsonl`).
    static func file(beside taskShard: String) -> String { file(forShard: Tasks.table.shardName(taskShard)) }

    static func ordered(_ rows: [AgendaRow]) -> [AgendaRow] {
        rows.map { ($0.key, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: reading

    /// The rows of every task, shard after shard, each shard's in agenda order: from the
    /// agenda where it has the shard's file, from the records (names looked up) where it has
    /// not. `starts`: where each shard's rows begin.
    static func rows(in session: Session) throws(InboxError) -> (rows: AgendaListing, starts: [Int]) {
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        let shards = try Tasks.table.shardFiles(in: session)
        var files: [[UInt8]?] = []
        for shard in shards { files.append(try session.bytes(file(beside: shard))) }
        // One buffer, and room for every line (each is over 64 bytes), made once: a listing
        // of ten thousand rows spent more on growing and copying these than on reading.
        let size = files.reduce(0) { $0 + ($1?.count ?? 0) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        for file in files { if let file { bytes += file } }
        var lines: [AgendaLine] = []
        lines.reserveCapacity(size / 64)
        var starts: [Int] = []
        var offset = 0
        for (shard, file) in zip(shards, files) {
            starts.append(lines.count)
            if let file {
                offset += file.count
                if AgendaLine.read(bytes, offset - file.count..<offset, appendingTo: &lines) { continue }
            }
            // Rows made here, after the files, are written as the agenda writes them, so
            // they read back whole.
            let made = AgendaRow.encode(try derivedRows(fromShard: shard, in: session))
            bytes += made
            _ = AgendaLine.read(bytes, bytes.count - made.count..<bytes.count, appendingTo: &lines)
        }
        return (AgendaListing(bytes: bytes, lines: lines), starts)
    }

    /// A shard's rows as its records and their contacts say.
    static func derivedRows(fromShard shard: String, in session: Session) throws(InboxError) -> [AgendaRow] {
        let tasks = try Tasks.table.records(inShard: shard, session)
        let contacts = try Contacts.table.records(withIDs: Set(tasks.map(\.contact)), in: session)
        return ordered(tasks.map { AgendaRow($0, contactName: contacts[$0.contact]?.displayName ?? $0.contact) })
    }

    // MARK: writing

    /// Brings the rows of changed tasks, and of tasks whose contact was renamed, up to date
    /// (`known`: names of contacts the change has read already):
    /// one rewrite per agenda file touched. With no agenda at all (a repository from before
    /// it), builds the whole of it.
    static func update(_ changed: [String: ClientTask], renamed: [String: String], known: [String: String] = [:],
                       in tx: Transaction) throws(InboxError) {
        guard !changed.isEmpty || !renamed.isEmpty else { return }
        let present = try tx.list(directory)
        if present.isEmpty {
            let tasksExist = try !Tasks.table.shardFiles(in: tx).isEmpty
            if !changed.isEmpty || tasksExist { try rebuild(in: tx) }
            return
        }
        var byFile: [String: [ClientTask]] = [:]
        for task in changed.values { if let path = file(for: task.id) { byFile[path, default: []].append(task) } }
        var paths = Set(byFile.keys)
        if !renamed.isEmpty { paths.formUnion(present.map { directory + "/" + $0 }) }
        for path in paths.sorted() {
            let shard = Tasks.table.directory + "/" + path.dropFirst(directory.count + 1)
            // A task just created, in a file of a thousand rows: put in, not all rewritten.
            if renamed.isEmpty, let tasks = byFile[path], tasks.count == 1, let bytes = try tx.bytes(path),
               let inserted = try inserting(tasks[0], into: bytes, known: known, in: tx) {
                tx.stage(path, inserted)
                continue
            }
            guard let bytes = try tx.bytes(path), var rows = AgendaRow.decode(bytes) else {
                // Missing or unreadable: made again from its shard, which has every change already.
                let rows = try derivedRows(fromShard: shard, in: tx)
                if !rows.isEmpty { tx.stage(path, AgendaRow.encode(rows)) }
                continue
            }
            var changedHere = false
            if let tasks = byFile[path] {
                let ids = Set(tasks.map(\.id))
                var before: [String: AgendaRow] = [:]
                for row in rows where ids.contains(row.id) { before[row.id] = row }
                rows.removeAll { ids.contains($0.id) }
                for task in tasks {
                    // The name its row showed, unless its contact changed (a merge) or was renamed.
                    var name = renamed[task.contact]
                    if name == nil, let old = before[task.id], old.contact == task.contact { name = old.contactName }
                    if name == nil { name = known[task.contact] }
                    if name == nil { name = try Contacts.table.lookup(task.contact, in: tx)?.displayName }
                    rows.append(AgendaRow(task, contactName: name ?? task.contact))
                }
                changedHere = true
            }
            for i in rows.indices {
                if let name = renamed[rows[i].contact], rows[i].contactName != name {
                    rows[i].contactName = name
                    changedHere = true
                }
            }
            guard changedHere else { continue }
            rows = ordered(rows)
            if rows.isEmpty { tx.remove(path) } else { tx.stage(path, AgendaRow.encode(rows)) }
        }
    }

    /// Drops the rows of deleted tasks (a contact removed with its tasks).
    static func remove(_ ids: Set<String>, in tx: Transaction) throws(InboxError) {
        var byFile: [String: Set<String>] = [:]
        for id in ids { if let path = file(for: id) { byFile[path, default: []].insert(id) } }
        for (path, gone) in byFile {
            guard let bytes = try tx.bytes(path) else { continue }
            let shard = Tasks.table.directory + "/" + path.dropFirst(directory.count + 1)
            var rows: [AgendaRow]
            if let decoded = AgendaRow.decode(bytes) { rows = decoded } else { rows = try derivedRows(fromShard: shard, in: tx) }
            let kept = rows.filter { !gone.contains($0.id) }
            if kept.isEmpty { tx.remove(path) } else if kept != rows { tx.stage(path, AgendaRow.encode(kept)) }
        }
    }

    /// The agenda as the tasks and contacts say it should be, by file.
    static func derived(in session: Session, names: [String: String]? = nil) throws(InboxError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for shard in try Tasks.table.shardFiles(in: session) {
            let tasks = try Tasks.table.records(inShard: shard, session)
            guard !tasks.isEmpty else { continue }
            let rows: [AgendaRow]
            if let names {
                rows = ordered(tasks.map { AgendaRow($0, contactName: names[$0.contact] ?? $0.contact) })
            } else {
                rows = try derivedRows(fromShard: shard, in: session)
            }
            files[file(beside: shard)] = AgendaRow.encode(rows)
        }
        return files
    }

    /// Rewrites every file that differs from what the records say; returns those rewritten.
    @discardableResult
    static func rebuild(in tx: Transaction, contacts: [Contact]? = nil) throws(InboxError) -> [String] {
        let names = contacts.map { Dictionary($0.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first }) }
        return try DerivedFiles.rewrite(directory, to: derived(in: tx, names: names), in: tx)
    }
}

extension Tasks {
    /// `list`, from the agenda: the same tasks in the same order, as rows.
    public static func agenda(_ filter: TaskFilter, now: Timestamp, in session: Session) throws(InboxError) -> AgendaListing {
        let contact = try filter.contact.map { (id) throws(InboxError) in try Contacts.resolve(id, in: session).id }
        var (out, starts) = try TaskAgenda.rows(in: session)
        // Each shard's rows are in order (fsck checks it): when each shard ends before the
        // next begins (sequential ids, ten thousand tasks due on one day), the whole is.
        let inOrder = starts.indices.dropFirst().allSatisfy { i in
            starts[i] == starts[i - 1] || starts[i] == out.count || out.key(starts[i] - 1) < out.key(starts[i])
        }
        if !inOrder {
            let keys = out.lines.indices.map(out.key)
            out.lines = keys.indices.sorted { keys[$0] < keys[$1] }.map { out.lines[$0] }
        }
        // Fields a filter compares are read only when it asks: a plain listing makes no string.
        let bytes = out.bytes
        out.lines.removeAll { line in
            !((filter.states.map { $0.contains(line.state) } ?? (line.state != .done))
              && (contact == nil || line.contact.text(in: bytes) == contact)
              && (filter.assignee == nil || (!line.assignee.isNull && line.assignee.text(in: bytes) == filter.assignee))
              && (!filter.overdue || line.isOverdue(at: now)))
        }
        if let limit = filter.limit, limit < out.count { out.lines.removeSubrange(limit...) }
        return out
    }
}
