/// fsck for client tasks and the communication log.
extension Checker {
    /// `names`: each contact's name, for the task agenda; nil when the contacts did not all
    /// parse (the agenda would only echo that).
    mutating func checkTasksAndLog(contacts: Set<String>, names: [String: String]?, users: Set<String>, lastIssued: [String: Int]) throws(InboxError) {
        var seen = Set<String>()
        var agenda: [String: [AgendaRow]] = [:]
        for file in try shardFiles(Tasks.table.directory) {
            var previous: Int?
            for (task, line) in try load(file, as: ClientTask.self) {
                if !seen.insert(task.id).inserted { problem(file, line, "duplicate task id \(task.id)") }
                checkPlacement(task.id, of: Tasks.table, file, line, after: &previous, lastIssued: lastIssued[Tasks.table.prefix] ?? 0)
                if !contacts.contains(task.contact) { problem(file, line, "task \(task.id) refers to contact \(task.contact), which does not exist") }
                if let a = task.assignee, !users.isEmpty, !users.contains(a) { problem(file, line, "task \(task.id) is assigned to '\(a)', who is not a user") }
                for a in task.attachments where try session.bytes(a.path) == nil { problem(file, line, "task \(task.id): attachment \(a.path) is missing") }
                if let names { agenda[TaskAgenda.file(beside: file), default: []].append(AgendaRow(task, contactName: names[task.contact] ?? task.contact)) }
            }
        }
        if names != nil { try checkAgenda(agenda) }
        seen = []
        for file in try shardFiles(CommunicationLog.directory) {
            for (entry, line) in try load(file, as: LogEntry.self) {
                noteInUse(CommunicationLog.prefix, IDPrefix.number(of: entry.id, prefix: CommunicationLog.prefix) ?? 0)
                if !seen.insert(entry.id).inserted { problem(file, line, "duplicate log id \(entry.id)") }
                if !contacts.contains(entry.contact) { problem(file, line, "log entry \(entry.id) refers to contact \(entry.contact), which does not exist") }
                else if CommunicationLog.file(for: entry.contact) != file { problem(file, line, "log entry \(entry.id) belongs in \(CommunicationLog.file(for: entry.contact))") }
                if (IDPrefix.number(of: entry.id, prefix: CommunicationLog.prefix) ?? 0) > lastIssued[CommunicationLog.prefix] ?? 0 {
                    problem(file, line, "log entry \(entry.id) is above the last id issued", derivable: true)
                }
                if let r = entry.recording, try session.bytes(r.path) == nil { problem(file, line, "log entry \(entry.id): recording \(r.path) is missing") }
            }
        }
    }

    /// Each agenda file is exactly what its task shard and the contacts' names make of it.
    mutating func checkAgenda(_ wanted: [String: [AgendaRow]]) throws(InboxError) {
        let hint: Explanation = "(\(Remedy.repair(effect: "rebuilds the agenda")))"
        var present = Set<String>()
        for name in try session.list(TaskAgenda.directory) {
            let file = TaskAgenda.directory + "/" + name
            present.insert(file)
            let want = TaskAgenda.ordered(wanted[file] ?? [])
            report.filesChecked += 1
            guard let bytes = try session.bytes(file), bytes != AgendaRow.encode(want) else {
                report.recordsChecked += want.count
                continue
            }
            guard let rows = AgendaRow.decode(bytes) else {
                problem(file, nil, "not an agenda file as this inbox writes it \(hint)", derivable: true)
                continue
            }
            let have = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let wantIDs = Set(want.map(\.id))
            for row in rows where !wantIDs.contains(row.id) { problem(file, nil, "stale row: task \(row.id) is not in \(Tasks.table.directory + "/" + file.dropFirst(TaskAgenda.directory.count + 1)) \(hint)", derivable: true) }
            var differs = false
            for row in want {
                if let old = have[row.id] {
                    if old != row { problem(file, nil, "the row of task \(row.id) does not match the task and its contact \(hint)", derivable: true); differs = true }
                } else {
                    problem(file, nil, "the agenda lacks task \(row.id) \(hint)", derivable: true)
                    differs = true
                }
            }
            if !differs && rows.count == want.count { problem(file, nil, "rows are out of order \(hint)", derivable: true) }
        }
        for file in wanted.keys.sorted() where !present.contains(file) {
            problem(file, nil, "the agenda lacks the \(wanted[file]!.count) task\(wanted[file]!.count == 1 ? "" : "s") of \(Tasks.table.directory + "/" + file.dropFirst(TaskAgenda.directory.count + 1)) \(hint)", derivable: true)
        }
    }
}
