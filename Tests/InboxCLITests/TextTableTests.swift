@testable import InboxCLI
import XCTest

/// A table escapes, flattens and measures each cell once, and printable ASCII (most cells) takes
/// a shortcut past all three. Rows of every kind must come out as the long way made them.
final class TextTableTests: XCTestCase {
    func testCellsOfEveryKindAlignAsBefore() {
        let table = TextTable(header: ["ID", "NAME", "NOTE"], rows: [
            ["ct1", "Ada Lovelace", "plain"],
            ["ct2", "王小明", "two\nlines"],
            ["ct3", "Bell\u{07}", "trailing  "],
            ["ct4", "Zoe\u{301}", ""],
            ["ct10", "-", "\u{202E}evil"],
        ])
        XCTAssertEqual(table.render(style: Style(enabled: false)), [
            "ID    NAME          NOTE",
            "ct1   Ada Lovelace  plain",
            "ct2   王小明        two lines",
            "ct3   Bell^G        trailing",
            "ct4   Zoé",
            "ct10  -             <U+202E>evil",
        ])
    }

    func testATerminalCutsLongCellsToTheirWidths() {
        let table = TextTable(header: ["ID", "NAME", "PREVIEW"], rows: [
            ["ct1", "Augusta Ada King, Countess of Lovelace", "a long preview that will not fit on the line"],
        ], maxWidths: [1: 12])
        XCTAssertEqual(table.render(style: Style(enabled: false), width: 40), [
            "ID   NAME          PREVIEW",
            "ct1  Augusta Ada…  a long preview that …",
        ])
    }

    /// Piped printable ASCII is laid out in one buffer: it must read exactly as `render`'s lines.
    func testTheWholeTableAsTextIsRendersLinesJoined() {
        let tables = [
            TextTable(header: ["ID", "NAME", "NOTE"], rows: [["ct1", "Ada Lovelace", "plain"], ["ct22", "-", "trailing  "], ["ct3", "Bo", ""]]),
            TextTable(header: ["ID", "NAME"], rows: [["ct1", "Ada", "more cells than the header"], ["ct2"]], maxWidths: [1: 2]),
            TextTable(header: ["ID", "NAME", "NOTE"], rows: [["ct1", "王小明", "wide"], ["ct2", "Ada", "x"]]),
            TextTable(header: ["A", ""], rows: []),
        ]
        for style in [Style(enabled: false), Style(enabled: true)] {
            for table in tables {
                let lines = table.render(style: style)
                XCTAssertEqual(table.text(style: style), lines.map { $0 + "\n" }.joined())
                XCTAssertGreaterThan(lines.count, 0)
            }
        }
        XCTAssertEqual(tables[0].text(style: Style(enabled: false)), "ID    NAME          NOTE\nct1   Ada Lovelace  plain\nct22  -             trailing\nct3   Bo\n")
    }

    /// `PackedTable` (task list's ten thousand rows) lays printable ASCII out itself and hands
    /// everything else to TextTable: both must give the same text, styled or not, piped or on a
    /// terminal, and it must see every cell ShortIDs would look at for a minted id (a run of
    /// 14 letters and digits anywhere in a cell), however the cells are cut.
    func testAPackedTableGivesTheTextOfItsTextTable() {
        let cells = ["ct1", "Ada Lovelace", "", "trailing  ", "王小明", "two\nlines", "tab\there", "Bell\u{07}", "del\u{7F}",
                     "tkabcdefghjkmn", "see tkabcdefghjkmn now", "x-abcdefghjkmnp", "abcdefghjkmn", "1234567890123", "12345678901234",
                     "a b c d e f g h i j k l m n o p", "word01234567890123456789", "é0123456789abcd",
                     "............ab.abcdefghjkmnpq.", "............ab.abcdefghjkmnp.", "x.abcdefghjkmnpq"]
        var rows: [[String]] = []
        for (i, cell) in cells.enumerated() { rows.append([cells[(i * 7) % cells.count], cell, cells[(i * 5 + 3) % cells.count]]) }
        for rows in [rows, rows.filter { $0.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } } }] {
            var packed = PackedTable(header: ["ID", "NAME", "NOTE"], maxWidths: [2: 10])
            for row in rows { for cell in row { packed.add(cell) } }
            let table = TextTable(header: ["ID", "NAME", "NOTE"], rows: rows, maxWidths: [2: 10])
            XCTAssertEqual(packed.textTable.rows, rows)
            for style in [Style(enabled: false), Style(enabled: true)] {
                for width in [nil, 30] as [Int?] {
                    XCTAssertEqual(packed.text(style: style, width: width), table.text(style: style, width: width), "\(style) \(String(describing: width))")
                }
            }
            XCTAssertEqual(packed.hasLongWord, rows.contains { $0.contains { Self.hasIDLongRun($0) } })
        }
        for cell in cells {
            var packed = PackedTable(header: ["ONE"])
            packed.add(cell)
            XCTAssertEqual(packed.hasLongWord, Self.hasIDLongRun(cell), cell)
        }
    }

    /// ShortIDs' first look, a byte at a time.
    static func hasIDLongRun(_ text: String) -> Bool {
        var run = 0
        for b in text.utf8 {
            run = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) ? run + 1 : 0
            if run >= 14 { return true }
        }
        return false
    }
}
