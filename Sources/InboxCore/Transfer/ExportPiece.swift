/// A stretch of `inbox export`'s JSON lines made from one batch of files, with what later parts
/// of the export need of it: the ids of its contacts or conversations, in order, and the
/// attachments its records name. Made from bytes alone, so a second thread can make it.
struct ExportPiece: Sendable {
    var text: [UInt8] = []
    var ids: [String] = []
    var attachments: [String] = []
    /// The message count of each conversation in `ids`, to cut the threads into batches.
    var messageCounts: [Int] = []

    /// One record as an export line: its stored form with `type` first, written straight to
    /// bytes by the record's schema.
    mutating func add<R: StoredRecord>(_ type: String, _ record: R) {
        R.schema.write(record, into: &text, leading: ("type", type))
        text.append(0x0A)
    }

    /// A line that is no stored record (an attachment's bytes).
    mutating func add(_ type: String, _ object: JSONObject) {
        JSONWriter.write(.object(JSONObject([("type", .string(type))] + object.pairs)), into: &text)
        text.append(0x0A)
    }

    /// A contact shard: its contacts, and their ids for the notes and the log.
    static func contacts(_ shard: ExportInput) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        for c in try shard.records(as: Contact.self) {
            piece.add("contact", c)
            piece.ids.append(c.id)
        }
        return piece
    }

    /// The notes of a contact shard's contacts (`contacts`, in shard order), newest first each.
    static func notes(_ file: ExportInput, of contacts: [String]) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        let notes = Dictionary(grouping: try file.records(as: ContactNote.self), by: \.contact)
        for id in contacts { for note in (notes[id] ?? []).reversed() { piece.add("note", note) } }
        return piece
    }

    /// A conversation shard's conversations created in the range, and their ids for the messages.
    static func conversations(_ shard: ExportInput, since: Timestamp?, until: Timestamp?) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        for c in try shard.records(as: Conversation.self) where (since.map { c.createdAt >= $0 } ?? true) && (until.map { c.createdAt <= $0 } ?? true) {
            piece.add("conversation", c)
            piece.ids.append(c.id)
            piece.messageCounts.append(Int(c.messageCount))
        }
        return piece
    }

    /// The messages of conversations `ids`, each from its thread file (`threads`, same order).
    static func messages(_ threads: [ExportInput], of ids: [String]) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        for (thread, id) in zip(threads, ids) {
            for m in try thread.records(as: Message.self) where m.conversation == id {
                piece.add("message", m)
                piece.attachments += m.attachments.map(\.sha256)
            }
        }
        return piece
    }

    static func tasks(_ shard: ExportInput) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        for t in try shard.records(as: ClientTask.self) {
            piece.add("task", t)
            piece.attachments += t.attachments.map(\.sha256)
        }
        return piece
    }

    /// The log entries of a contact shard's contacts (`contacts`, in shard order), oldest first each.
    static func log(_ file: ExportInput, of contacts: [String]) throws(InboxError) -> ExportPiece {
        var piece = ExportPiece()
        let entries = Dictionary(grouping: try file.records(as: LogEntry.self), by: \.contact)
        for id in contacts {
            for e in (entries[id] ?? []).sorted(by: { CommunicationLog.order($0) < CommunicationLog.order($1) }) {
                piece.add("log", e)
                if let r = e.recording { piece.attachments.append(r.sha256) }
            }
        }
        return piece
    }
}

/// A file's bytes (nil when it does not exist) and the path its errors name.
struct ExportInput: Sendable {
    var path: String
    var bytes: [UInt8]?

    /// Its records, parsed strictly.
    func records<R: StoredRecord>(as type: R.Type) throws(InboxError) -> [R] {
        guard let bytes else { return [] }
        return try JSONLines.decode(bytes, path: path, as: type)
    }
}

enum ExportBatches {
    /// Reads each batch of files here and makes its piece, two batches at a time: the second
    /// on another thread while this one makes the first. `write` gets the pieces in order; it
    /// stops at the first error, which is the one a reader of one file at a time would meet.
    static func run<Key: Sendable>(_ batches: [[String]], keys: [Key], in session: Session,
                                   _ make: @escaping @Sendable ([ExportInput], Key) throws(InboxError) -> ExportPiece,
                                   _ write: (ExportPiece) throws(InboxError) -> Void) throws(InboxError) {
        func read(_ files: [String]) throws(InboxError) -> [ExportInput] {
            var inputs: [ExportInput] = []
            for file in files { inputs.append(ExportInput(path: session.displayPath(file), bytes: try session.bytes(file))) }
            return inputs
        }
        var i = 0
        while i < batches.count {
            let first = try read(batches[i])
            var second: BackgroundWork<Result<ExportPiece, InboxError>>?
            if i + 1 < batches.count {
                let input = try read(batches[i + 1]), key = keys[i + 1]
                second = BackgroundWork { Result { () throws(InboxError) in try make(input, key) } }
            }
            do {
                try write(try make(first, keys[i]))
            } catch {
                _ = second?.wait()
                throw error
            }
            if let second { try write(try second.wait().get()) }
            i += 2
        }
    }

    static func run(_ batches: [[String]], in session: Session,
                    _ make: @escaping @Sendable ([ExportInput]) throws(InboxError) -> ExportPiece,
                    _ write: (ExportPiece) throws(InboxError) -> Void) throws(InboxError) {
        try run(batches, keys: Array(repeating: 0, count: batches.count), in: session, { (inputs, _: Int) throws(InboxError) in try make(inputs) }, write)
    }
}
