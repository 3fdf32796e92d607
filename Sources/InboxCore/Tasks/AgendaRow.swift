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
        let count = rows.count
        let whole = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var reader = AgendaLineReader(buffer)
            while !reader.atEnd {
                guard let row = reader.row() else { return false }
                rows.append(row)
            }
            return true
        }
        if !whole { rows.removeSubrange(count...) }
        return whole
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

/// Reads agenda lines field by field. A string without a backslash becomes a String straight
/// from its bytes; one with an escape goes through the JSON parser.
struct AgendaLineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { at >= bytes.count }

    mutating func row() -> AgendaRow? {
        guard take(UInt8(ascii: "[")), let id = string(), take(0x2C), let due = integerOrNull(), take(0x2C),
              let created = integerOrNull() ?? nil, take(0x2C), let contact = string(), take(0x2C), let name = string(), take(0x2C),
              let kindText = string(), let kind = ClientTask.Kind(rawValue: kindText), take(0x2C),
              let stateText = string(), let state = ClientTask.State(rawValue: stateText), take(0x2C),
              let assignee = stringOrNull(), take(0x2C), let text = string(), take(UInt8(ascii: "]")), take(0x0A)
        else { return nil }
        return AgendaRow(id: id, due: due, created: created, contact: contact, contactName: name, kind: kind, state: state,
                         assignee: assignee, text: text)
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    private mutating func takeNull() -> Bool {
        guard at + 4 <= bytes.count, bytes[at] == 0x6E, bytes[at + 1] == 0x75, bytes[at + 2] == 0x6C, bytes[at + 3] == 0x6C else { return false }
        at += 4
        return true
    }

    /// .some(nil) for null, nil when neither.
    private mutating func integerOrNull() -> Int64?? {
        if takeNull() { return .some(nil) }
        var negative = false
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { negative = true; at += 1 }
        let start = at
        var value: Int64 = 0
        while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, at - start < 18 {
            value = value * 10 + Int64(bytes[at] - 0x30)
            at += 1
        }
        guard at > start else { return nil }
        return .some(negative ? -value : value)
    }

    private mutating func stringOrNull() -> String?? {
        if takeNull() { return .some(nil) }
        return string().map { .some($0) }
    }

    private mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = at
        while at < bytes.count {
            let b = bytes[at]
            if b == 0x22 {
                at += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at - 1]), as: UTF8.self)
            }
            if b == 0x5C { return escapedString(from: start - 1) }
            if b < 0x20 { return nil }
            at += 1
        }
        return nil
    }

    private mutating func escapedString(from quote: Int) -> String? {
        at = quote + 1
        while at < bytes.count, bytes[at] != 0x22 {
            at += bytes[at] == 0x5C ? 2 : 1
        }
        guard at < bytes.count else { return nil }
        at += 1
        guard case .string(let s)? = try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[quote..<at])) else { return nil }
        return s
    }
}
