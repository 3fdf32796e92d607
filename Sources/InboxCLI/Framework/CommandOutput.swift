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

    public enum Form { case json, text }

    public init() {}

    /// A line for people, possibly styled when the stream is a terminal.
    public enum Line {
        case plain(String)
        case heading(String)
        case dim(String)
        case table(TextTable)
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

/// Columns aligned on the widest cell; the last column is never padded.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]]
    /// Columns that may be cut to keep rows readable, with their maximum width.
    public var maxWidths: [Int: Int]

    public init(header: [String], rows: [[String]], maxWidths: [Int: Int] = [:]) {
        self.header = header
        self.rows = rows
        self.maxWidths = maxWidths
    }

    /// Cells are escaped for the terminal (TerminalText) before they are measured and styled.
    func render(style: Style) -> [String] {
        let header = self.header.map(TerminalText.escaped)
        let cut = rows.map { row in row.enumerated().map { i, cell in TextTable.truncate(TerminalText.escaped(cell), maxWidths[i]) } }
        var widths = header.map(\.count)
        for row in cut {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { out += "  " }
                out += i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
            }
            while out.last == " " { out.removeLast() }
            return out
        }
        return [style.bold(line(header))] + cut.map(line)
    }

    static func truncate(_ text: String, _ limit: Int?) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let limit, flat.count > limit else { return flat }
        return String(flat.prefix(limit - 1)) + "…"
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
