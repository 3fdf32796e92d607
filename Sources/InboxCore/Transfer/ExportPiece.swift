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
    /// Batches a thread takes at a time: two such groups are made ahead of the one written.
    static let group = 4

    /// Reads the batches of files here, a group at a time, and makes their pieces on this
    /// thread and one started for each group (`SharedWork`), two groups ahead, so that a thread
    /// has work while this one reads and writes. `write` gets the pieces in order; it stops at
    /// the first error, which is the one a reader of one file at a time would meet (a read that
    /// fails is kept as its batch's result until then).
    static func run<Key: Sendable>(_ batches: [[String]], keys: [Key], in session: Session,
                                   _ make: @escaping @Sendable ([ExportInput], Key) throws(InboxError) -> ExportPiece,
                                   _ write: (ExportPiece) throws(InboxError) -> Void) throws(InboxError) {
        typealias Batch = (inputs: Result<[ExportInput], InboxError>, key: Key)
        func read(_ files: [String]) -> Result<[ExportInput], InboxError> {
            Result { () throws(InboxError) in
                var inputs: [ExportInput] = []
                for file in files { inputs.append(ExportInput(path: session.displayPath(file), bytes: try session.bytes(file))) }
                return inputs
            }
        }
        var next = 0
        func readGroup() -> [Batch] {
            var out: [Batch] = []
            while next < batches.count && out.count < group {
                out.append((read(batches[next]), keys[next]))
                next += 1
            }
            return out
        }
        let work: @Sendable (Batch) -> Result<ExportPiece, InboxError> = { batch in
            Result { () throws(InboxError) in try make(try batch.inputs.get(), batch.key) }
        }
        var making: [SharedWork<Batch, Result<ExportPiece, InboxError>>] = []
        if next < batches.count { making.append(SharedWork(readGroup(), work)) }
        while !making.isEmpty {
            if next < batches.count { making.append(SharedWork(readGroup(), work)) }
            let pieces = making.removeFirst().finish()
            do {
                for piece in pieces { try write(try piece.get()) }
            } catch {
                for rest in making { _ = rest.finish() }  // no thread is left running
                throw error
            }
        }
    }

    static func run(_ batches: [[String]], in session: Session,
                    _ make: @escaping @Sendable ([ExportInput]) throws(InboxError) -> ExportPiece,
                    _ write: (ExportPiece) throws(InboxError) -> Void) throws(InboxError) {
        try run(batches, keys: Array(repeating: 0, count: batches.count), in: session, { (inputs, _: Int) throws(InboxError) in try make(inputs) }, write)
    }
}
