#if canImport(Glibc)
import Glibc
#endif

/// A record kept one per line in a repository file (or inside such a record). Its fields are
/// declared once, in `schema`, which reads and writes it; `view` is what `--json` shows.
public protocol StoredRecord: Sendable {
    static var schema: RecordSchema<Self> { get }
    /// The `--json` form; by default the stored fields.
    static var view: RecordView<Self> { get }
}

extension StoredRecord {
    public static var view: RecordView<Self> { RecordView(schema) }

    /// Reads the declared fields; the caller's `fields.finish()` refuses undeclared ones.
    public init(fields: inout FieldReader) throws(JSONParseError) {
        self = try Self.schema.decode(&fields)
    }

    /// The stored form, as the file holds it.
    public var json: JSONObject { Self.schema.encode(self) }

    /// What `--json` prints, as `user` sees it (a conversation's category depends on who asks).
    public func jsonView(for user: String? = nil) -> JSONObject { Self.view.json(self, for: user) }
}

/// Splits and parses JSON-lines files strictly; every error names the file and line.
public enum JSONLines {
    /// What to do with a bad line: the store stops at the first (`PATH:LINE: reason`, exit 65);
    /// fsck writes each one down and reads on.
    public typealias ProblemHandler = (_ line: Int, _ reason: String) throws(InboxError) -> Void

    /// Calls `body` with each good line (without its `\n`) and its 1-based number.
    public static func forEachLine(
        _ bytes: [UInt8], path: String,
        onProblem: ProblemHandler? = nil,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws(InboxError) -> Void
    ) throws(InboxError) {
        func report(_ line: Int, _ reason: String) throws(InboxError) {
            guard let onProblem else { throw InboxError.badData(path: path, line: line, reason: reason) }
            try onProblem(line, reason)
        }
        try bytes.withUnsafeBufferPointer { (buffer) throws(InboxError) in
            var start = 0
            var line = 1
            while start < buffer.count {
                let end = newline(in: buffer, from: start)
                let content = UnsafeBufferPointer(rebasing: buffer[start..<end])
                if end == buffer.count {
                    try report(line, "no newline at end of file (truncated write?)")
                } else if content.isEmpty {
                    try report(line, "empty line")
                } else if content[content.count - 1] == 0x0D {
                    try report(line, "carriage return at end of line (CRLF line endings)")
                } else {
                    try body(content, line)
                }
                start = end + 1
                line += 1
            }
        }
    }

    /// The index of the next '\n' at or after `start`, or the end of the buffer.
    private static func newline(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress, start < buffer.count,
              let found = memchr(base + start, 0x0A, buffer.count - start) else { return buffer.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    public static func decode<R: StoredRecord>(
        _ bytes: [UInt8], path: String, as type: R.Type = R.self, onProblem: ProblemHandler? = nil
    ) throws(InboxError) -> [R] {
        var records: [R] = []
        try decodeNumbered(bytes, path: path, as: type, onProblem: onProblem) { record, _ in records.append(record) }
        return records
    }

    /// Like `decode`, giving each record with its line number.
    public static func decodeNumbered<R: StoredRecord>(
        _ bytes: [UInt8], path: String, as type: R.Type = R.self, onProblem: ProblemHandler? = nil,
        _ body: (R, Int) throws(InboxError) -> Void
    ) throws(InboxError) {
        func report(_ line: Int, _ reason: String) throws(InboxError) {
            guard let onProblem else { throw InboxError.badData(path: path, line: line, reason: reason) }
            try onProblem(line, reason)
        }
        var parser = JSONLineParser()
        try forEachLine(bytes, path: path, onProblem: onProblem) { (content, line) throws(InboxError) in
            // Nearly every line is as the store wrote it: read straight into its record.
            if let record = parser.record(content, R.schema) { return try body(record, line) }
            let record: R
            do throws(JSONParseError) {
                var fields = try FieldReader(parser.parse(content))
                record = try R.schema.decode(&fields)
                try fields.finish()
            } catch {
                try report(line, error.reason)
                return
            }
            try body(record, line)
        }
    }

    /// The id of a line the store wrote, `{"id":"ct42",…`, read without parsing the line; nil
    /// when the line does not start that way.
    public static func leadingID(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        leadingIDEnd(line).map { String(decoding: UnsafeBufferPointer(rebasing: line[idOpening.count..<$0]), as: UTF8.self) }
    }

    private static let idOpening = Array(#"{"id":""#.utf8)

    /// Where the id of a line the store wrote ends: the offset of its closing quote, which a
    /// comma or the closing brace follows. Nil when the line does not start that way, or the id
    /// holds an escape or a byte outside printable ASCII (left to the parser).
    static func leadingIDEnd(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line.count > idOpening.count + 1 else { return nil }
        for i in 0..<idOpening.count where line[i] != idOpening[i] { return nil }
        var end = idOpening.count
        while end < line.count && line[end] != 0x22 {
            guard line[end] != 0x5C, line[end] >= 0x20, line[end] < 0x7F else { return nil }
            end += 1
        }
        guard end + 1 < line.count, line[end + 1] == 0x2C || line[end + 1] == 0x7D else { return nil }
        return end
    }

    public static func encode<R: StoredRecord>(_ records: [R]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, record) in records.enumerated() {
            R.schema.write(record, into: &out)
            out.append(0x0A)
            // Records of one file are alike: size the buffer once from the first.
            if i == 0 { out.reserveCapacity(out.count * records.count * 9 / 8) }
        }
        return out
    }
}
