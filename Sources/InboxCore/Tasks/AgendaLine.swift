/// Where one agenda line's fields lie in the bytes read: each string as the range between its
/// quotes, numbers and choices parsed. No string is made until a field is asked for, so a
/// listing of ten thousand rows copies their bytes to its table and makes none.
struct AgendaLine {
    /// A string field: its bytes between the quotes, and whether they hold an escape (then
    /// the text is what the JSON parser makes of them). `start` -1: null.
    struct Span {
        var start: Int32
        var end: Int32
        var escaped: Bool

        static let null = Span(start: -1, end: -1, escaped: false)
        var isNull: Bool { start < 0 }

        func text(in bytes: [UInt8]) -> String {
            bytes.withUnsafeBufferPointer { text(in: $0) }
        }

        func text(in bytes: UnsafeBufferPointer<UInt8>) -> String {
            let raw = UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(end)])
            guard escaped, case .string(let s)? = try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[Int(start) - 1...Int(end)])) else {
                return String(decoding: raw, as: UTF8.self)
            }
            return s
        }
    }

    var id: Span
    var due: Int64?
    var created: Int64
    var contact: Span
    var contactName: Span
    var kind: ClientTask.Kind
    var state: ClientTask.State
    var assignee: Span
    var text: Span
    /// Its numbers are written as `AgendaRow.encode` writes them (no leading zero, no -0):
    /// with strings that need no escape, the line is byte for byte what encoding its row gives.
    var plainNumbers = true

    /// Waiting on the client past its due time (`ClientTask.isOverdue`).
    func isOverdue(at now: Timestamp) -> Bool {
        (state == .outstanding || state == .read) && due.map { $0 < now.seconds } ?? false
    }

    func row(in bytes: [UInt8]) -> AgendaRow {
        bytes.withUnsafeBufferPointer { b in
            AgendaRow(id: id.text(in: b), due: due, created: created, contact: contact.text(in: b), contactName: contactName.text(in: b),
                      kind: kind, state: state, assignee: assignee.isNull ? nil : assignee.text(in: b), text: text.text(in: b))
        }
    }

    /// Appends the lines of `bytes[range]` (all of it by default) to `lines`; false, with
    /// `lines` as it was, when one is not a row as `AgendaRow.encode` writes it.
    static func read(_ bytes: [UInt8], _ range: Range<Int>? = nil, appendingTo lines: inout [AgendaLine]) -> Bool {
        let count = lines.count
        let whole = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var reader = AgendaLineReader(buffer, range ?? 0..<buffer.count)
            while !reader.atEnd {
                guard let line = reader.line() else { return false }
                lines.append(line)
            }
            return true
        }
        if !whole { lines.removeSubrange(count...) }
        return whole
    }
}

/// Reads agenda lines field by field. A string with a backslash is checked by the JSON parser.
struct AgendaLineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at: Int
    /// Where the lines to read end: `bytes` may hold more (other files) after them.
    let end: Int
    /// The line being read has only canonical numbers so far.
    private var plainNumbers = true

    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.bytes = bytes
        at = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { at >= end }

    mutating func line() -> AgendaLine? {
        guard take(UInt8(ascii: "[")), let id = string(), take(0x2C), let due = integerOrNull(), take(0x2C),
              let created = integerOrNull() ?? nil, take(0x2C), let contact = string(), take(0x2C), let name = string(), take(0x2C),
              let kind = choice(ClientTask.Kind.self), take(0x2C), let state = choice(ClientTask.State.self), take(0x2C),
              let assignee = stringOrNull(), take(0x2C), let text = string(), take(UInt8(ascii: "]")), take(0x0A)
        else { return nil }
        defer { plainNumbers = true }
        return AgendaLine(id: id, due: due, created: created, contact: contact, contactName: name, kind: kind, state: state,
                          assignee: assignee, text: text, plainNumbers: plainNumbers)
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < end, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    private mutating func takeNull() -> Bool {
        guard at + 4 <= end, bytes[at] == 0x6E, bytes[at + 1] == 0x75, bytes[at + 2] == 0x6C, bytes[at + 3] == 0x6C else { return false }
        at += 4
        return true
    }

    /// .some(nil) for null, nil when neither.
    private mutating func integerOrNull() -> Int64?? {
        if takeNull() { return .some(nil) }
        var negative = false
        if at < end, bytes[at] == UInt8(ascii: "-") { negative = true; at += 1 }
        let start = at
        var value: Int64 = 0
        while at < end, bytes[at] >= 0x30, bytes[at] <= 0x39, at - start < 18 {
            value = value * 10 + Int64(bytes[at] - 0x30)
            at += 1
        }
        guard at > start else { return nil }
        if (at - start > 1 && bytes[start] == 0x30) || (negative && value == 0) { plainNumbers = false }
        return .some(negative ? -value : value)
    }

    private mutating func choice<Choice: RawRepresentable>(_ type: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let span = string() else { return nil }
        return Choice(rawValue: span.text(in: bytes))
    }

    private mutating func stringOrNull() -> AgendaLine.Span? {
        if takeNull() { return .null }
        return string()
    }

    private mutating func string() -> AgendaLine.Span? {
        guard take(0x22) else { return nil }
        let start = at
        while at < end {
            let b = bytes[at]
            if b == 0x22 {
                at += 1
                return AgendaLine.Span(start: Int32(start), end: Int32(at - 1), escaped: false)
            }
            if b == 0x5C { return escapedString(from: start - 1) }
            if b < 0x20 { return nil }
            at += 1
        }
        return nil
    }

    private mutating func escapedString(from quote: Int) -> AgendaLine.Span? {
        at = quote + 1
        while at < end, bytes[at] != 0x22 {
            at += bytes[at] == 0x5C ? 2 : 1
        }
        guard at < end else { return nil }
        at += 1
        guard case .string? = try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[quote..<at])) else { return nil }
        return AgendaLine.Span(start: Int32(quote + 1), end: Int32(at - 1), escaped: true)
    }
}

/// What `task list` shows, read from the agenda (`Tasks.agenda`): the rows in listing order,
/// their ids, and for writing out each row's cells as UTF-8 bytes (`forEachRow`).
public struct AgendaListing {
    /// The agenda files read, one after another (and rows made where a file was missing or
    /// unreadable): lines point into them.
    let bytes: [UInt8]
    var lines: [AgendaLine]

    public var count: Int { lines.count }
    /// The bytes read, about what the rows' cells take.
    public var byteCount: Int { bytes.count }
    public var ids: [String] { bytes.withUnsafeBufferPointer { b in lines.map { $0.id.text(in: b) } } }

    /// A row's cells: its strings as UTF-8 bytes (what they say, escapes undone).
    public struct Cells {
        public let id: UnsafeBufferPointer<UInt8>
        public let contactName: UnsafeBufferPointer<UInt8>
        public let kind: ClientTask.Kind
        public let state: ClientTask.State
        public let due: Int64?
        public let isOverdue: Bool
        /// Nil: nobody.
        public let assignee: UnsafeBufferPointer<UInt8>?
        public let text: UnsafeBufferPointer<UInt8>
    }

    /// Gives `body` each row's cells in order, straight from the bytes read unless a string
    /// there holds an escape.
    public func forEachRow(now: Timestamp, _ body: (Cells) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            for line in lines {
                guard line.id.escaped || line.contactName.escaped || line.assignee.escaped || line.text.escaped else {
                    func cell(_ span: AgendaLine.Span) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: all[Int(span.start)..<Int(span.end)]) }
                    body(Cells(id: cell(line.id), contactName: cell(line.contactName), kind: line.kind, state: line.state, due: line.due,
                               isOverdue: line.isOverdue(at: now), assignee: line.assignee.isNull ? nil : cell(line.assignee), text: cell(line.text)))
                    continue
                }
                // The texts, escapes undone, one after another in one buffer.
                var decoded: [UInt8] = []
                var ranges: [Range<Int>] = []
                for span in [line.id, line.contactName, line.assignee, line.text] {
                    let start = decoded.count
                    if !span.isNull { decoded += span.text(in: all).utf8 }
                    ranges.append(start..<decoded.count)
                }
                decoded.withUnsafeBufferPointer { d in
                    func cell(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: d[ranges[i]]) }
                    body(Cells(id: cell(0), contactName: cell(1), kind: line.kind, state: line.state, due: line.due,
                               isOverdue: line.isOverdue(at: now), assignee: line.assignee.isNull ? nil : cell(2), text: cell(3)))
                }
            }
        }
    }

    func key(_ index: Int) -> AgendaKey {
        let line = lines[index]
        let id = line.id.text(in: bytes)
        return AgendaKey(due: line.due ?? Int64.max, created: Tasks.table.number(of: id) == nil ? line.created : Int64.min, id: Tasks.table.ids.order(id))
    }
}
