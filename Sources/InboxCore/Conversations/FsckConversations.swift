/// fsck for conversations and messages: every line, every reference, and the derived files
/// (message index, contact-conversation index, conversation summaries) against their sources.
extension Checker {
    mutating func checkConversations(contacts: Set<String>, contactNames: [String: String] = [:], users: Set<String>, lastIssued: [String: Int],
                                     closingNotes: [(file: String, line: Int, note: ContactNote)] = []) throws(InboxError) {
        let table = Conversations.table
        var conversations: [String: Conversation] = [:]
        try decodeEach(try shardFiles(table.directory), as: Conversation.self, extra: { Placement($0.id, of: table) }) { (checker, file, decoded) throws(InboxError) in
            var previous: Int?
            for (c, line, place) in decoded {
                if conversations[c.id] != nil { checker.problem(file, line, "duplicate conversation id \(c.id)"); continue }
                conversations[c.id] = c
                checker.checkPlacement(c.id, place, of: table, file, line, after: &previous, lastIssued: lastIssued[table.prefix] ?? 0)
                if !contacts.contains(c.contact) { checker.problem(file, line, "conversation \(c.id) refers to contact \(c.contact), which does not exist") }
                if let a = c.assignee, !users.isEmpty, !users.contains(a) { checker.problem(file, line, "conversation \(c.id) is assigned to '\(a)', who is not a user") }
            }
        }
        // A closing note names its conversation, which must exist and be its contact's.
        for (file, line, note) in closingNotes {
            guard let id = note.conversation else { continue }
            if let c = conversations[id] {
                if c.contact != note.contact { problem(file, line, "note \(note.id) is about conversation \(id), which is \(c.contact)'s, not \(note.contact)'s") }
            } else {
                problem(file, line, "note \(note.id) refers to conversation \(id), which does not exist")
            }
        }
        var tally = ThreadTally(last: lastIssued[Messages.prefix] ?? 0)
        // Two batches are decoded ahead, each by its own thread and this one, so that while
        // this thread reads and checks, in file order, a decoding thread always has work.
        let files = try threadFiles()
        var next = 0
        let last = tally.words.last
        var decoding = [SharedWork(try readAhead(files, &next, conversations, last: last), DecodedThread.init)]
        while !decoding.isEmpty {
            if next < files.count { decoding.append(SharedWork(try readAhead(files, &next, conversations, last: last), DecodedThread.init)) }
            for thread in decoding.removeFirst().finish() { try tally.check(thread, conversations, &self) }
        }
        for (id, c) in conversations where !tally.threaded.contains(id) { tally.summarize(c, []) }
        let (homes, queue, responses, summaries, words) = (tally.homes, tally.queue, tally.responses, tally.summaries, tally.words)
        tally = ThreadTally(last: 0)
        try checkMessageIndex(homes)
        let queued = try load(DeliveryQueue.file, as: QueueEntry.self)
        if queued.map(\.record) != queue.sorted(by: QueueEntry.order) {
            problem(DeliveryQueue.file, nil, "the delivery queue does not match the messages waiting to be sent (\(Remedy.repair(effect: "rebuilds it")))", derivable: true)
        }
        try checkContactConversationIndex(conversations)
        try checkWordIndex(words)
        try checkActivityIndex(conversations, names: contactNames)
        let responseFiles = Set(try session.list(ResponseIndex.directory).map { ResponseIndex.directory + "/" + $0 }).union(responses.paths).sorted()
        let judgedResponses = try judgeEach(responseFiles) { [responses] file, bytes in responses.matches(file, bytes ?? []) ? 0 : nil }
        for (file, matched) in zip(responseFiles, judgedResponses) where matched == nil {
            problem(file, nil, "the response times the report reads do not match the threads (\(Remedy.repair(effect: "rebuilds them")))", derivable: true)
        }
        for (id, difference) in summaries.sorted(by: { $0.id < $1.id }) {
            problem(Conversations.table.shardFile(of: id) ?? Conversations.table.directory, nil,
                    "conversation \(id): \(difference) (\(Remedy.repair(effect: "rebuilds summaries")))", derivable: true)
        }
    }

    /// The next thread files, about a megabyte of them, read here to be decoded by both threads.
    /// Each file goes with the conversation its name gives, for the summary and response checks.
    mutating func readAhead(_ files: [String], _ next: inout Int, _ conversations: [String: Conversation], last: Int) throws(InboxError) -> [ThreadInput] {
        var batch: [ThreadInput] = []
        var size = 0
        while next < files.count && (batch.isEmpty || (size < 1 << 20 && batch.count < 256)) {
            let bytes = try session.bytes(files[next])
            size += bytes?.count ?? 0
            let stem = files[next].split(separator: "/").last.map { String($0.dropLast(6)) } ?? ""
            batch.append(ThreadInput(file: files[next], bytes: bytes, path: session.displayPath(files[next]), conversation: conversations[stem], last: last))
            next += 1
        }
        return batch
    }

    /// `messages/SHARD/ID.jsonl`, SHARD naming the conversation's thread directory (`0000` for
    /// cv1–cv999, `k3` for cvk3…); anything else there is reported.
    mutating func threadFiles() throws(InboxError) -> [String] {
        var files: [String] = []
        for shard in try session.list(Messages.directory).sorted(by: IDSpace.shardOrder) {
            let dir = Messages.directory + "/" + shard
            guard IDSpace.isShardName(shard), try session.isDirectory(dir) else {
                problem(dir, nil, "unexpected file (threads live in messages/NNNN/cvN.jsonl, or messages/k3/cvk3….jsonl for minted ids; an older layout needs '\(CommandReference.upgrade)')")
                continue
            }
            for name in Checker.byLengthThenName(try session.list(dir)) {
                let file = dir + "/" + name
                let id = name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : ""
                guard Conversations.table.ids.isValid(id), Messages.file(forConversation: id) == file else {
                    let home = Conversations.table.ids.isValid(id) ? " (\(id)'s thread belongs in \(Messages.file(forConversation: id)))" : ""
                    problem(file, nil, "unexpected file (a thread file is named after its conversation, in its directory: messages/0000/cv1.jsonl, messages/k3/cvk3….jsonl)\(home)")
                    continue
                }
                files.append(file)
            }
        }
        return files
    }

    /// Names shortest first, then in string order (cv9 before cv10); ASCII names (all a
    /// store writes) by their bytes, which is that order, without comparing strings.
    static func byLengthThenName(_ names: [String]) -> [String] {
        guard names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return names.sorted { ($0.count, $0) < ($1.count, $1) } }
        let keys = names.map { Array($0.utf8) }
        return keys.indices.sorted { a, b in
            keys[a].count != keys[b].count ? keys[a].count < keys[b].count : keys[a].lexicographicallyPrecedes(keys[b])
        }.map { names[$0] }
    }

    /// `homes`: each message's conversation. A file that is exactly as the messages make it
    /// is compared as bytes; only one that differs is parsed to say how.
    mutating func checkMessageIndex(_ homes: MessageHomes) throws(InboxError) {
        let plan = homes.indexPlan()
        var indexed = Set<String>()
        var matched = Set<String>()
        let files = try shardFiles(Messages.indexDirectory)
        let others = plan.others
        let judged = try judgeEach(files) { file, bytes in
            let want = homes.index(file, others: others)
            return bytes == JSONLines.encode(want) ? want.count : nil
        }
        for (file, count) in zip(files, judged) {
            if let count {
                matched.insert(file)
                report.filesChecked += 1
                report.recordsChecked += count
                continue
            }
            for (entry, line) in try load(file, as: MessageLocation.self) {
                indexed.insert(entry.message)
                if homes.conversation(of: entry.message) != entry.conversation {
                    problem(file, line, "stale index entry: \(entry.message) is not in \(entry.conversation) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
                } else if Messages.indexFile(forMessage: entry.message) != file {
                    problem(file, line, "index entry for \(entry.message) is in the wrong file", derivable: true)
                }
            }
        }
        // A matched file holds every message that belongs in it, and only those.
        let lacking = homes.messages(outside: { matched.contains($0) }).filter { !indexed.contains($0) }
        for id in lacking.sorted() {
            problem(Messages.indexFile(forMessage: id), nil, "index lacks message \(id) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
        }
    }

    /// Each conversation has one row, in the file of its last activity's hour, carrying the
    /// conversation as it is and its contact's name; rows in order.
    mutating func checkActivityIndex(_ conversations: [String: Conversation], names: [String: String]) throws(InboxError) {
        // The rows are made a file at a time: all of them at once would copy every conversation.
        var byFile: [String: [String]] = [:]
        for (id, c) in conversations { byFile[ActivityIndex.file(for: c.activityAt), default: []].append(id) }
        let idsByFile = byFile
        let wanted: @Sendable (String) -> [ActivityRow] = { file in
            // Each row's place is found once (no two rows share one: ids are distinct).
            let rows = (idsByFile[file] ?? []).map { id in
                let c = conversations[id]!
                return ActivityRow(conversation: c, contactName: names[c.contact] ?? c.contact)
            }
            let order = rows.map(\.order)
            return rows.indices.sorted { order[$0] < order[$1] }.map { rows[$0] }
        }
        var present = Set<String>()
        let hint: Explanation = "(\(Remedy.repair(effect: "rebuilds the index")))"
        let files = try session.list(ActivityIndex.directory).map { ActivityIndex.directory + "/" + $0 }
        let judged = try judgeEach(files) { file, bytes in
            let want = wanted(file)
            return bytes == JSONLines.encode(want) ? want.count : nil
        }
        for (file, matched) in zip(files, judged) {
            present.insert(file)
            if let matched {
                report.filesChecked += 1
                report.recordsChecked += matched
                continue
            }
            let want = wanted(file)
            let encoded = JSONLines.encode(want)
            let rows = try load(file, as: ActivityRow.self)
            let wantedIDs = Set(want.map(\.conversation.id))
            for (row, line) in rows where !wantedIDs.contains(row.conversation.id) {
                problem(file, line, "stale row: conversation \(row.conversation.id) was not last active in this hour \(hint)", derivable: true)
            }
            if rows.count == want.count, JSONLines.encode(rows.map(\.record)) != encoded {
                problem(file, nil, "rows do not match their conversations and contacts \(hint)", derivable: true)
            } else if rows.count < want.count {
                let have = Set(rows.map(\.record.conversation.id))
                for row in want where !have.contains(row.conversation.id) {
                    problem(file, nil, "index lacks conversation \(row.conversation.id) \(hint)", derivable: true)
                }
            }
        }
        for file in idsByFile.keys.sorted() where !present.contains(file) {
            for row in wanted(file) { problem(file, nil, "index lacks conversation \(row.conversation.id) \(hint)", derivable: true) }
        }
    }

    /// Each conversation is listed in its contact's file. A file that is exactly as repair
    /// writes it is compared as bytes; only one that differs is parsed to say how.
    mutating func checkContactConversationIndex(_ conversations: [String: Conversation]) throws(InboxError) {
        var byFile: [String: [ContactConversation]] = [:]
        for (id, c) in conversations {
            byFile[Conversations.contactIndexFile(c.contact), default: []].append(ContactConversation(contact: c.contact, conversation: id))
        }
        let wanted = byFile
        byFile = [:]
        let files = try shardFiles(Conversations.contactIndexDirectory)
        let judged = try judgeEach(files) { file, bytes in
            guard let bytes, let want = wanted[file] else { return nil }
            let order = want.map { (Contacts.table.ids.order($0.contact), Conversations.table.ids.order($0.conversation)) }
            let sorted = want.indices.sorted { order[$0] < order[$1] }.map { want[$0] }
            return bytes == JSONLines.encode(sorted) ? sorted.count : nil
        }
        var indexed = Set<String>()
        var matched = Set<String>()
        for (file, count) in zip(files, judged) {
            if let count {
                matched.insert(file)
                report.filesChecked += 1
                report.recordsChecked += count
                continue
            }
            for (entry, line) in try load(file, as: ContactConversation.self) {
                indexed.insert(entry.conversation)
                if conversations[entry.conversation]?.contact != entry.contact || Conversations.contactIndexFile(entry.contact) != file {
                    problem(file, line, "stale index entry: \(entry.conversation) is not \(entry.contact)'s (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
                }
            }
        }
        // A matched file lists every conversation of its contacts.
        var lacking: [(id: String, file: String)] = []
        for (file, entries) in wanted where !matched.contains(file) {
            for entry in entries where !indexed.contains(entry.conversation) { lacking.append((entry.conversation, file)) }
        }
        for (id, file) in lacking.sorted(by: { $0.id < $1.id }) {
            problem(file, nil, "index lacks conversation \(id) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
        }
    }
}
