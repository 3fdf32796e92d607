/// fsck for client tasks and the communication log.
extension Checker {
    mutating func checkTasksAndLog(contacts: Set<String>, users: Set<String>, lastIssued: [String: Int]) throws(InboxError) {
        var seen = Set<String>()
        for file in try shardFiles(Tasks.table.directory) {
            var previous: Int?
            for (task, line) in try load(file, as: ClientTask.self) {
                if !seen.insert(task.id).inserted { problem(file, line, "duplicate task id \(task.id)") }
                checkPlacement(task.id, of: Tasks.table, file, line, after: &previous, lastIssued: lastIssued[Tasks.table.prefix] ?? 0)
                if !contacts.contains(task.contact) { problem(file, line, "task \(task.id) refers to contact \(task.contact), which does not exist") }
                if let a = task.assignee, !users.isEmpty, !users.contains(a) { problem(file, line, "task \(task.id) is assigned to '\(a)', who is not a user") }
                for a in task.attachments where try session.bytes(a.path) == nil { problem(file, line, "task \(task.id): attachment \(a.path) is missing") }
            }
        }
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
}
