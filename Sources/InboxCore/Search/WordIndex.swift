/// `index/words/`: which messages hold each word, for `--search`.
///
/// - `NNNN/XX.jsonl` (NNNN = message number / 10,000; XX = one of 256 buckets of the word, a
///   hash): lines `{"word":"invoice","hits":"ms12/cv3 ms40/cv3"}` (message/conversation, in
///   message order), sorted by word. A search reads, in each block, the one file of each word.
/// - `recent.jsonl`: the words of the newest messages, those numbered in the same span of
///   200 as the last id issued, one line a message. A send rewrites this one small file
///   instead of a file per word; when the ids move into the next span, the commit moves the
///   lines into the buckets, once. Which file holds a message follows from its number alone,
///   so a batch leaves the same files as its commands run one by one.
///
/// Derived: kept at commit (`DerivedIndexes`), checked by fsck, rebuilt by `fsck --repair`.
public enum WordIndex {
    static let directory = "index/words"
    static let recentFile = directory + "/recent.jsonl"
    static let messagesPerBlock = 10_000
    /// Small enough that a send rewrites a few kilobytes, large enough that moving the lines
    /// into the buckets (a file per word) comes once in hundreds of messages.
    static let recentSpan = 200

    /// What a message is found by: its text and the names of its attachments.
    static func words(of message: Message) -> [String] {
        SearchText.words(message.attachments.isEmpty ? message.text : message.text + "\n" + message.attachments.map(\.name).joined(separator: "\n"))
    }

    /// A numbered message's block is its number / 10,000; a minted one (a shared clone) is in
    /// the block named by its id's shard (`k3`), as its id says nothing of when it was made.
    static func block(ofMessage id: String) -> String {
        if let n = Messages.number(of: id) { return block(ofNumber: n) }
        return Messages.ids.shard(of: id) ?? block(ofNumber: 0)
    }

    static func block(ofNumber n: Int) -> String { Timestamp.pad(n / messagesPerBlock, 4) }

    /// Whether message number `n` belongs in the recent file when `last` is the last id issued.
    static func isRecent(_ n: Int, last: Int) -> Bool { n / recentSpan == last / recentSpan }

    /// FNV-1a of the word's bytes, as two hex digits.
    static func bucket(_ word: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in word.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = Array("0123456789abcdef")
        return String([digits[Int(hash >> 4 & 0xF)], digits[Int(hash & 0xF)]])
    }

    static func file(block: String, word: String) -> String { directory + "/" + block + "/" + bucket(word) + ".jsonl" }

    /// Brings the index up to date with changed messages: the newest in the recent file, older
    /// ones in their buckets; lines the ids have moved past go to the buckets.
    static func update(_ changes: [String: (before: Message?, after: Message)], in tx: Transaction) throws(InboxError) {
        let last = try Sequences.last(Messages.prefix, in: tx)
        var recent: [String: RecentWords] = [:]
        for line in try tx.records(recentFile, as: RecentWords.self) { recent[line.message] = line }
        var buckets = BucketChanges()
        var moved = Set<String>()
        for (id, line) in recent where !isRecent(line.number, last: last) {
            recent[id] = nil
            moved.insert(id)
            let now = changes[id].map { RecentWords($0.after) } ?? line
            buckets.add(now.message, now.conversation, now.words)
        }
        var changed = !moved.isEmpty
        for (id, change) in changes where !moved.contains(id) {
            let after = change.after
            // Most changes (a delivery's state, a receipt) leave the words alone.
            if let before = change.before, before.conversation == after.conversation, before.text == after.text,
               before.attachments.map(\.name) == after.attachments.map(\.name) { continue }
            // Only numbered ids can be recent: the span follows the counter.
            if let n = Messages.number(of: id), isRecent(n, last: last) {
                let line = RecentWords(after)
                if recent[id] != line { recent[id] = line; changed = true }
                continue
            }
            let old = change.before.map(words(of:)) ?? []
            let new = words(of: after)
            let moved = change.before.map { $0.conversation != after.conversation } ?? false
            guard moved || old != new else { continue }
            buckets.remove(id, moved ? old : old.filter { !new.contains($0) })
            buckets.add(id, after.conversation, moved ? new : new.filter { !old.contains($0) })
        }
        try buckets.apply(in: tx)
        guard changed else { return }
        if recent.isEmpty {
            if try tx.bytes(recentFile) != nil { tx.remove(recentFile) }
        } else {
            tx.stage(recentFile, records: recent.values.sorted { $0.order < $1.order })
        }
    }

    /// Takes removed messages out of the index (`contact delete --force` removes whole threads;
    /// no later change is noted for them, so `update` would never hear of it).
    static func remove(_ messages: [Message], in tx: Transaction) throws(InboxError) {
        guard !messages.isEmpty else { return }
        let gone = Set(messages.map(\.id))
        let lines = try tx.records(recentFile, as: RecentWords.self)
        let kept = lines.filter { !gone.contains($0.message) }
        if kept.count != lines.count {
            if kept.isEmpty { tx.remove(recentFile) } else { tx.stage(recentFile, records: kept) }
        }
        let inRecent = Set(lines.map(\.message))
        var buckets = BucketChanges()
        for message in messages where !inRecent.contains(message.id) { buckets.remove(message.id, words(of: message)) }
        try buckets.apply(in: tx)
    }

    /// Hits to add to and take from the bucket files, applied with one rewrite a file.
    struct BucketChanges {
        private var added: [String: [String: [WordHit]]] = [:]
        private var removed: [String: [String: Set<String>]] = [:]

        mutating func add(_ message: String, _ conversation: String, _ words: [String]) {
            let block = WordIndex.block(ofMessage: message)
            let hit = WordHit(message: message, conversation: conversation)
            for word in words { added[WordIndex.file(block: block, word: word), default: [:]][word, default: []].append(hit) }
        }

        mutating func remove(_ message: String, _ words: [String]) {
            let block = WordIndex.block(ofMessage: message)
            for word in words { removed[WordIndex.file(block: block, word: word), default: [:]][word, default: []].insert(message) }
        }

        func apply(in tx: Transaction) throws(InboxError) {
            for path in Set(added.keys).union(removed.keys) {
                var words = try WordIndex.read(path, tx)
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
                    tx.stage(path, WordIndex.encode(words))
                }
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
        /// Block → word → hits; grouped into bucket files when encoded.
        private var blocks: [String: [String: [WordHit]]] = [:]
        private(set) var recent: [RecentWords] = []
        /// The last message id issued: it decides which messages are recent.
        let last: Int

        init(last: Int) { self.last = last }

        mutating func add(_ message: Message) {
            add(message, words: WordIndex.words(of: message))
        }

        /// `add`, with the message's words found already (a fixture finds them on every core).
        mutating func add(_ message: Message, words: [String]) {
            // The id is parsed once: a fixture adds a hundred thousand messages.
            let number = Messages.number(of: message.id)
            if let n = number, WordIndex.isRecent(n, last: last) {
                recent.append(RecentWords(message: message.id, conversation: message.conversation, words: words))
                return
            }
            let hit = WordHit(message: message.id, conversation: message.conversation, number: number ?? 0)
            let block = number.map(WordIndex.block(ofNumber:)) ?? WordIndex.block(ofMessage: message.id)
            for word in words { blocks[block, default: [:]][word, default: []].append(hit) }
        }

        /// The bucket files' words, hits in message order whatever order the threads came in.
        func sorted() -> [String: [String: [WordHit]]] {
            var files: [String: [String: [WordHit]]] = [:]
            for (block, words) in blocks {
                for (word, hits) in words {
                    let ordered = hits.indices.dropFirst().allSatisfy { hits[$0 - 1].order < hits[$0].order } ? hits : hits.sorted { $0.order < $1.order }
                    files[WordIndex.file(block: block, word: word), default: [:]][word] = ordered
                }
            }
            return files
        }

        /// Each file's bytes, the recent file included.
        func encoded() -> [String: [UInt8]] {
            var out = sorted().mapValues(WordIndex.encode)
            if let bytes = recentBytes() { out[WordIndex.recentFile] = bytes }
            return out
        }

        func recentBytes() -> [UInt8]? { recent.isEmpty ? nil : JSONLines.encode(recent.sorted { $0.order < $1.order }) }

        /// Forgets the buckets written so far (a fixture writes them a block at a time).
        mutating func clearBuckets() { blocks = [:] }
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

    /// Every file of the index: the buckets and the recent file.
    static func allFiles(in session: Session) throws(InboxError) -> [String] {
        try files(in: session) + (try session.bytes(recentFile) != nil ? [recentFile] : [])
    }

    /// Rewrites every file that differs from `wanted`; returns the files rewritten.
    @discardableResult
    static func rebuild(to wanted: [String: [UInt8]], in tx: Transaction) throws(InboxError) -> [String] {
        var rewritten: [String] = []
        for path in Set(try allFiles(in: tx)).union(wanted.keys).sorted() {
            let want = wanted[path] ?? []
            if try tx.bytes(path) ?? [] != want {
                if want.isEmpty { tx.remove(path) } else { tx.stage(path, want) }
                rewritten.append(path)
            }
        }
        return rewritten
    }

    /// Rebuilds the index from every thread, read one at a time (`inbox upgrade`).
    @discardableResult
    static func rebuild(in tx: Transaction) throws(InboxError) -> [String] {
        var builder = Builder(last: try Sequences.last(Messages.prefix, in: tx))
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

    init(word: String, hits: String) {
        (self.word, self.hits) = (word, hits)
    }

    public static let schema = RecordSchema(blank: WordEntry(word: "", hits: ""), [
        .field("word", \.word, .string),
        .field("hits", \.hits, .string),
    ])
}

/// A line of the recent file: a message, its conversation and its words.
struct RecentWords: StoredRecord, Equatable {
    var message: String
    var conversation: String
    var words: [String]

    init(message: String, conversation: String, words: [String]) {
        (self.message, self.conversation, self.words) = (message, conversation, words)
    }

    init(_ message: Message) {
        self.init(message: message.id, conversation: message.conversation, words: WordIndex.words(of: message))
    }

    static let schema = RecordSchema(blank: RecentWords(message: "", conversation: "", words: []), [
        .field("message", \.message, .string),
        .field("conversation", \.conversation, .string),
        // One string, words separated by spaces: the recent file stays small.
        .field("words", \.words, FieldCodec.string.map({ $0.split(separator: " ").map(String.init) }, back: { $0.joined(separator: " ") })),
    ]) { r throws(JSONParseError) in
        guard Messages.number(of: r.message) != nil else { throw JSONParseError("field \"message\" is not a message id: \"\(r.message)\"") }
    }

    var number: Int { Messages.number(of: message) ?? 0 }
    var order: (Int, String) { (number, message) }
}

/// One message holding a word, and its conversation.
public struct WordHit: Hashable, Sendable {
    public var message: String
    public var conversation: String
    /// The message's number, for ordering (computed once).
    let number: Int

    init(message: String, conversation: String, number: Int? = nil) {
        self.message = message
        self.conversation = conversation
        self.number = number ?? Messages.number(of: message) ?? 0
    }

    init?(_ text: Substring) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        self.init(message: String(text[..<slash]), conversation: String(text[text.index(after: slash)...]))
    }

    var order: (Int, String) { (number, message) }
}
