/// `inbox import`: JSON lines as `export` writes them (contacts, conversations, messages, and
/// the rest), each with its own ids and timestamps. All or nothing: one bad line is
/// `INPUT:LINE: reason`, exit 65, and nothing is written.
public enum Import {
    public struct Summary: Sendable {
        public var counts: [(type: String, count: Int)]
    }

    struct Batch {
        var users: [User] = []
        var templates: [Template] = []
        var contacts: [Contact] = []
        var notes: [ContactNote] = []
        var conversations: [Conversation] = []
        var messages: [Message] = []
        var tasks: [ClientTask] = []
        var log: [LogEntry] = []
        var attachments: [(sha256: String, bytes: [UInt8])] = []
        /// Where each id came from, for messages that name a line.
        var lineOf: [String: Int] = [:]
    }

    public static func run(_ bytes: [UInt8], input: String, in tx: Transaction) throws(InboxError) -> Summary {
        var batch = Batch()
        try JSONLines.forEachLine(bytes, path: input) { (content, line) throws(InboxError) in
            do throws(JSONParseError) {
                try read(JSONParser.parse(content), line: line, into: &batch)
            } catch {
                throw InboxError.badData(path: input, line: line, reason: error.reason)
            }
        }
        try check(batch, input: input, in: tx)
        try stage(batch, in: tx)
        // The imported records must make a sound repository with what was there.
        let problems = try Fsck.check(tx).problems
        if let first = problems.first {
            throw InboxError.dataProblems("\(input): the import would leave the repository inconsistent (nothing was written): \(first.explanation)\(problems.count > 1 ? " (and \(problems.count - 1) more)" : "")")
        }
        return Summary(counts: [("user", batch.users.count), ("template", batch.templates.count), ("contact", batch.contacts.count),
                                ("note", batch.notes.count), ("conversation", batch.conversations.count), ("message", batch.messages.count),
                                ("task", batch.tasks.count), ("log", batch.log.count), ("attachment", batch.attachments.count)])
    }

    static func read(_ value: JSONValue, line: Int, into batch: inout Batch) throws(JSONParseError) {
        guard case .object(var object) = value else { throw JSONParseError("expected an object, found \(value.typeName)") }
        guard let typeIndex = object.pairs.firstIndex(where: { $0.key == "type" }), case .string(let type) = object.pairs[typeIndex].value else {
            throw JSONParseError("missing field \"type\" (user, template, contact, note, conversation, message, task, log or attachment)")
        }
        object.pairs.remove(at: typeIndex)
        var fields = try FieldReader(.object(object))
        func decode<R: StoredRecord>(_: R.Type) throws(JSONParseError) -> R {
            let record = try R(fields: &fields)
            try fields.finish()
            return record
        }
        switch type {
        case "user": batch.users.append(try decode(User.self))
        case "template": batch.templates.append(try decode(Template.self))
        case "contact": let c = try decode(Contact.self); batch.contacts.append(c); batch.lineOf[c.id] = line
        case "note": let n = try decode(ContactNote.self); batch.notes.append(n); batch.lineOf[n.id] = line
        case "conversation": let c = try decode(Conversation.self); batch.conversations.append(c); batch.lineOf[c.id] = line
        case "message": let m = try decode(Message.self); batch.messages.append(m); batch.lineOf[m.id] = line
        case "task": let t = try decode(ClientTask.self); batch.tasks.append(t); batch.lineOf[t.id] = line
        case "log": let e = try decode(LogEntry.self); batch.log.append(e); batch.lineOf[e.id] = line
        case "attachment":
            let sha = try fields.string("sha256")
            let data = try fields.string("data")
            try fields.finish()
            guard let bytes = Base64.decode(data) else { throw JSONParseError("field \"data\" is not base64") }
            guard SHA256.hex(bytes) == sha else { throw JSONParseError("attachment content does not match its sha256") }
            batch.attachments.append((sha, bytes))
        default:
            throw JSONParseError("unknown type \"\(type)\" (user, template, contact, note, conversation, message, task, log or attachment)")
        }
    }

    /// Ids already in the repository, or given twice, are refused: an import never overwrites.
    static func check(_ batch: Batch, input: String, in tx: Transaction) throws(InboxError) {
        var seen = Set<String>()
        func fresh(_ id: String, exists: Bool) throws(InboxError) {
            let line = batch.lineOf[id] ?? 0
            guard seen.insert(id).inserted else { throw InboxError.badData(path: input, line: line, reason: "\(id) appears twice in the input") }
            if exists { throw InboxError.badData(path: input, line: line, reason: "\(id) already exists in the repository") }
        }
        for c in batch.contacts { try fresh(c.id, exists: try Contacts.table.get(c.id, in: tx) != nil) }
        for c in batch.conversations { try fresh(c.id, exists: try Conversations.table.get(c.id, in: tx) != nil) }
        for m in batch.messages { try fresh(m.id, exists: try Messages.get(m.id, in: tx) != nil) }
        for t in batch.tasks { try fresh(t.id, exists: try Tasks.table.get(t.id, in: tx) != nil) }
        for n in batch.notes {
            guard ContactNotes.file(for: n.contact) != nil else {
                throw InboxError.badData(path: input, line: batch.lineOf[n.id] ?? 0, reason: "note \(n.id) names \"\(n.contact)\", which is not a contact id")
            }
            let existing = try tx.records(ContactNotes.file(for: n.contact)!, as: ContactNote.self)
            try fresh(n.id, exists: existing.contains { $0.id == n.id })
        }
        for e in batch.log {
            guard Contacts.table.ids.isValid(e.contact) else {
                throw InboxError.badData(path: input, line: batch.lineOf[e.id] ?? 0, reason: "log entry \(e.id) names \"\(e.contact)\", which is not a contact id")
            }
            let existing = try tx.records(CommunicationLog.file(for: e.contact), as: LogEntry.self)
            try fresh(e.id, exists: existing.contains { $0.id == e.id })
        }
    }

    static func stage(_ batch: Batch, in tx: Transaction) throws(InboxError) {
        for user in batch.users where try Users.find(user.name, in: tx) == nil { try Users.add(user, in: tx) }
        for template in batch.templates where !(try Templates.all(tx)).contains(where: { $0.name == template.name }) {
            try Templates.add(template, in: tx)
        }
        for a in batch.attachments where try tx.bytes(Attachments.relativePath(a.sha256)) == nil {
            tx.stage(Attachments.relativePath(a.sha256), a.bytes)
        }
        try Contacts.table.put(batch.contacts, in: tx)
        try AddressIndex.add(batch.contacts, in: tx)
        try appendSorted(batch.notes, file: { ContactNotes.file(for: $0.contact)! }, prefix: ContactNotes.prefix, in: tx)
        try Conversations.table.put(batch.conversations, in: tx)
        try Conversations.index(batch.conversations, in: tx)
        try Messages.save(batch.messages, in: tx)
        try Tasks.table.put(batch.tasks, in: tx)
        try appendSorted(batch.log, file: { CommunicationLog.file(for: $0.contact) }, prefix: CommunicationLog.prefix, in: tx)
        // Counters move past every imported id, so new records never reuse one.
        for (prefix, ids) in [(Contacts.table.prefix, batch.contacts.map(\.id)), (ContactNotes.prefix, batch.notes.map(\.id)),
                              (Conversations.table.prefix, batch.conversations.map(\.id)), (Messages.prefix, batch.messages.map(\.id)),
                              (Tasks.table.prefix, batch.tasks.map(\.id)), (CommunicationLog.prefix, batch.log.map(\.id))] {
            if let top = ids.compactMap({ IDPrefix.number(of: $0, prefix: prefix) }).max() { try Sequences.raise(prefix, to: top, in: tx) }
        }
    }

    static func appendSorted<R: IdentifiedRecord>(_ records: [R], file: (R) -> String, prefix: String, in tx: Transaction) throws(InboxError) {
        var byFile: [String: [R]] = [:]
        for r in records { byFile[file(r), default: []].append(r) }
        for (path, added) in byFile {
            let ids = IDSpace(prefix: prefix)
            let all = (try tx.records(path, as: R.self) + added).sorted { ids.order($0.id) < ids.order($1.id) }
            tx.stage(path, records: all)
        }
    }
}
