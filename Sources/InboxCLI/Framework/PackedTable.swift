import InboxCore

/// A `TextTable` whose cells are UTF-8 bytes in one buffer, for listings of thousands of rows
/// (`task list` at ten thousand tasks): cells are appended as bytes, measured as they come,
/// and piped output of printable ASCII is laid out from the buffer with no string made per
/// cell or per row. Anything else (a terminal, a cell to escape or to measure in columns, an
/// id to shorten) goes through the `TextTable` it stands for, so the text is the same.
public struct PackedTable {
    let header: [String]
    let maxWidths: [Int: Int]
    private(set) var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`, row after row.
    private(set) var ends: [Int] = []
    /// Each column's widest cell, header included, in bytes.
    private var widths: [Int]
    /// Every cell is printable ASCII: a byte is a column and nothing needs escaping.
    private var printable = true
    /// Some cell has a run of letters and digits as long as a minted id (`ShortIDs`).
    private(set) var hasLongWord = false

    init(header: [String], maxWidths: [Int: Int] = [:], rowCapacity: Int = 0) {
        self.header = header
        self.maxWidths = maxWidths
        widths = header.map(\.utf8.count)
        printable = header.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        ends.reserveCapacity(rowCapacity * header.count)
    }

    var rowCount: Int { ends.count / header.count }

    /// Adds the next cell (rows fill left to right), written by `write` as UTF-8 bytes.
    mutating func add(_ write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        note(from: start)
    }

    mutating func add(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        note(from: start)
    }

    private mutating func note(from start: Int) {
        let end = bytes.count
        let column = ends.count % header.count
        ends.append(end)
        widths[column] = max(widths[column], end - start)
        let idLength = 2 + MintedID.length
        bytes.withUnsafeBufferPointer { b in
            var run = 0
            var all = true
            for i in start..<end {
                let byte = b[i]
                all = all && byte >= 0x20 && byte < 0x7F
                let word = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                run = word ? run + 1 : 0
                if run >= idLength { hasLongWord = true }
            }
            printable = printable && all
        }
    }

    /// The same table with a string per cell.
    var textTable: TextTable {
        var rows: [[String]] = []
        rows.reserveCapacity(rowCount)
        var start = 0
        bytes.withUnsafeBufferPointer { b in
            for r in 0..<rowCount {
                rows.append((0..<header.count).map { c in
                    let end = ends[r * header.count + c]
                    defer { start = end }
                    return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
                })
            }
        }
        return TextTable(header: header, rows: rows, maxWidths: maxWidths)
    }

    /// `TextTable.text`, laid out from the bytes when it can be.
    func text(style: Style, width terminalWidth: Int? = nil) -> String {
        guard terminalWidth == nil, printable else { return textTable.text(style: style, width: terminalWidth) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + (rowCount + 1) * (widths.reduce(0, +) + 2 * widths.count + 1))
        let columns = header.count
        // As TextTable lays out a line: two spaces between cells, padded to the column's width
        // but the last, trailing spaces dropped.
        func pad(_ column: Int, _ width: Int) {
            if column < columns - 1, widths[column] > width { out.append(contentsOf: repeatElement(0x20, count: widths[column] - width)) }
        }
        for (c, cell) in header.enumerated() {
            if c > 0 { out.append(0x20); out.append(0x20) }
            out.append(contentsOf: cell.utf8)
            pad(c, cell.utf8.count)
        }
        while out.last == 0x20 { out.removeLast() }
        if style.enabled {
            let heading = style.bold(String(decoding: out, as: UTF8.self))
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: heading.utf8)
        }
        out.append(0x0A)
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for r in 0..<rowCount {
                for c in 0..<columns {
                    let end = ends[r * columns + c]
                    if c > 0 { out.append(0x20); out.append(0x20) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<end]))
                    pad(c, end - start)
                    start = end
                }
                while out.last == 0x20 { out.removeLast() }
                out.append(0x0A)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
