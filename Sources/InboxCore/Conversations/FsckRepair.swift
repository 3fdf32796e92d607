/// `fsck --repair` for what the threads derive (message index, delivery queue, response times,
/// word index, summaries, counters), read a thread file at a time as fsck reads them: what is
/// kept across files is what fsck keeps (each message's conversation, the queue, a digest of
/// each word file, the summaries that differ), so repair's memory follows a thread and a
/// response file, not the million messages of the repository. A message lives in its
/// conversation's thread file; fsck reports one that does not, and repair then does nothing.
extension Fsck {
    /// Rebuilds the message index, the contact-conversation index and every summary.
    static func repairConversations(_ tx: Transaction, _ report: inout Report) throws(InboxError) {
        var conversations = try Conversations.table.all(in: tx)
        var place: [String: Int] = [:]
        place.reserveCapacity(conversations.count)
        for (i, c) in conversations.enumerated() where place[c.id] == nil { place[c.id] = i }

        // Thread files in the order of their response files, so each response file is made
        // from consecutive threads and written before the next is begun.
        let files = try Messages.threadFiles(in: tx).map { file in
            (file, ResponseIndex.file(for: String(file.split(separator: "/").last?.dropLast(6) ?? "")))
        }.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
        let issued = try Sequences.last(Messages.prefix, in: tx)
        var homes = MessageHomes()
        var queue: [QueueEntry] = []
        var words = WordIndexDigest(last: issued)
        var highest = 0
        var summaries: [String: Conversation] = [:]
        var threaded = Set<String>()
        var responses = ResponseFiles()
        try forEachThread(files, in: tx, last: issued) { (thread) throws(InboxError) in
            var byConversation: [String: [Message]] = [:]
            for (m, number, found) in thread {
                _ = homes.insert(m.id, m.conversation)
                highest = max(highest, number ?? 0)
                words.add(m, number: number, found)
                if let entry = DeliveryQueue.entry(for: m) { queue.append(entry) }
                byConversation[m.conversation, default: []].append(m)
            }
            for (id, messages) in byConversation {
                threaded.insert(id)
                if let r = ResponseRecord(conversation: id, thread: messages) { try responses.add(r, in: tx) }
                guard let i = place[id] else { continue }
                let derived = ConversationSummary.derive(conversations[i], from: messages)
                if !ConversationSummary.differences(conversations[i], derived).isEmpty { summaries[id] = derived }
            }
        }
        let responsesRewritten = try responses.finish(in: tx)
        // What is wanted of the conversations later is taken now: the activity index reads
        // them all again, and two copies of a hundred thousand would not fit the budget.
        var rebuilt: [Conversation] = []
        for c in conversations {
            if let derived = summaries[c.id] {
                rebuilt.append(derived)
            } else if !threaded.contains(c.id) {
                let derived = ConversationSummary.derive(c, from: [])
                if !ConversationSummary.differences(c, derived).isEmpty { rebuilt.append(derived) }
            }
        }
        let topConversation = conversations.compactMap { Conversations.table.number(of: $0.id) }.max()
        var byContact: [String: [ContactConversation]] = [:]
        for c in conversations { byContact[Conversations.contactIndexFile(c.contact), default: []].append(ContactConversation(contact: c.contact, conversation: c.id)) }
        (conversations, place, summaries, threaded) = ([], [:], [:], [])

        let plan = homes.indexPlan()
        let present = Set(try tx.list(Messages.indexDirectory).map { Messages.indexDirectory + "/" + $0 })
        for file in present.union(plan.files).sorted() {
            let want = homes.index(file, others: plan.others)
            // Bytes first: only a file that differs is parsed, to leave one that says the same alone.
            if try tx.bytes(file) ?? [] != JSONLines.encode(want), try tx.records(file, as: MessageLocation.self) != want {
                tx.stage(file, records: want)
                report.repaired.append("rebuilt \(tx.displayPath(file))")
                try tx.limitMemory()  // a rebuilt index is a file a thousand messages
            }
        }
        let order = { (e: ContactConversation) in (Contacts.table.ids.order(e.contact), Conversations.table.ids.order(e.conversation)) }
        try rewrite(Conversations.contactIndexDirectory, byContact, sortedBy: { order($0) < order($1) }, tx, &report)
        byContact = [:]
        queue.sort(by: QueueEntry.order)
        if try DeliveryQueue.all(tx) != queue {
            tx.stage(DeliveryQueue.file, records: queue)
            report.repaired.append("rebuilt \(tx.displayPath(DeliveryQueue.file))")
        }
        releaseFreedMemory()
        for file in try ActivityIndex.rebuild(in: tx) + responsesRewritten { report.repaired.append("rebuilt \(tx.displayPath(file))") }
        try tx.limitMemory()
        try forgetParsed(Conversations.table.shardFiles(in: tx) + tx.list(Conversations.contactIndexDirectory).map { Conversations.contactIndexDirectory + "/" + $0 }
                         + tx.list(Messages.indexDirectory).map { Messages.indexDirectory + "/" + $0 }, in: tx)
        releaseFreedMemory()
        let last = max(try Sequences.last(Messages.prefix, in: tx), highest)
        if last != words.last {
            // A counter behind the ids moves which messages are recent: their words again.
            words = WordIndexDigest(last: last)
            try forEachThread(files, in: tx, last: last) { (thread) throws(InboxError) in
                for (m, number, found) in thread { words.add(m, number: number, found) }
            }
        }
        for file in try WordIndex.repair(to: words, threads: files, in: tx) { report.repaired.append("rebuilt \(tx.displayPath(file))") }
        if !rebuilt.isEmpty {
            try Conversations.table.put(rebuilt, in: tx)
            report.repaired.append("rebuilt the summaries of \(rebuilt.count) conversation\(rebuilt.count == 1 ? "" : "s")")
        }
        for (prefix, top) in [(Conversations.table.prefix, topConversation),
                              (Messages.prefix, highest > 0 ? highest : nil)] {
            if let top, top > (try Sequences.last(prefix, in: tx)) {
                try Sequences.raise(prefix, to: top, in: tx)
                report.repaired.append("raised the \(prefix) id counter to \(top)")
            }
        }
    }

    private static func rewrite<R: StoredRecord & Equatable>(_ directory: String, _ wanted: [String: [R]], sortedBy order: (R, R) -> Bool,
                                                             _ tx: Transaction, _ report: inout Report) throws(InboxError) {
        let present = Set(try tx.list(directory).map { directory + "/" + $0 })
        for file in present.union(wanted.keys).sorted() {
            let want = (wanted[file] ?? []).sorted(by: order)
            if try tx.records(file, as: R.self) != want {
                tx.stage(file, records: want)
                report.repaired.append("rebuilt \(tx.displayPath(file))")
            }
        }
    }

    /// Each thread file's messages, with each one's number and what the word digest takes of
    /// it (`last`: the last message id issued), decoded on both threads a batch ahead (about a
    /// megabyte of files each) and given to `body` a file at a time, in `files`' order.
    static func forEachThread(_ files: [String], in tx: Transaction, last: Int,
                              _ body: ([(message: Message, number: Int?, words: MessageWords)]) throws(InboxError) -> Void) throws(InboxError) {
        typealias Decoded = Result<[(message: Message, number: Int?, words: MessageWords)], InboxError>
        let decode: @Sendable ((path: String, bytes: [UInt8]?)) -> Decoded = { input in
            guard let bytes = input.bytes else { return .success([]) }
            var out: [(message: Message, number: Int?, words: MessageWords)] = []
            do throws(InboxError) {
                try JSONLines.decodeNumbered(bytes, path: input.path, as: Message.self) { m, _ in
                    let number = Messages.number(of: m.id)
                    out.append((m, number, MessageWords(m, number: number, last: last)))
                }
            } catch {
                return .failure(error)
            }
            return .success(out)
        }
        var next = 0
        func batch() throws(InboxError) -> [(path: String, bytes: [UInt8]?)] {
            var out: [(path: String, bytes: [UInt8]?)] = []
            var size = 0
            while next < files.count && (out.isEmpty || (size < 1 << 20 && out.count < 256)) {
                let bytes = try tx.bytes(files[next])
                size += bytes?.count ?? 0
                out.append((tx.displayPath(files[next]), bytes))
                next += 1
            }
            return out
        }
        var decoding = [SharedWork(try batch(), decode)]
        while !decoding.isEmpty {
            if next < files.count { decoding.append(SharedWork(try batch(), decode)) }
            for decoded in decoding.removeFirst().finish() { try body(decoded.get()) }
        }
    }
}

/// The response index made a file at a time: the records of the file being made, each file
/// compared with what is there and rewritten when it differs as soon as the threads move on.
struct ResponseFiles {
    private var current: (file: String, records: [ResponseRecord])?
    private var done = Set<String>()
    private var rewritten = Set<String>()

    mutating func add(_ record: ResponseRecord, in tx: Transaction) throws(InboxError) {
        let file = ResponseIndex.file(for: record.conversation)
        if current?.file != file {
            try write(tx)
            // A file met again (a record out of its thread's place) goes on from what it holds now.
            current = (file, done.contains(file) ? try tx.records(file, as: ResponseRecord.self) : [])
        }
        current!.records.append(record)
    }

    private mutating func write(_ tx: Transaction) throws(InboxError) {
        guard let (file, records) = current else { return }
        current = nil
        let want = JSONLines.encode(ResponseIndex.ordered(records))
        done.insert(file)
        try settle(file, want, tx)
    }

    private mutating func settle(_ file: String, _ want: [UInt8], _ tx: Transaction) throws(InboxError) {
        guard try tx.bytes(file) ?? [] != want else { return }
        if want.isEmpty { tx.remove(file) } else { tx.stage(file, want) }
        rewritten.insert(file)
        try tx.limitMemory()
    }

    /// Writes the last file, removes those no thread gives a record; the files rewritten, in order.
    mutating func finish(in tx: Transaction) throws(InboxError) -> [String] {
        try write(tx)
        for name in try tx.list(ResponseIndex.directory) {
            let file = ResponseIndex.directory + "/" + name
            if !done.contains(file) { try settle(file, [], tx) }
        }
        return rewritten.sorted()
    }
}
