/// A note on a contact (the "Notes" section of a contact's details), kept beside its contact:
/// `notes/0000.jsonl` holds the notes of ct1–ct999, so showing a contact reads one file.
public struct ContactNote: IdentifiedRecord, Sendable {
    public var id: String
    public var contact: String
    public var text: String
    public var author: String
    public var at: Timestamp
    /// The conversation the note is about (a closing), so that conversation's thread shows it.
    /// Absent in notes about the contact alone.
    public var conversation: String?
    /// When the text was last changed (`contact note --edit`); absent on a note never edited.
    public var editedAt: Timestamp?

    public init(id: String, contact: String, text: String, author: String, at: Timestamp, conversation: String? = nil) {
        self.id = id
        self.contact = contact
        self.text = text
        self.author = author
        self.at = at
        self.conversation = conversation
    }

    public static let schema = RecordSchema(blank: ContactNote(id: "", contact: "", text: "", author: "", at: .earliest), [
        .field("id", \.id, .string),
        .field("contact", \.contact, .string),
        .field("text", \.text, .string),
        .field("author", \.author, .string),
        .field("at", \.at, .timestamp),
        .optional("conversation", \.conversation, .string, whenNil: .omitted),
        .optional("edited_at", \.editedAt, .timestamp, whenNil: .omitted),
    ])
}

public enum ContactNotes {
    public static let prefix = "nt"
    public static let ids = IDSpace(prefix: prefix)
    static let directory = "notes"

    static func file(for contactID: String) -> String? {
        Contacts.table.ids.shard(of: contactID).map { directory + "/" + $0 + ".jsonl" }
    }

    public static func add(to contact: Contact, text: String, author: String, now: Timestamp, conversation: String? = nil,
                           in tx: Transaction) throws(InboxError) -> ContactNote {
        guard !text.trimmingWhitespace().isEmpty else { throw InboxError.usage("the note is empty") }
        let note = ContactNote(id: try ids.next(in: tx), contact: contact.id, text: text, author: author, at: now, conversation: conversation)
        let path = file(for: contact.id)!
        tx.stage(path, records: try tx.records(path, as: ContactNote.self) + [note])
        return note
    }

    /// Replaces a note's text. Its author, time and place stay; `edited_at` records the change.
    /// Only its author or an admin may change it (checked by the caller, who knows the actor).
    public static func edit(_ id: String, of contact: Contact, text: String, now: Timestamp, in tx: Transaction) throws(InboxError) -> ContactNote {
        guard !text.trimmingWhitespace().isEmpty else { throw InboxError.usage("the note is empty") }
        let path = file(for: contact.id)!
        var notes = try tx.records(path, as: ContactNote.self)
        // An id or an unambiguous prefix of one, among this contact's notes, as for every id.
        let wanted = id.trimmingWhitespace().lowercased()
        let mine = notes.indices.filter { notes[$0].contact == contact.id }
        var matching = mine.filter { notes[$0].id == wanted }
        if matching.isEmpty && !wanted.isEmpty { matching = mine.filter { notes[$0].id.hasPrefix(wanted) } }
        if matching.count > 1 { throw InboxError.ambiguousID(input: id, candidates: matching.map { notes[$0].id }) }
        guard let index = matching.first else {
            throw InboxError.notFound("no note '\(id)' on \(contact.id) (see '\(CommandReference.showContact(contact.id))')")
        }
        guard notes[index].text != text else { return notes[index] }
        notes[index].text = text
        notes[index].editedAt = now
        tx.stage(path, records: notes)
        return notes[index]
    }

    /// The notes about one conversation (its closings), oldest first.
    public static func of(conversation: Conversation, in session: Session) throws(InboxError) -> [ContactNote] {
        guard let path = file(for: conversation.contact) else { return [] }
        return try session.records(path, as: ContactNote.self).filter { $0.contact == conversation.contact && $0.conversation == conversation.id }
    }

    /// A contact's notes, newest first.
    public static func of(_ contact: Contact, in session: Session) throws(InboxError) -> [ContactNote] {
        guard let path = file(for: contact.id) else { return [] }
        return try session.records(path, as: ContactNote.self).filter { $0.contact == contact.id }.reversed()
    }
}
