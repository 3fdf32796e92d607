/// `index/words/NNNN/XX.jsonl`: which messages hold each word. NNNN is the message number /
/// 10,000 and XX one of 256 buckets of the word (a hash), so a search reads, in each block of
/// 10,000 messages, the one small file of each of its words, and a send rewrites only the files
/// of its own words in the newest block: neither grows with the repository's size. A line is
/// `{"word":"invoice","hits":"ms12/cv3 ms40/cv3"}` (message/conversation, oldest first), lines
/// sorted by word. Derived: kept at commit (`DerivedIndexes`), checked by fsck, rebuilt by
/// `fsck --repair`.
public struct WordEntry: StoredRecord, Equatable {
    public var word: String
    /// `message/conversation` pairs, separated by spaces, in message order.
    public var hits: String

    public init(word: String, hits: String) {
        self.word = word
        self.hits = hits
    }

    public init(fields: inout FieldReader) throws(JSONParseError) {
        word = try fields.string("word")
        hits = try fields.string("hits")
    }

    public var json: JSONObject { JSONObject([("word", .string(word)), ("hits", .string(hits))]) }
}

/// One message holding a word, and its conversation.
public struct WordHit: Hashable, Sendable {
    public var message: String
    public var conversation: String

    var text: String { message + "/" + conversation }

    init(message: String, conversation: String) {
        self.message = message
        self.conversation = conversation
    }

    init?(_ text: Substring) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        message = String(text[..<slash])
        conversation = String(text[text.index(after: slash)...])
    }

    var order: (Int, String) { (Messages.number(of: message) ?? 0, message) }
}

public enum WordIndex {
    static let directory = "index/words"
    static let messagesPerBlock = 10_000

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

    /// Brings the lines of changed messages' words up to date, one rewrite per file.
    static func update(_ changes: [String: (before: Message?, after: Message)], in tx: Transaction) throws(InboxError) {
        // file -> word -> hits to add and to remove
        var added: [String: [String: [WordHit]]] = [:]
        var removed: [String: [String: Set<String>]] = [:]
        for (id, change) in changes {
            let after = change.after
            let old = change.before.map(words(of:)) ?? []
            let new = words(of: after)
            let moved = change.before.map { $0.conversation != after.conversation } ?? false
            guard moved || old != new else { continue }
            let block = block(ofMessage: id)
            let keep = moved ? Set<String>() : Set(new)
            let had = moved ? Set<String>() : Set(old)
            for word in old where !keep.contains(word) { removed[file(block: block, word: word), default: [:]][word, default: []].insert(id) }
            let hit = WordHit(message: id, conversation: after.conversation)
            for word in new where !had.contains(word) { added[file(block: block, word: word), default: [:]][word, default: []].append(hit) }
        }
        for path in Set(added.keys).union(removed.keys) {
            var lines: [String: [WordHit]] = [:]
            for entry in try tx.records(path, as: WordEntry.self) { lines[entry.word] = hits(entry.hits) }
            for (word, ids) in removed[path] ?? [:] {
                lines[word]?.removeAll { ids.contains($0.message) }
                if lines[word]?.isEmpty == true { lines[word] = nil }
            }
            for (word, new) in added[path] ?? [:] {
                let ids = Set(new.map(\.message))
                var list = (lines[word] ?? []).filter { !ids.contains($0.message) } + new
                list.sort { $0.order < $1.order }
                lines[word] = list
            }
            if lines.isEmpty {
                if try tx.bytes(path) != nil { tx.remove(path) }
            } else {
                tx.stage(path, records: entries(lines))
            }
        }
    }

    static func hits(_ text: String) -> [WordHit] {
        text.split(separator: " ").compactMap(WordHit.init)
    }

    static func entries(_ lines: [String: [WordHit]]) -> [WordEntry] {
        lines.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { word in
            WordEntry(word: word, hits: lines[word]!.map(\.text).joined(separator: " "))
        }
    }

    /// The index as the messages say it should be, built a thread at a time.
    struct Builder {
        private var files: [String: [String: [WordHit]]] = [:]

        mutating func add(_ message: Message) {
            let block = WordIndex.block(ofMessage: message.id)
            let hit = WordHit(message: message.id, conversation: message.conversation)
            for word in WordIndex.words(of: message) { files[WordIndex.file(block: block, word: word), default: [:]][word, default: []].append(hit) }
        }

        /// Each file's bytes; hits in message order whatever order the threads came in.
        func encoded() -> [String: [UInt8]] {
            files.mapValues { lines in
                JSONLines.encode(WordIndex.entries(lines.mapValues { $0.sorted { $0.order < $1.order } }))
            }
        }
    }

    /// Every file of the index, as `directory/NNNN/XX.jsonl`.
    static func files(in session: Session) throws(InboxError) -> [String] {
        var out: [String] = []
        for block in try session.list(directory).sorted() {
            out += try session.list(directory + "/" + block).sorted().map { directory + "/" + block + "/" + $0 }
        }
        return out
    }

    /// Rewrites every file that differs from what the messages say; returns those rewritten.
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

    /// The files that differ from `wanted`, and those missing.
    static func differences(from wanted: [String: [UInt8]], in session: Session) throws(InboxError) -> [String] {
        var out: [String] = []
        for path in Set(try files(in: session)).union(wanted.keys).sorted() where try session.bytes(path) ?? [] != wanted[path] ?? [] {
            out.append(path)
        }
        return out
    }
}
