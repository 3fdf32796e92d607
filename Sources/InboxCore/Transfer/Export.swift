/// `inbox export`: the repository as one JSON-lines stream (every record, each line tagged with
/// its `type`, attachments as base64), or as CSV with one row per conversation.
public enum Export {
    public static func jsonLines(since: Timestamp?, until: Timestamp?, in session: Session) throws(InboxError) -> [JSONValue] {
        func tagged(_ type: String, _ object: JSONObject) -> JSONValue {
            .object(JSONObject([("type", .string(type))] + object.pairs))
        }
        var out: [JSONValue] = []
        out += try Users.all(session).map { tagged("user", $0.json) }
        out += try Templates.all(session).map { tagged("template", $0.json) }
        let contacts = try Contacts.table.all(in: session)
        out += contacts.map { tagged("contact", $0.json) }
        for contact in contacts {
            out += try ContactNotes.of(contact, in: session).reversed().map { tagged("note", $0.json) }
        }
        let conversations = try Conversations.table.all(in: session).filter { c in
            (since.map { c.createdAt >= $0 } ?? true) && (until.map { c.createdAt <= $0 } ?? true)
        }
        out += conversations.map { tagged("conversation", $0.json) }
        var attachments: [String: Attachment] = [:]
        for c in conversations {
            for m in try Messages.of(c.id, in: session) {
                out.append(tagged("message", m.json))
                for a in m.attachments { attachments[a.sha256] = a }
            }
        }
        for t in try Tasks.table.all(in: session) {
            out.append(tagged("task", t.json))
            for a in t.attachments { attachments[a.sha256] = a }
        }
        for contact in contacts {
            for e in try CommunicationLog.of(contact.id, in: session) {
                out.append(tagged("log", e.json))
                if let r = e.recording { attachments[r.sha256] = r }
            }
        }
        for sha in attachments.keys.sorted() {
            guard let bytes = try session.bytes(Attachments.relativePath(sha)) else { continue }
            out.append(.object(JSONObject([("type", .string("attachment")), ("sha256", .string(sha)), ("data", .string(Base64.encode(bytes)))])))
        }
        return out
    }

    /// One row per conversation, with its contact, timings and tags.
    public static func csv(since: Timestamp?, until: Timestamp?, in session: Session) throws(InboxError) -> String {
        var rows = [["conversation", "contact", "contact_name", "channel", "subject", "status", "assignee", "created_at",
                     "first_inbound_at", "first_response_at", "first_response_seconds", "closed_at", "resolution_seconds",
                     "message_count", "tags"]]
        for c in try Conversations.table.all(in: session) {
            if let since, c.createdAt < since { continue }
            if let until, c.createdAt > until { continue }
            let contact = try Contacts.table.get(c.contact, in: session)
            let start = c.firstInboundAt ?? c.createdAt
            var response = ""
            if let asked = c.firstInboundAt, let answered = c.firstResponseAt { response = String(answered.seconds - asked.seconds) }
            let resolution = c.status == .closed ? c.closedAt.map { String($0.seconds - start.seconds) } ?? "" : ""
            rows.append([c.id, c.contact, contact?.fullName ?? "", c.channel.rawValue, c.subject ?? "", c.status.rawValue, c.assignee ?? "",
                         c.createdAt.iso, c.firstInboundAt?.iso ?? "", c.firstResponseAt?.iso ?? "", response,
                         c.closedAt?.iso ?? "", resolution, String(c.messageCount), (contact?.tags ?? []).joined(separator: ";")])
        }
        return rows.map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

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
