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
    private(set) var ends: [Int32] = []
    /// Each column's widest cell, header included, in bytes.
    private var widths: [Int]
    /// Every cell is printable ASCII: a byte is a column and nothing needs escaping.
    private var printable = true
    /// Some cell has a run of letters and digits as long as a minted id (`ShortIDs`).
    private(set) var hasLongWord = false
    /// The column of the next cell.
    private var column = 0

    /// `rows` and `bytes`: about how many rows and bytes of cells will come (room is made once).
    init(header: [String], maxWidths: [Int: Int] = [:], rows: Int = 0, bytes byteCount: Int = 0) {
        self.header = header
        self.maxWidths = maxWidths
        widths = header.map(\.utf8.count)
        printable = header.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        ends.reserveCapacity(rows * header.count)
        bytes.reserveCapacity(byteCount)
    }

    var rowCount: Int { ends.count / header.count }

    /// Adds the next cell (rows fill left to right).
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: cell)
        ends.append(Int32(bytes.count))
        widths[column] = max(widths[column], cell.count)
        column = column + 1 == header.count ? 0 : column + 1
        // Printable is 0x20...0x7E: below it, above it (0x7F, then every byte with the top bit)
        // each set the top bit of one of these; no branch, so the loop runs wide.
        var seen: UInt8 = 0
        for byte in cell { seen |= byte | (byte &+ 1) | (byte &- 0x20) }
        printable = printable && seen & 0x80 == 0
        if !hasLongWord { hasLongWord = Self.hasLongWord(cell) }
    }

    /// A run of letters and digits as long as a minted id. Any such run covers one of every
    /// id-length-th byte, so only those are looked at first, and runs around them measured.
    private static func hasLongWord(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = 2 + MintedID.length
        func word(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 }
        var at = length - 1
        while at < cell.count {
            guard word(cell[at]) else { at += length; continue }
            var first = at
            while first > 0, word(cell[first - 1]) { first -= 1 }
            var last = at
            while last + 1 < cell.count, word(cell[last + 1]) { last += 1 }
            if last - first + 1 >= length { return true }
            at = last + 1 + length
        }
        return false
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add($0) }
    }

    /// The same table with a string per cell.
    var textTable: TextTable {
        var rows: [[String]] = []
        rows.reserveCapacity(rowCount)
        var start = 0
        bytes.withUnsafeBufferPointer { b in
            for r in 0..<rowCount {
                rows.append((0..<header.count).map { c in
                    let end = Int(ends[r * header.count + c])
                    defer { start = end }
                    return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
                })
            }
        }
        return TextTable(header: header, rows: rows, maxWidths: maxWidths)
    }

    /// `TextTable.text`, laid out from the bytes when it can be: as TextTable lays out a line,
    /// two spaces between cells, each padded to its column's width but the last, trailing
    /// spaces dropped.
    func text(style: Style, width terminalWidth: Int? = nil) -> String {
        guard terminalWidth == nil, printable else { return textTable.text(style: style, width: terminalWidth) }
        let columns = header.count
        var heading = header.enumerated().map { c, cell in
            cell + String(repeating: " ", count: c < columns - 1 ? widths[c] - cell.utf8.count + 2 : 0)
        }.joined()
        while heading.utf8.last == 0x20 { heading.removeLast() }
        heading = style.bold(heading) + "\n"
        let rowWidth = widths.reduce(0, +) + 2 * (columns - 1) + 1
        return String(unsafeUninitializedCapacity: heading.utf8.count + rowCount * rowWidth) { out in
            var n = 0
            for byte in heading.utf8 { out[n] = byte; n += 1 }
            bytes.withUnsafeBufferPointer { cells in
                ends.withUnsafeBufferPointer { ends in
                    widths.withUnsafeBufferPointer { widths in
                        var start = 0
                        var k = 0
                        for _ in 0..<rowCount {
                            let lineStart = n
                            for c in 0..<columns {
                                let end = Int(ends[k])
                                k += 1
                                if c > 0 { out[n] = 0x20; out[n + 1] = 0x20; n += 2 }
                                if end > start {
                                    UnsafeMutableRawPointer(out.baseAddress! + n).copyMemory(from: cells.baseAddress! + start, byteCount: end - start)
                                    n += end - start
                                }
                                if c < columns - 1, widths[c] > end - start {
                                    for _ in 0..<(widths[c] - (end - start)) { out[n] = 0x20; n += 1 }
                                }
                                start = end
                            }
                            while n > lineStart, out[n - 1] == 0x20 { n -= 1 }
                            out[n] = 0x0A
                            n += 1
                        }
                    }
                }
            }
            return n
        }
    }
}
