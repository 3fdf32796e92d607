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
}
