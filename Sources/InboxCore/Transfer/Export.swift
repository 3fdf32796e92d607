/// `inbox export`: the repository as one JSON-lines stream (every record, each line tagged with
/// its `type`, attachments as base64), or as CSV with one row per conversation.
public enum Export {
    /// Writes every record as one JSON line tagged with its `type`, in the order import reads
    /// them back: users, templates, contacts, notes, conversations, messages, tasks, log,
    /// attachments. Streams a batch of files at a time (nothing is kept once written but ids,
    /// so memory holds a few files whatever the size of the repository), each file read once:
    /// what later parts need of the contacts and conversations (their ids, in order) is kept
    /// from the first read. Batches are decoded and encoded two at a time, one on a second
    /// thread (`ExportBatches`); `emit` gets the text in pieces.
    public static func jsonLines(since: Timestamp?, until: Timestamp?, in session: Session,
                                 emit: (String) throws(InboxError) -> Void) throws(InboxError) {
        var attachments = Set<String>()
        func write(_ piece: ExportPiece) throws(InboxError) {
            if !piece.text.isEmpty { try emit(String(decoding: piece.text, as: UTF8.self)) }
            attachments.formUnion(piece.attachments)
        }
        var head = ExportPiece()
        for user in try Users.all(session) { head.add("user", user) }
        for template in try Templates.all(session) { head.add("template", template) }
        try write(head)
        let contactShards = try Contacts.table.shardFiles(in: session)
        var contactIDs: [[String]] = []
        try ExportBatches.run(contactShards.map { [$0] }, in: session, { (files) throws(InboxError) in try ExportPiece.contacts(files[0]) }) { (piece) throws(InboxError) in
            contactIDs.append(piece.ids)
            try write(piece)
        }
        let shards = contactShards
        try ExportBatches.run(shards.map { [ContactNotes.directory + "/" + fileName($0)] }, keys: contactIDs, in: session, { (files, ids) throws(InboxError) in
            try ExportPiece.notes(files[0], of: ids)
        }, write)
        let conversationShards = try Conversations.table.shardFiles(in: session)
        var selected: [(id: String, messages: Int)] = []
        try ExportBatches.run(conversationShards.map { [$0] }, in: session, { (files) throws(InboxError) in
            try ExportPiece.conversations(files[0], since: since, until: until)
        }) { (piece) throws(InboxError) in
            selected += zip(piece.ids, piece.messageCounts).map { ($0, $1) }
            try write(piece)
        }
        // About a thousand messages a batch (a megabyte or so), going by the conversations' counts.
        var threads: [[String]] = []
        var inBatch = 0
        for (id, messages) in selected {
            if threads.isEmpty || inBatch >= 1000 || threads[threads.count - 1].count >= 256 {
                threads.append([])
                inBatch = 0
            }
            threads[threads.count - 1].append(id)
            inBatch += max(messages, 1)
        }
        try ExportBatches.run(threads.map { $0.map(Messages.file(forConversation:)) }, keys: threads, in: session, { (files, ids) throws(InboxError) in
            try ExportPiece.messages(files, of: ids)
        }, write)
        try ExportBatches.run(try Tasks.table.shardFiles(in: session).map { [$0] }, in: session, { (files) throws(InboxError) in try ExportPiece.tasks(files[0]) }, write)
        try ExportBatches.run(shards.map { [CommunicationLog.directory + "/" + fileName($0)] }, keys: contactIDs, in: session, { (files, ids) throws(InboxError) in
            try ExportPiece.log(files[0], of: ids)
        }, write)
        var tail = ExportPiece()
        for sha in attachments.sorted() {
            guard let bytes = try session.bytes(Attachments.relativePath(sha)) else { continue }
            tail.add("attachment", JSONObject([("sha256", .string(sha)), ("data", .string(Base64.encode(bytes)))]))
            if tail.text.count >= 1 << 16 {
                try write(tail)
                tail = ExportPiece()
            }
        }
        try write(tail)
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
