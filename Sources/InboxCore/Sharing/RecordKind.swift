/// What the merge driver needs to know about one kind of record file: the field that names a
/// record, how the store orders the file, which fields are sets, and the record type that
/// checks a merged record and writes it back in its canonical form.
struct RecordKind: Sendable {
    let name: String
    /// The field that identifies a record in its file (`id`, `key`, `name`, `prefix`).
    let key: String
    /// The id prefix of an id-keyed kind (`ct`), nil for the others.
    let idPrefix: String?
    /// Array fields merged as 3-way sets, and whether their members compare case-insensitively.
    let setFields: [String: Bool]
    /// Object fields merged key by key (a contact's custom fields).
    let mapFields: Set<String>
    /// Parses a merged record with the real type and gives it back canonical (`R.json`), so the
    /// output is exactly what the store would write, and a record the store would refuse is refused.
    let canonical: @Sendable (JSONValue) throws(JSONParseError) -> JSONObject

    var isMessage: Bool { idPrefix == Messages.prefix }

    /// The store's order for the file: for id-keyed files the store's one order of ids
    /// (`IDSpace.order`: sequential by number, then minted by spelling), else the key's text.
    /// Thread files are kept in the order messages were added; a merged one is in id order,
    /// which every reader that shows a thread sorts by time anyway.
    func sortKey(_ key: String) -> IDOrder {
        guard let idPrefix else { return IDOrder(shape: 2, value: 0, text: key) }
        return IDSpace(prefix: idPrefix).order(key)
    }

    static func of<R: StoredRecord>(_ name: String, _ type: R.Type, key: String = "id", idPrefix: String? = nil,
                                    sets: [String: Bool] = [:], maps: Set<String> = []) -> RecordKind {
        RecordKind(name: name, key: key, idPrefix: idPrefix, setFields: sets, mapFields: maps) { (value) throws(JSONParseError) -> JSONObject in
            var fields = try FieldReader(value)
            let record = try R(fields: &fields)
            try fields.finish()
            return record.json
        }
    }

    static let contact = of("contact", Contact.self, idPrefix: Contacts.table.prefix,
                            sets: ["tags": true, "phones": false, "emails": false], maps: ["fields"])
    static let note = of("note", ContactNote.self, idPrefix: ContactNotes.prefix)
    static let conversation = of("conversation", Conversation.self, idPrefix: Conversations.table.prefix)
    static let message = of("message", Message.self, idPrefix: Messages.prefix, sets: ["cc": false, "seen_by": false])
    static let task = of("task", ClientTask.self, idPrefix: Tasks.table.prefix)
    static let log = of("log entry", LogEntry.self, idPrefix: CommunicationLog.prefix)
    static let setting = of("setting", ConfigEntry.self, key: "key")
    static let user = of("user", User.self, key: "name")
    static let template = of("template", Template.self, key: "name")
    static let counter = of("counter", SequenceRecord.self, key: "prefix")
    static let contactMerge = of("contact merge", ContactMerge.self, key: "merged", idPrefix: Contacts.table.prefix)

    /// The kind of a file by its path inside `.inbox` (what git passes as %P).
    static func forPath(_ path: String) -> RecordKind? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if let store = parts.lastIndex(of: Repository.storeName) { parts = Array(parts[(store + 1)...]) }
        let relative = parts.joined(separator: "/")
        switch relative {
        case Config.file: return .setting
        case Users.file: return .user
        case Templates.file: return .template
        case Sequences.file: return .counter
        case ContactMerges.file: return .contactMerge
        default: break
        }
        let top = parts.first ?? ""
        switch top {
        case "contacts": return .contact
        case "notes": return .note
        case "conversations": return .conversation
        case "messages": return .message
        case "tasks": return .task
        case "log": return .log
        default: return nil
        }
    }

    /// The kind of a file by its first record, when git gave no path.
    static func forRecord(_ object: JSONObject) -> RecordKind? {
        if let id = object["id"]?.stringValue {
            for kind in [contact, note, conversation, message, task, log] where IDSpace(prefix: kind.idPrefix!).isValid(id) {
                return kind
            }
            return nil
        }
        if object["key"] != nil { return .setting }
        if object["prefix"] != nil { return .counter }
        if object["role"] != nil { return .user }
        if object["name"] != nil { return .template }
        return nil
    }
}
