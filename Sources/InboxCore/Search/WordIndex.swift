/// `index/words/`: which messages hold each word, for `--search`.
///
/// - `NNNN/XX.jsonl` (NNNN = message number / 10,000; XX = one of 256 buckets of the word, a
///   hash): lines `{"word":"invoice","hits":"ms12/cv3 ms40/cv3"}` (message/conversation, in
///   message order), sorted by word. A search reads, in each block, the one file of each word.
/// - `recent.jsonl`: the words of messages added or changed since the buckets were last
///   merged, one line a message. It overrides the buckets for its messages (`was`: the words
///   the buckets still hold for it). A send rewrites this one small file instead of a file per
///   word; past `recentLimit` lines the commit merges them into the buckets, once.
///
/// Derived: kept at commit (`DerivedIndexes`), checked by fsck, rebuilt by `fsck --repair`
/// (which leaves no recent file).
public enum WordIndex {
    static let directory = "index/words"
    static let recentFile = directory + "/recent.jsonl"
    static let messagesPerBlock = 10_000
    /// Small enough that a send rewrites a few kilobytes, large enough that the merge (a file
    /// per word) comes once in hundreds of sends.
    static let recentLimit = 200

    /// What a message is found by: its text and the names of its attachments.
    static func words(of message: Message) -> [String] {
        SearchText.words(message.attachments.isEmpty ? message.text : message.text + "\n" + message.attachments.map(\.name).joined(separator: "\n"))
    }

    static func block(ofMessage id: String) -> String {
        Timestamp.pad((Messages.number(of: id) ?? 0) / messagesPerBlock, 4)
    }

    /// FNV-1a of the word's bytes, as two hex digits.
    static func bucket(_ word: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in word.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = Array("0123456789abcdef")
        return String([digits[Int(hash >> 4 & 0xF)], digits[Int(hash & 0xF)]])
    }

    static func file(block: String, word: String) -> String { directory + "/" + block + "/" + bucket(word) + ".jsonl" }

    /// Notes changed messages' words in the recent file; merges it into the buckets once it
    /// is past its limit.
    static func update(_ changes: [String: (before: Message?, after: Message)], in tx: Transaction) throws(InboxError) {
        var recent: [String: RecentWords] = [:]
        for line in try tx.records(recentFile, as: RecentWords.self) { recent[line.message] = line }
        var changed = false
        for (id, change) in changes {
            let after = change.after
            let new = words(of: after)
            // Most changes (a delivery's state, a receipt) leave the words alone.
            if let before = change.before, recent[id] == nil, before.conversation == after.conversation, before.text == after.text,
               before.attachments.map(\.name) == after.attachments.map(\.name) { continue }
            if var line = recent[id] {
                guard line.words != new || line.conversation != after.conversation else { continue }
                (line.words, line.conversation) = (new, after.conversation)
                recent[id] = line
            } else {
                let old = change.before.map(words(of:)) ?? []
                guard old != new || change.before?.conversation != after.conversation else { continue }
                recent[id] = RecentWords(message: id, conversation: after.conversation, words: new, was: old)
            }
            changed = true
        }
        guard changed else { return }
        if recent.count > recentLimit {
            try merge(Array(recent.values), in: tx)
            if try tx.bytes(recentFile) != nil { tx.remove(recentFile) }
        } else {
            tx.stage(recentFile, records: recent.values.sorted { $0.order < $1.order })
        }
    }

    /// Moves recent lines into the buckets: each message's `was` words out, its words in.
    static func merge(_ lines: [RecentWords], in tx: Transaction) throws(InboxError) {
        var added: [String: [String: [WordHit]]] = [:]
        var removed: [String: [String: Set<String>]] = [:]
        for line in lines {
            let block = block(ofMessage: line.message)
            for word in line.was { removed[file(block: block, word: word), default: [:]][word, default: []].insert(line.message) }
            let hit = WordHit(message: line.message, conversation: line.conversation)
            for word in line.words { added[file(block: block, word: word), default: [:]][word, default: []].append(hit) }
        }
        for path in Set(added.keys).union(removed.keys) {
            var words = try read(path, tx)
            for (word, ids) in removed[path] ?? [:] {
                words[word]?.removeAll { ids.contains($0.message) }
                if words[word]?.isEmpty == true { words[word] = nil }
            }
            for (word, new) in added[path] ?? [:] {
                let ids = Set(new.map(\.message))
                words[word] = ((words[word] ?? []).filter { !ids.contains($0.message) } + new).sorted { $0.order < $1.order }
            }
            if words.isEmpty {
                if try tx.bytes(path) != nil { tx.remove(path) }
            } else {
                tx.stage(path, encode(words))
            }
        }
    }

    /// A bucket file's words and their hits.
    static func read(_ path: String, _ session: Session) throws(InboxError) -> [String: [WordHit]] {
        var words: [String: [WordHit]] = [:]
        guard let bytes = try session.bytes(path) else { return words }
        try JSONLines.decodeNumbered(bytes, path: session.displayPath(path), as: WordEntry.self) { (entry, _) throws(InboxError) in
            words[entry.word] = hits(entry.hits)
        }
        return words
    }

    static func hits(_ text: String) -> [WordHit] {
        text.split(separator: " ").compactMap(WordHit.init)
    }

    /// The lines of a bucket file, sorted by word, each word's hits as given: the bytes
    /// `JSONLines.encode` would give for the `WordEntry`s, without making them.
    static func encode(_ words: [String: [WordHit]]) -> [UInt8] {
        var out: [UInt8] = []
        for word in words.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            out.append(contentsOf: #"{"word":"#.utf8)
            JSONWriter.write(.string(word), into: &out)
            out.append(contentsOf: #","hits":""#.utf8)
            for (i, hit) in words[word]!.enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                out.append(contentsOf: hit.message.utf8)
                out.append(UInt8(ascii: "/"))
                out.append(contentsOf: hit.conversation.utf8)
            }
            out.append(contentsOf: "\"}\n".utf8)
        }
        return out
    }

    /// The buckets as the messages say they should be (no recent file), built a thread at a time.
    struct Builder {
        private(set) var files: [String: [String: [WordHit]]] = [:]
        /// Messages whose words fsck compares with the recent file, and what they are.
        let watching: Set<String>
        private(set) var watched: [String: (words: [String], conversation: String)] = [:]

        init(watching: Set<String> = []) { self.watching = watching }

        mutating func add(_ message: Message) {
            let block = WordIndex.block(ofMessage: message.id)
            let hit = WordHit(message: message.id, conversation: message.conversation)
            let words = WordIndex.words(of: message)
            if watching.contains(message.id) { watched[message.id] = (words, message.conversation) }
            for word in words { files[WordIndex.file(block: block, word: word), default: [:]][word, default: []].append(hit) }
        }

        /// Hits in message order, whatever order the threads came in.
        func sorted() -> [String: [String: [WordHit]]] {
            files.mapValues { words in
                words.mapValues { hits in
                    hits.indices.dropFirst().allSatisfy { hits[$0 - 1].order < hits[$0].order } ? hits : hits.sorted { $0.order < $1.order }
                }
            }
        }

        func encoded() -> [String: [UInt8]] { sorted().mapValues(WordIndex.encode) }
    }

    /// Every bucket file, as `directory/NNNN/XX.jsonl`.
    static func files(in session: Session) throws(InboxError) -> [String] {
        var out: [String] = []
        for block in try blocks(in: session) {
            out += try session.list(directory + "/" + block).sorted().map { directory + "/" + block + "/" + $0 }
        }
        return out
    }

    static func blocks(in session: Session) throws(InboxError) -> [String] {
        try session.list(directory).filter { !$0.hasSuffix(".jsonl") }.sorted()
    }

    /// Rewrites every bucket that differs from `wanted` and drops the recent file; returns the
    /// files rewritten.
    @discardableResult
    static func rebuild(to wanted: [String: [UInt8]], in tx: Transaction) throws(InboxError) -> [String] {
        var rewritten: [String] = []
        for path in Set(try files(in: tx)).union(wanted.keys).sorted() {
            let want = wanted[path] ?? []
            if try tx.bytes(path) ?? [] != want {
                if want.isEmpty { tx.remove(path) } else { tx.stage(path, want) }
                rewritten.append(path)
            }
        }
        if try tx.bytes(recentFile) != nil {
            tx.remove(recentFile)
            rewritten.append(recentFile)
        }
        return rewritten
    }

    /// Rebuilds the index from every thread, read one at a time (`inbox upgrade`).
    @discardableResult
    static func rebuild(in tx: Transaction) throws(InboxError) -> [String] {
        var builder = Builder()
        for file in try Messages.threadFiles(in: tx) {
            for m in try tx.records(file, as: Message.self) { builder.add(m) }
        }
        return try rebuild(to: builder.encoded(), in: tx)
    }
}

/// A line of a bucket file.
public struct WordEntry: StoredRecord, Equatable {
    public var word: String
    /// `message/conversation` pairs, separated by spaces, in message order.
    public var hits: String

    public init(fields: inout FieldReader) throws(JSONParseError) {
        word = try fields.string("word")
        hits = try fields.string("hits")
    }

    public var json: JSONObject { JSONObject([("word", .string(word)), ("hits", .string(hits))]) }
}

/// A line of the recent file: a message's words now, and those the buckets hold for it.
struct RecentWords: StoredRecord, Equatable {
    var message: String
    var conversation: String
    var words: [String]
    var was: [String]

    init(message: String, conversation: String, words: [String], was: [String]) {
        (self.message, self.conversation, self.words, self.was) = (message, conversation, words, was)
    }

    init(fields: inout FieldReader) throws(JSONParseError) {
        message = try fields.string("message")
        conversation = try fields.string("conversation")
        words = try fields.string("words").split(separator: " ").map(String.init)
        was = try fields.string("was").split(separator: " ").map(String.init)
        guard Messages.number(of: message) != nil else { throw JSONParseError("field \"message\" is not a message id: \"\(message)\"") }
    }

    var json: JSONObject {
        JSONObject([("message", .string(message)), ("conversation", .string(conversation)),
                    ("words", .string(words.joined(separator: " "))), ("was", .string(was.joined(separator: " ")))])
    }

    var order: (Int, String) { (Messages.number(of: message) ?? 0, message) }
}

/// One message holding a word, and its conversation.
public struct WordHit: Hashable, Sendable {
    public var message: String
    public var conversation: String
    /// The message's number, for ordering (computed once).
    let number: Int

    init(message: String, conversation: String) {
        self.message = message
        self.conversation = conversation
        number = Messages.number(of: message) ?? 0
    }

    init?(_ text: Substring) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        self.init(message: String(text[..<slash]), conversation: String(text[text.index(after: slash)...]))
    }

    var order: (Int, String) { (number, message) }
}
