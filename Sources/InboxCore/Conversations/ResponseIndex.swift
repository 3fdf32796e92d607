/// `index/responses/NNNN.jsonl` (100 conversations a file, like their shards): for each
/// conversation with messages, the waits `inbox report` judges against the reply-time goals —
/// when the client wrote and when we answered (null: still waiting). The report reads these
/// and the conversations, never a thread, so it costs the same at a million messages as at ten
/// thousand. Derived: kept at commit from the threads a change touched, checked by fsck.
public struct ResponseRecord: StoredRecord, Equatable {
    public struct Wait: StoredRecord, Equatable, Sendable {
        public var asked: Timestamp
        public var answered: Timestamp?

        public static let schema = RecordSchema(blank: Wait(asked: .earliest, answered: nil), [
            .field("asked", \.asked, .timestamp),
            .optional("answered", \.answered, .timestamp),
        ])
    }

    public var conversation: String
    /// The thread got the auto-response: its first reply is judged against the missed goal.
    public var missed: Bool
    /// The first is the first response; later ones are judged against the "yours" goal.
    public var waits: [Wait]

    public init(conversation: String, missed: Bool, waits: [Wait]) {
        self.conversation = conversation
        self.missed = missed
        self.waits = waits
    }

    public static let schema = RecordSchema(blank: ResponseRecord(conversation: "", missed: false, waits: []), [
        .field("conversation", \.conversation, .string),
        .field("missed", \.missed, .bool),
        .field("waits", \.waits, .records()),
    ])

    /// A record's place in its file, and its conversation, read from its bytes (`SortedLines`).
    struct Key: Comparable {
        let order: IDOrder
        let id: String

        init(id: String) {
            order = Conversations.table.ids.order(id)
            self.id = id
        }

        static func < (a: Key, b: Key) -> Bool { a.order < b.order }
        static func == (a: Key, b: Key) -> Bool { a.order == b.order }
    }

    private static let conversationOpening = Array(#"{"conversation":"#.utf8)
    private static let missedOpening = Array(#","missed":"#.utf8)

    /// `{"conversation":"cvN","missed":…}`, as `schema` writes a record; nil for any other shape.
    static func key(_ line: UnsafeBufferPointer<UInt8>) -> Key? {
        var cursor = StoredLineCursor(line)
        guard cursor.take(conversationOpening), let id = cursor.string(), cursor.take(missedOpening), line.last == 0x7D else { return nil }
        return Key(id: id)
    }

    /// What a thread says: every stretch from a client's message to our next reply.
    public init?(conversation: String, thread messages: [Message]) {
        let thread = messages.filter(ConversationSummary.inThread)
        func before(_ a: Message, _ b: Message) -> Bool { (a.at.seconds, Messages.order(a.id)) < (b.at.seconds, Messages.order(b.id)) }
        // A thread file is written in the order its messages came, nearly always time order:
        // checked in one pass, sorted only when it is not (a flush takes this record per send).
        let ordered = zip(thread, thread.dropFirst()).allSatisfy { !before($1, $0) } ? thread : thread.sorted(by: before)
        self.init(conversation: conversation, inOrder: ordered)
    }

    /// `thread`: the messages in the thread, oldest first, as fsck has them already (sorted once).
    init?(conversation: String, inOrder thread: [Message]) {
        guard !thread.isEmpty else { return nil }
        var waits: [Wait] = []
        var waitingSince: Timestamp?
        for m in thread {
            if m.direction == .inbound {
                if waitingSince == nil { waitingSince = m.at }
            } else if m.direction == .outbound && m.kind == .message && !m.auto, let asked = waitingSince {
                waits.append(Wait(asked: asked, answered: m.at))
                waitingSince = nil
            }
        }
        if let asked = waitingSince { waits.append(Wait(asked: asked, answered: nil)) }
        self.init(conversation: conversation, missed: thread.contains { $0.auto }, waits: waits)
    }
}

public enum ResponseIndex {
    static let directory = "index/responses"

    static func file(for conversation: String) -> String {
        directory + "/" + (Conversations.table.ids.shard(of: conversation) ?? "0000") + ".jsonl"
    }

    static func ordered(_ records: [ResponseRecord]) -> [ResponseRecord] {
        records.map { (Conversations.table.ids.order($0.conversation), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The response index file beside a conversation shard (`conversations/0003.jsonl` →
    /// `index/responses/0003.jsonl`).
    static func file(forShard conversationShard: String) -> String {
        directory + "/" + String(conversationShard.split(separator: "/").last ?? "")
    }

    /// The records of one file, by conversation id.
    static func records(for conversationShard: String, in session: Session) throws(InboxError) -> [String: ResponseRecord] {
        let path = file(forShard: conversationShard)
        var out: [String: ResponseRecord] = [:]
        for r in try session.records(path, as: ResponseRecord.self) { out[r.conversation] = r }
        return out
    }

    /// The conversations whose records these message changes can move: a wait is made of
    /// messages in the thread, so a send scheduled (or cancelled) while still out of it moves
    /// none, and a batch of 10,000 schedules reads no response file.
    static func affected<C: Sequence>(by changes: C) -> Set<String> where C.Element == (before: Message?, after: Message) {
        var out = Set<String>()
        for (before, after) in changes where moves(before, after) {
            out.insert(after.conversation)
            if let before { out.insert(before.conversation) }
        }
        return out
    }

    /// Whether a message change can move its thread's waits (see `affected`).
    static func moves(_ before: Message?, _ after: Message) -> Bool {
        ConversationSummary.inThread(after) || before.map(ConversationSummary.inThread) == true
    }

    /// Recomputes the records of conversations whose messages changed: those `known` (taken
    /// when their thread was saved, `Messages.save`) as they are, the others from their thread.
    static func update(conversations ids: Set<String>, known: [String: ResponseRecord?] = [:], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [String]] = [:]
        for id in ids.union(known.keys) { byFile[file(for: id), default: []].append(id) }
        for (n, path) in byFile.keys.sorted().enumerated() {
            let changed = byFile[path]!
            // The new record of each conversation changed here; nil: it has none now.
            var now: [String: ResponseRecord?] = [:]
            for id in changed {
                if let record = known[id] { now[id] = record }
                else { now[id] = ResponseRecord(conversation: id, thread: try Messages.of(id, in: tx)) }
            }
            if try !splice(path, to: now, in: tx) {
                // A file read already, or one whose lines are not as the store writes them.
                let before = try tx.records(path, as: ResponseRecord.self)
                let wanted = ordered(before.filter { now[$0.conversation] == nil } + now.values.compactMap { $0 })
                if wanted != before { tx.stage(path, records: wanted) }
            }
            if (n + 1) % DerivedFiles.stretch == 0 { try tx.limitMemory() }
        }
        try tx.limitMemory()
    }

    /// `update` of one file as bytes (`SortedLines`): the records of other conversations are
    /// kept as they are, and the file is staged only when a record's line changes. False when
    /// the file was read already in this change or its lines are not as the store writes them.
    private static func splice(_ path: String, to now: [String: ResponseRecord?], in tx: Transaction) throws(InboxError) -> Bool {
        guard !tx.isParsed(path) else { return false }
        let bytes = try tx.bytes(path)
        guard let file = SortedLines(bytes ?? [], key: ResponseRecord.key) else { return false }
        var adding: [(key: ResponseRecord.Key, line: [UInt8])] = []
        for case let (id, record?) in now {
            var line: [UInt8] = []
            ResponseRecord.schema.write(record, into: &line)
            adding.append((ResponseRecord.Key(id: id), line))
        }
        let dropping = file.lines.filter { now[$0.key.id] != nil }
        let same = dropping.count == adding.count && dropping.allSatisfy { line in
            adding.contains { $0.key.id == line.key.id && $0.line.elementsEqual(file.bytes[line.range]) }
        }
        guard !same else { return true }
        if dropping.count == file.lines.count && adding.isEmpty {
            tx.remove(path)
        } else {
            tx.stage(path, file.spliced(dropping: { now[$0.key.id] != nil }, adding: adding))
        }
        return true
    }

    /// Every file as these threads (by conversation) say.
    static func derived(from threads: [String: [Message]]) -> [String: [UInt8]] {
        var byFile: [String: [ResponseRecord]] = [:]
        for (id, thread) in threads {
            if let r = ResponseRecord(conversation: id, thread: thread) { byFile[file(for: id), default: []].append(r) }
        }
        return byFile.mapValues { JSONLines.encode(ordered($0)) }
    }

    /// Every file as the threads say, read one thread at a time.
    static func derived(in session: Session) throws(InboxError) -> [String: [UInt8]] {
        var byFile: [String: [ResponseRecord]] = [:]
        for file in try Messages.threadFiles(in: session) {
            guard let bytes = try session.bytes(file) else { continue }
            let thread = try JSONLines.decode(bytes, path: session.displayPath(file), as: Message.self)
            guard let first = thread.first, let r = ResponseRecord(conversation: first.conversation, thread: thread) else { continue }
            byFile[self.file(for: first.conversation), default: []].append(r)
        }
        return byFile.mapValues { JSONLines.encode(ordered($0)) }
    }
}

/// Derived files compared with, and rewritten to, what their sources say.
enum DerivedFiles {
    /// How many files of a derived index a change of thousands of them parses at a time, on
    /// every core, before changing them one by one.
    static let stretch = 64

    /// Rewrites each file of `directory` that differs from `wanted` (removing those not wanted);
    /// returns the files rewritten.
    static func rewrite(_ directory: String, to wanted: [String: [UInt8]], in tx: Transaction) throws(InboxError) -> [String] {
        var rewritten: [String] = []
        let present = Set(try tx.list(directory).map { directory + "/" + $0 })
        for path in present.union(wanted.keys).sorted() {
            let want = wanted[path] ?? []
            if try tx.bytes(path) ?? [] != want {
                if want.isEmpty { tx.remove(path) } else { tx.stage(path, want) }
                rewritten.append(path)
            }
        }
        return rewritten
    }

    /// The files of `directory` that differ from `wanted`, and those missing.
    static func differences(_ directory: String, from wanted: [String: [UInt8]], in session: Session) throws(InboxError) -> [String] {
        var out: [String] = []
        let present = Set(try session.list(directory).map { directory + "/" + $0 })
        for path in present.union(wanted.keys).sorted() where try session.bytes(path) ?? [] != wanted[path] ?? [] {
            out.append(path)
        }
        return out
    }
}
