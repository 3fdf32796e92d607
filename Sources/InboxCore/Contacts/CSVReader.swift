/// Reads RFC 4180 CSV one record at a time: fields separated by commas, records by CRLF or
/// LF, quoted fields with doubled quotes inside and line breaks kept, an optional UTF-8
/// byte-order mark. Each record is handed over as it is read, so a file of 100,000 rows is
/// never held as rows. Problems are `INPUT:LINE: reason` (exit 65).
public struct CSVReader {
    private let bytes: [UInt8]
    private var at = 0
    /// The physical line the next record starts on.
    private var line = 1
    public let input: String

    public init(_ bytes: [UInt8], input: String) {
        self.bytes = bytes
        self.input = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
    }

    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// The next record's fields and the line it starts on; nil at the end of the input.
    public mutating func next() throws(InboxError) -> (fields: [String], line: Int)? {
        guard at < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        while true {
            var field: [UInt8] = []
            if bytes[at] == Self.quote {
                at += 1
                while true {
                    guard at < bytes.count else { throw bad(start, "a quoted field is never closed (a quote is missing)") }
                    let b = bytes[at]
                    if b == Self.quote {
                        if at + 1 < bytes.count && bytes[at + 1] == Self.quote { field.append(b); at += 2; continue }
                        at += 1
                        break
                    }
                    if b == Self.lf { line += 1 }
                    field.append(b)
                    at += 1
                }
                if at < bytes.count, ![Self.comma, Self.cr, Self.lf].contains(bytes[at]) {
                    throw bad(line, "text after a closing quote (a quote inside a quoted field is written twice: \"\")")
                }
            } else {
                while at < bytes.count, bytes[at] != Self.comma, bytes[at] != Self.cr, bytes[at] != Self.lf {
                    if bytes[at] == Self.quote {
                        throw bad(line, "a quote inside an unquoted field (quote the whole field and write the quote twice)")
                    }
                    field.append(bytes[at])
                    at += 1
                }
            }
            guard let text = String(validating: field, as: UTF8.self) else { throw bad(line, "the text is not valid UTF-8") }
            fields.append(text)
            guard at < bytes.count else { return (fields, start) }
            switch bytes[at] {
            case Self.comma:
                at += 1
                if at == bytes.count { fields.append(""); return (fields, start) }
            case Self.cr:
                at += 1
                if at < bytes.count && bytes[at] == Self.lf { at += 1 }
                line += 1
                return (fields, start)
            default:
                at += 1
                line += 1
                return (fields, start)
            }
        }
    }

    private func bad(_ line: Int, _ reason: String) -> InboxError {
        InboxError.badData(path: input, line: line, reason: reason)
    }
}
