import InboxCore

/// What a command produced, in every form a caller may ask for; the renderer picks one.
public struct CommandOutput {
    /// For --json: one object per record.
    public var records: [JSONValue] = []
    /// For -q: ids, one per line.
    public var ids: [String] = []
    /// For people.
    public var lines: [Line] = []
    /// Warnings and problems for stderr (never part of the data), printed even with -q.
    public var notices: [String] = []
    /// Informational lines for stderr (a summary, what else happened): -q silences them, so a
    /// command that succeeds under cron prints nothing but the ids it was asked for.
    public var info: [String] = []
    /// Non-zero when the command finished its output but must still fail (fsck finding problems).
    public var failure: InboxError?
    /// Set by commands whose output has one form whatever --json or -q say (export).
    public var forcedForm: Form?
    /// Output too large to hold (an export of a million messages): the renderer runs it and it
    /// writes its text in pieces, exactly as given, ignoring --json and -q.
    public var stream: ((_ write: (String) throws(InboxError) -> Void) throws(InboxError) -> Void)?

    public enum Form { case json, text }

    public init() {}

    /// A line for people, possibly styled when the stream is a terminal.
    public enum Line {
        case plain(String)
        case heading(String)
        case dim(String)
        case table(TextTable)
        /// A table of thousands of rows, its cells in one buffer (`PackedTable`).
        case packedTable(PackedTable)
        /// Printed exactly as it is, with no newline added (CSV with its own line ends).
        case raw(String)
        /// Output the renderer already made (a batch's lines, escaped and styled): printed as it is.
        case rendered(String)
    }

    /// A created or changed record: `-q` prints its id, `--json` the record, people `message`.
    public static func record(_ id: String, _ json: JSONObject, _ message: String) -> CommandOutput {
        var out = CommandOutput()
        out.ids = [id]
        out.records = [.object(json)]
        out.lines = [.plain(message)]
        return out
    }

    public static func text(_ lines: String...) -> CommandOutput {
        var out = CommandOutput()
        out.lines = lines.map(Line.plain)
        return out
    }
}

/// Columns aligned on the widest cell, measured in screen columns; the last column is never padded.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]]
    /// Columns cut to keep rows readable on a terminal, with their maximum width.
    public var maxWidths: [Int: Int]
    /// The column that gives way when a row is wider than the terminal (the preview); the last
    /// column unless said otherwise.
    public var fitColumn: Int?

    public init(header: [String], rows: [[String]], maxWidths: [Int: Int] = [:], fitColumn: Int? = nil) {
        self.header = header
        self.rows = rows
        self.maxWidths = maxWidths
        self.fitColumn = fitColumn
    }

    /// Cells are escaped for the terminal (TerminalText) before they are measured and styled.
    /// Widths are display widths (DisplayWidth), so CJK and emoji rows line up. On a terminal
    /// (`terminalWidth` given) long cells are cut to `maxWidths` and a row that would still wrap
    /// has its fit column (the preview) cut with "…"; the id is never cut. Piped output (no
    /// width) is never cut: scripts get every character.
    func render(style: Style, width terminalWidth: Int? = nil) -> [String] {
        let header = self.header.map { Cell(TerminalText.escaped($0)) }
        var cells = rows.map { row in row.map(Cell.prepared) }
        if terminalWidth != nil {
            cells = cells.map { row in row.enumerated().map { i, cell in maxWidths[i].map { cell.truncated(to: $0) } ?? cell } }
        }
        var widths = header.map(\.width)
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.width) }
        }
        if let terminalWidth, !widths.isEmpty {
            let fit = min(fitColumn ?? widths.count - 1, widths.count - 1)
            let total = widths.reduce(0, +) + 2 * (widths.count - 1)
            if total > terminalWidth {
                widths[fit] = max(header[fit].width, 1, widths[fit] - (total - terminalWidth))
                cells = cells.map { row in row.enumerated().map { i, cell in i == fit ? cell.truncated(to: widths[fit]) : cell } }
            }
        }
        let lineWidth = widths.reduce(0, +) + 2 * widths.count
        // Laid out in bytes: a listing of thousands of rows spent more on growing strings
        // and making padding than on anything else.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lineWidth)
        func line(_ cells: [Cell]) -> String {
            bytes.removeAll(keepingCapacity: true)
            for (i, cell) in cells.enumerated() {
                if i > 0 { bytes.append(0x20); bytes.append(0x20) }
                bytes.append(contentsOf: cell.text.utf8)
                if i < cells.count - 1, i < widths.count, widths[i] > cell.width { bytes.append(contentsOf: repeatElement(0x20, count: widths[i] - cell.width)) }
            }
            var out = String(decoding: bytes, as: UTF8.self)
            // A trailing space byte is not always a trailing " " character (it may close a cluster).
            while out.utf8.last == 0x20 && out.last == " " { out.removeLast() }
            return out
        }
        return [style.bold(line(header))] + cells.map(line)
    }

    /// A cell as shown (escaped, on one line) with its width, measured once.
    struct Cell {
        var text: String
        var width: Int

        init(_ text: String) {
            self.text = text
            width = DisplayWidth.of(text)
        }

        /// Printable ASCII, most cells, is already escaped and on one line, a column a byte: one
        /// look at its bytes instead of escaping, flattening and measuring it.
        static func prepared(_ text: String) -> Cell {
            if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return Cell(text: text, width: text.utf8.count) }
            return Cell(TextTable.flat(TerminalText.escaped(text)))
        }

        private init(text: String, width: Int) {
            self.text = text
            self.width = width
        }

        func truncated(to limit: Int) -> Cell {
            width > limit ? Cell(DisplayWidth.truncated(text, to: limit)) : self
        }
    }

    /// A cell on one line: a multi-line body shows as one row.
    static func flat(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension TextTable {
    /// The table as text, every line ended by a newline: `render`'s lines, joined. Piped
    /// output whose cells are all printable ASCII (a listing of ten thousand tasks) is laid out
    /// straight into one buffer, a column a byte, with no string made per line or per cell.
    func text(style: Style, width terminalWidth: Int? = nil) -> String {
        guard terminalWidth == nil, let widths = asciiWidths() else {
            var text = ""
            for line in render(style: style, width: terminalWidth) { text += line; text += "\n" }
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 1))
        func line(_ cells: [String]) {
            for (i, cell) in cells.enumerated() {
                if i > 0 { bytes.append(0x20); bytes.append(0x20) }
                bytes.append(contentsOf: cell.utf8)
                if i < cells.count - 1, i < widths.count, widths[i] > cell.utf8.count {
                    bytes.append(contentsOf: repeatElement(0x20, count: widths[i] - cell.utf8.count))
                }
            }
            while bytes.last == 0x20 { bytes.removeLast() }
        }
        line(header)
        if style.enabled {
            let heading = style.bold(String(decoding: bytes, as: UTF8.self))
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: heading.utf8)
        }
        bytes.append(0x0A)
        for row in rows {
            line(row)
            bytes.append(0x0A)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Each column's width when every cell is printable ASCII (escaped and measured as it is,
    /// as `Cell.prepared` finds); nil when one is not.
    private func asciiWidths() -> [Int]? {
        func printable(_ text: String) -> Bool {
            text.utf8.withContiguousStorageIfAvailable { bytes in
                var all = true
                for b in bytes { all = all && b >= 0x20 && b < 0x7F }
                return all
            } ?? text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
        guard header.allSatisfy(printable) else { return nil }
        var widths = header.map(\.utf8.count)
        for row in rows {
            for (i, cell) in row.enumerated() {
                guard printable(cell) else { return nil }
                if i < widths.count { widths[i] = max(widths[i], cell.utf8.count) }
            }
        }
        return widths
    }
}

/// Terminal styling, on only when the stream is a terminal and colour is not turned off.
public struct Style {
    public let enabled: Bool

    func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
}
