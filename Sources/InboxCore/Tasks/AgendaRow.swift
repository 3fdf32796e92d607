/// One line of the task agenda (`TaskAgenda`): what a `task list` row shows, the contact's name
/// already looked up, and what its filters and order need. Stored as a JSON array, fields by
/// position, so the listing reads it with a few byte scans instead of the record parser:
///
///     ["tk12",1782896400,1780272000,"ct5","Ada Lovelace","question","outstanding",null,"Please…"]
///      id     due or null created    contact name           kind       state         assignee text
public struct AgendaRow: Equatable, Sendable {
    public var id: String
    public var due: Int64?
    public var created: Int64
    public var contact: String
    public var contactName: String
    public var kind: ClientTask.Kind
    public var state: ClientTask.State
    public var assignee: String?
    public var text: String

    public init(_ task: ClientTask, contactName: String) {
        id = task.id
        due = task.due?.seconds
        created = task.createdAt.seconds
        contact = task.contact
        self.contactName = contactName
        kind = task.kind
        state = task.state
        assignee = task.assignee
        text = task.text
    }

    /// `task list`'s order: by due time (undated last), then creation order (sequential ids by
    /// number; minted ones, which say nothing of time, by when they were made), id last. The
    /// same key `Tasks.list` sorts records by.
    public var key: AgendaKey {
        let table = Tasks.table
        return AgendaKey(due: due ?? Int64.max, created: table.number(of: id) == nil ? created : Int64.min, id: table.ids.order(id))
    }

    /// Waiting on the client past its due time (`ClientTask.isOverdue`).
    public func isOverdue(at now: Timestamp) -> Bool {
        (state == .outstanding || state == .read) && due.map { $0 < now.seconds } ?? false
    }

    func encode(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        JSONWriter.writeString(id, into: &out)
        out.append(UInt8(ascii: ","))
        if let due { JSONWriter.writeInt(due, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: ","))
        JSONWriter.writeInt(created, into: &out)
        for field in [contact, contactName, kind.rawValue, state.rawValue] {
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(field, into: &out)
        }
        out.append(UInt8(ascii: ","))
        if let assignee { JSONWriter.writeString(assignee, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: ","))
        JSONWriter.writeString(text, into: &out)
        out.append(contentsOf: "]\n".utf8)
    }

    static func encode(_ rows: [AgendaRow]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 128)
        for row in rows { row.encode(into: &out) }
        return out
    }

    /// The rows of a file as `encode` writes them; nil when any line is not (a hand edit, a
    /// file from another version): the caller then reads the records, and fsck says it is stale.
    static func decode(_ bytes: [UInt8]) -> [AgendaRow]? {
        var rows: [AgendaRow] = []
        return decode(bytes, appendingTo: &rows) ? rows : nil
    }

    /// Appends a file's rows to `rows`; false, with `rows` as it was, when a line is not a row.
    static func decode(_ bytes: [UInt8], appendingTo rows: inout [AgendaRow]) -> Bool {
        var lines: [AgendaLine] = []
        guard AgendaLine.read(bytes, appendingTo: &lines) else { return false }
        rows += lines.map { $0.row(in: bytes) }
        return true
    }

    init(id: String, due: Int64?, created: Int64, contact: String, contactName: String, kind: ClientTask.Kind,
         state: ClientTask.State, assignee: String?, text: String) {
        self.id = id
        self.due = due
        self.created = created
        self.contact = contact
        self.contactName = contactName
        self.kind = kind
        self.state = state
        self.assignee = assignee
        self.text = text
    }
}

public struct AgendaKey: Comparable, Sendable {
    let due: Int64
    let created: Int64
    let id: IDOrder

    public static func < (a: AgendaKey, b: AgendaKey) -> Bool {
        if a.due != b.due { return a.due < b.due }
        if a.created != b.created { return a.created < b.created }
        return a.id < b.id
    }
}

