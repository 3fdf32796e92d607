/// fsck's reading of the thread files, a file at a time: what is kept across files is small
/// (each message's conversation, the queue entries, a digest of each response record and word
/// index file), so fsck's memory follows a thread, not the million messages of the repository.
struct ThreadTally {
    var homes = MessageHomes()
    var queue: [QueueEntry] = []
    var responses = LineDigest()
    var summaries: [(id: String, problem: String)] = []
    var threaded = Set<String>()
    var words: WordIndexDigest

    init(last: Int) { words = WordIndexDigest(last: last) }

    mutating func summarize(_ c: Conversation, _ thread: [Message]) {
        for difference in ConversationSummary.differences(c, ConversationSummary.derive(c, from: thread)) {
            summaries.append((c.id, difference))
        }
    }

    /// Checks one decoded thread file, its problems noted in message order.
    mutating func check(_ decoded: DecodedThread, _ conversations: [String: Conversation], _ checker: inout Checker) throws(InboxError) {
        let file = decoded.file
        guard decoded.exists else { return }
        checker.report.filesChecked += 1
        for (line, reason) in decoded.problems { checker.problem(file, line, Explanation(reason)) }
        checker.report.recordsChecked += decoded.count
        if let sound = decoded.sound, let judged = decoded.judged,
           homes.insert(numbers: sound.numbers, conversationNumber: sound.conversationNumber) {
            words.add(hits: sound.hits, recent: sound.recent)
            queue += sound.queue
            for (line, id, attachments) in sound.attached { try checker.checkAttachments(attachments, of: id, file, line) }
            checker.noteInUse(Messages.prefix, sound.highest)
            settle(judged)
            return
        }
        var messages = decoded.messages
        var facts = decoded.facts
        if decoded.sound != nil {
            // A message of this file was met in an earlier one: decoded again to be told the long way.
            let again = DecodedThread(file, try checker.session.bytes(file), path: checker.session.displayPath(file),
                                      conversation: nil, last: words.last)
            (messages, facts) = (again.messages, again.facts)
        }
        try checkEach(messages, facts, decoded, conversations, &checker)
    }

    /// The long way, for a file the decoding thread found something in (or not one
    /// conversation's): every message looked at here, in order.
    private mutating func checkEach(_ messages: [Message], _ facts: [(line: Int, number: Int?, words: MessageWords)], _ decoded: DecodedThread,
                                    _ conversations: [String: Conversation], _ checker: inout Checker) throws(InboxError) {
        let file = decoded.file
        // The messages that are not duplicates and whose conversation exists, for the
        // summaries; nearly always every one, of one conversation, already judged.
        var kept: [Int] = []
        kept.reserveCapacity(messages.count)
        var ownCount = 0
        var highest = 0
        // Nearly every message of a file is one conversation's: it is looked up once.
        var home: (conversation: Conversation, number: Int?, file: String)?
        for (i, m) in messages.enumerated() {
            let (line, number, found) = facts[i]
            highest = max(highest, number ?? 0)
            if home?.conversation.id != m.conversation, let c = conversations[m.conversation] {
                home = (c, Conversations.table.number(of: c.id), Messages.file(forConversation: c.id))
            }
            let c = home.flatMap { $0.conversation.id == m.conversation ? $0.conversation : nil }
            let conversationNumber = c != nil ? home!.number : Conversations.table.number(of: m.conversation)
            if !homes.insert(m.id, number: number, m.conversation, conversationNumber: conversationNumber) {
                checker.problem(file, line, "duplicate message id \(m.id)")
                continue
            }
            words.add(m, number: number, found)
            guard let c else {
                checker.problem(file, line, "message \(m.id) refers to conversation \(m.conversation), which does not exist")
                continue
            }
            kept.append(i)
            if c.id == decoded.judged?.conversation { ownCount += 1 }
            if let entry = DeliveryQueue.entry(for: m) { queue.append(entry) }
            if home!.file != file { checker.problem(file, line, "message \(m.id) belongs in \(home!.file)") }
            if m.contact != c.contact || m.channel != c.channel {
                checker.problem(file, line, "message \(m.id) says contact \(m.contact) on \(m.channel.rawValue); its conversation \(c.id) is \(c.contact) on \(c.channel.rawValue)")
            }
            if (number ?? 0) > words.last { checker.problem(file, line, "message \(m.id) is above the last id issued", derivable: true) }
            if !DecodedThread.stateFits(m) {
                checker.problem(file, line, "message \(m.id): only outbound messages have a state")
            }
            try checker.checkAttachments(m.attachments, of: m.id, file, line)
        }
        if !messages.isEmpty { checker.noteInUse(Messages.prefix, highest) }
        // The decoding thread has already judged a thread file that holds its own
        // conversation's messages and nothing else, as nearly all do.
        if let judged = decoded.judged, !messages.isEmpty, ownCount == messages.count {
            settle(judged)
            return
        }
        var threads: [String: [Message]] = [:]
        for i in kept { threads[messages[i].conversation, default: []].append(messages[i]) }
        for (id, thread) in threads {
            threaded.insert(id)
            summarize(conversations[id]!, thread)
            if let r = ResponseRecord(conversation: id, thread: thread) { responses.add(r, to: ResponseIndex.file(for: id), at: Conversations.table.ids.order(id)) }
        }
    }

    /// What the decoding thread made of a file of one conversation's messages.
    private mutating func settle(_ judged: DecodedThread.Judged) {
        threaded.insert(judged.conversation)
        summaries += judged.differences.map { (judged.conversation, $0) }
        if let line = judged.responseLine {
            responses.add(line: line, to: judged.responseFile, at: judged.order)
        }
    }
}

extension Checker {
    /// Each attachment exists and is what its SHA-256 name says.
    mutating func checkAttachments(_ attachments: [Attachment], of id: String, _ file: String, _ line: Int) throws(InboxError) {
        for a in attachments {
            guard let bytes = try session.bytes(a.path) else { problem(file, line, "message \(id): attachment \(a.path) is missing"); continue }
            if SHA256.hex(bytes) != a.sha256 { problem(a.path, nil, "content does not match its SHA-256 name (used by \(id))") }
        }
    }
}

/// A thread file as read, for `DecodedThread`.
struct ThreadInput: Sendable {
    var file: String
    var bytes: [UInt8]?
    var path: String
    var conversation: Conversation?
    var last: Int
}

/// A thread file decoded away from the checker: its messages, with their line numbers and
/// words (`facts`, by position), and its bad lines. `exists` is false when the file is gone.
struct DecodedThread: Sendable {
    /// How a file of one conversation's messages differs from its summary, and the hash of its
    /// response index line (nil: none) with the file and place of that line.
    struct Judged: Sendable {
        var conversation: String
        var differences: [String]
        var responseLine: UInt64?
        var responseFile: String
        var order: IDOrder
    }

    var file: String
    var exists = false
    /// How many messages decoded.
    var count = 0
    /// Empty when `sound` says all the checker needs of them.
    var messages: [Message] = []
    var facts: [(line: Int, number: Int?, words: MessageWords)] = []
    var problems: [(line: Int, reason: String)] = []
    /// When every message is `conversation`'s.
    var judged: Judged?
    /// When nothing in the file is for the checker to report, unless one of its messages was
    /// met in an earlier file (the checker finds out): all it keeps of the messages.
    var sound: SoundThread?

    init(_ input: ThreadInput) {
        self.init(input.file, input.bytes, path: input.path, conversation: input.conversation, last: input.last)
    }

    /// `last`: the last message id issued, which decides the messages whose words are recent.
    init(_ file: String, _ bytes: [UInt8]?, path: String, conversation: Conversation?, last: Int) {
        self.file = file
        guard let bytes else { return }
        exists = true
        var messages: [Message] = []
        var facts: [(line: Int, number: Int?, words: MessageWords)] = []
        var problems: [(line: Int, reason: String)] = []
        // `JSONLines.decodeNumbered`, written out so each message moves into the array rather
        // than being copied there (a retain and a release of every string of a million
        // messages). The handler takes every bad line, so decoding throws nothing.
        var parser = JSONLineParser()
        try? JSONLines.forEachLine(bytes, path: path, onProblem: { (line, reason) throws(InboxError) in
            problems.append((line, reason))
        }) { (content, line) throws(InboxError) in
            let m: Message
            if let record = parser.record(content, Message.schema) {
                m = record
            } else {
                do throws(JSONParseError) {
                    var fields = try FieldReader(parser.parse(content))
                    m = try Message.schema.decode(&fields)
                    try fields.finish()
                } catch {
                    return problems.append((line, error.reason))
                }
            }
            let number = Messages.number(of: m.id)
            facts.append((line, number, MessageWords(m, number: number, last: last)))
            messages.append(consume m)
        }
        self.problems = problems
        count = messages.count
        guard let c = conversation, messages.allSatisfy({ $0.conversation == c.id }) else {
            (self.messages, self.facts) = (messages, facts)
            return
        }
        // The summary and the response times read the thread in one order, sorted here once
        // (a file nearly always holds it so already), each message's id parsed once.
        var thread = messages.allSatisfy(ConversationSummary.inThread) ? messages : messages.filter(ConversationSummary.inThread)
        let keys = thread.map { ($0.at.seconds, Messages.order($0.id)) }
        if keys.indices.dropFirst().contains(where: { keys[$0] < keys[$0 - 1] }) {
            thread = keys.indices.sorted { keys[$0] < keys[$1] }.map { thread[$0] }
        }
        judged = Judged(conversation: c.id, differences: ConversationSummary.differences(c, ConversationSummary.derive(c, inOrder: thread)),
                        responseLine: ResponseRecord(conversation: c.id, inOrder: thread).map { LineDigest.hash(JSONLines.encode([$0])[...]) },
                        responseFile: ResponseIndex.file(for: c.id), order: Conversations.table.ids.order(c.id))
        sound = SoundThread(file, c, messages, facts, last: last)
        if sound == nil { (self.messages, self.facts) = (messages, facts) }
    }

    /// Only an outbound message has a state.
    static func stateFits(_ m: Message) -> Bool { (m.direction == .outbound && m.kind == .message) == (m.state != nil) }
}

/// What the checker keeps of a thread file whose messages are all its conversation's, each
/// with a sequential id of its own no higher than the last issued, its conversation's contact
/// and channel, and a state only if outbound: the checks `ThreadTally.checkEach` makes of each
/// message, made on the decoding thread, so the messages go no further than it.
struct SoundThread: Sendable {
    var numbers: [Int] = []
    var conversationNumber: Int
    var highest = 0
    var queue: [QueueEntry] = []
    /// The word digest's hits: `WordIndexDigest` key and hash, recent messages' words apart.
    var hits: [(key: Int, hash: UInt64)] = []
    var recent: [RecentWords] = []
    /// The messages with attachments, whose files the checker reads.
    var attached: [(line: Int, id: String, attachments: [Attachment])] = []

    /// Nil when the long way is needed: a message that would be reported, or one whose id the
    /// message index keeps apart.
    init?(_ file: String, _ c: Conversation, _ messages: [Message], _ facts: [(line: Int, number: Int?, words: MessageWords)], last: Int) {
        guard !messages.isEmpty, let cn = Conversations.table.number(of: c.id), MessageHomes.keepsNumbered(conversation: cn),
              Messages.file(forConversation: c.id) == file else { return nil }
        conversationNumber = cn
        numbers.reserveCapacity(messages.count)
        var ascending = true
        // By position: a message taken out of the array would be a copy of every string.
        for i in messages.indices {
            let fact = facts[i]
            guard let n = fact.number, MessageHomes.keepsNumbered(message: n), n <= last, messages[i].contact == c.contact,
                  messages[i].channel == c.channel, DecodedThread.stateFits(messages[i]) else { return nil }
            if let previous = numbers.last, previous >= n { ascending = false }
            numbers.append(n)
            highest = max(highest, n)
            if let entry = DeliveryQueue.entry(for: messages[i]) { queue.append(entry) }
            if let each = fact.words.hits {
                let block = n / WordIndex.messagesPerBlock * 256
                for (bucket, hash) in each { hits.append((block + Int(bucket), hash)) }
            } else {
                recent.append(RecentWords(message: messages[i].id, conversation: messages[i].conversation, words: fact.words.words))
            }
            if !messages[i].attachments.isEmpty { attached.append((fact.line, messages[i].id, messages[i].attachments)) }
        }
        // An id twice in the file is a duplicate the long way reports.
        if !ascending && Set(numbers).count != numbers.count { return nil }
    }
}
