/// `inbox export`: the repository as one JSON-lines stream (every record, each line tagged with
/// its `type`, attachments as base64), or as CSV with one row per conversation.
public enum Export {
    /// Writes every record as one JSON line tagged with its `type`, in the order import reads
    /// them back: users, templates, contacts, notes, conversations, messages, tasks, log,
    /// attachments. Streams shard by shard (nothing is kept once written, so memory holds one
    /// shard whatever the size of the repository); `emit` gets the text in pieces.
    public static func jsonLines(since: Timestamp?, until: Timestamp?, in session: Session,
                                 emit: (String) throws(InboxError) -> Void) throws(InboxError) {
        var buffer: [UInt8] = []
        func tagged<R: StoredRecord>(_ type: String, _ record: R) throws(InboxError) {
            R.schema.write(record, into: &buffer, leading: ("type", type))
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { try flush() }
        }
        func tagged(_ type: String, _ object: JSONObject) throws(InboxError) {
            JSONWriter.write(.object(JSONObject([("type", .string(type))] + object.pairs)), into: &buffer)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { try flush() }
        }
        func flush() throws(InboxError) {
            try emit(String(decoding: buffer, as: UTF8.self))
            buffer.removeAll(keepingCapacity: true)
        }
        for user in try Users.all(session) { try tagged("user", user) }
        for template in try Templates.all(session) { try tagged("template", template) }
        let contactShards = try Contacts.table.shardFiles(in: session)
        for shard in contactShards { for c in try read(shard, as: Contact.self, session) { try tagged("contact", c) } }
        for shard in contactShards {
            let notes = try read(ContactNotes.directory + "/" + fileName(shard), as: ContactNote.self, session)
            for c in try read(shard, as: Contact.self, session) {
                for note in notes.filter({ $0.contact == c.id }).reversed() { try tagged("note", note) }
            }
        }
        let conversationShards = try Conversations.table.shardFiles(in: session)
        func selected(_ c: Conversation) -> Bool { (since.map { c.createdAt >= $0 } ?? true) && (until.map { c.createdAt <= $0 } ?? true) }
        for shard in conversationShards {
            for c in try read(shard, as: Conversation.self, session) where selected(c) { try tagged("conversation", c) }
        }
        var attachments = Set<String>()
        for shard in conversationShards {
            for c in try read(shard, as: Conversation.self, session) where selected(c) {
                for m in try read(Messages.file(forConversation: c.id), as: Message.self, session) where m.conversation == c.id {
                    try tagged("message", m)
                    for a in m.attachments { attachments.insert(a.sha256) }
                }
            }
        }
        for shard in try Tasks.table.shardFiles(in: session) {
            for t in try read(shard, as: ClientTask.self, session) {
                try tagged("task", t)
                for a in t.attachments { attachments.insert(a.sha256) }
            }
        }
        for shard in contactShards {
            let entries = try read(CommunicationLog.directory + "/" + fileName(shard), as: LogEntry.self, session)
            for c in try read(shard, as: Contact.self, session) {
                for e in entries.filter({ $0.contact == c.id }).sorted(by: { CommunicationLog.order($0) < CommunicationLog.order($1) }) {
                    try tagged("log", e)
                    if let r = e.recording { attachments.insert(r.sha256) }
                }
            }
        }
        for sha in attachments.sorted() {
            guard let bytes = try session.bytes(Attachments.relativePath(sha)) else { continue }
            try tagged("attachment", JSONObject([("sha256", .string(sha)), ("data", .string(Base64.encode(bytes)))]))
        }
        if !buffer.isEmpty { try flush() }
    }

    /// A file's records, parsed strictly but not kept: a streaming reader must not grow the
    /// session's cache to the size of the repository.
    static func read<R: StoredRecord>(_ file: String, as type: R.Type, _ session: Session) throws(InboxError) -> [R] {
        guard let bytes = try session.bytes(file) else { return [] }
        return try JSONLines.decode(bytes, path: session.displayPath(file), as: type)
    }

    static func fileName(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    /// One row per conversation, with its contact, timings and tags.
    public static func csv(since: Timestamp?, until: Timestamp?, in session: Session,
                           emit: (String) throws(InboxError) -> Void) throws(InboxError) {
        let header = ["conversation", "contact", "contact_name", "channel", "subject", "status", "assignee", "created_at",
                      "first_inbound_at", "first_response_at", "first_response_seconds", "closed_at", "resolution_seconds",
                      "message_count", "tags"]
        try emit(row(header))
        // What a row needs of each contact, kept small: contacts are not held whole.
        var people: [String: (name: String, tags: String)] = [:]
        for shard in try Contacts.table.shardFiles(in: session) {
            for c in try read(shard, as: Contact.self, session) { people[c.id] = (c.fullName, c.tags.joined(separator: ";")) }
        }
        var text = ""
        for shard in try Conversations.table.shardFiles(in: session) {
            for c in try read(shard, as: Conversation.self, session) {
                if let since, c.createdAt < since { continue }
                if let until, c.createdAt > until { continue }
                let contact = people[c.contact]
                let start = c.firstInboundAt ?? c.createdAt
                var response = ""
                if let asked = c.firstInboundAt, let answered = c.firstResponseAt { response = String(answered.seconds - asked.seconds) }
                let resolution = c.status == .closed ? c.closedAt.map { String($0.seconds - start.seconds) } ?? "" : ""
                text += row([c.id, c.contact, contact?.name ?? "", c.channel.rawValue, c.subject ?? "", c.status.rawValue, c.assignee ?? "",
                             c.createdAt.iso, c.firstInboundAt?.iso ?? "", c.firstResponseAt?.iso ?? "", response,
                             c.closedAt?.iso ?? "", resolution, String(c.messageCount), contact?.tags ?? ""])
            }
            try emit(text)
            text = ""
        }
    }

    static func row(_ fields: [String]) -> String { fields.map(csvField).joined(separator: ",") + "\r\n" }

    /// RFC 4180: quote a field holding a comma, quote, or line break; double inner quotes.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    public func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
