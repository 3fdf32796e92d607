@testable import InboxCore
import XCTest

/// `ContactSearchScan` finds the lines of an index file whose text holds the query by the
/// query's rarest byte, and reads them straight into contacts: it must find exactly the lines
/// a plain substring search of each text finds, and read what the schema reads.
final class ContactSearchScanTests: XCTestCase {
    private func contact(_ id: String, _ first: String, _ last: String, edit: (inout Contact) -> Void = { _ in }) -> Contact {
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: Timestamp(seconds: 1_764_000_000))
        edit(&c)
        return c
    }

    private func file(_ contacts: [Contact]) -> [UInt8] { JSONLines.encode(contacts.map(ContactSearchEntry.init)) }

    private func lines(_ bytes: [UInt8], _ query: String) -> [String] {
        let needles = ContactSearchIndex.needles(for: query).filter { !$0.isEmpty }.map(ContactSearchNeedle.init)
        return bytes.withUnsafeBufferPointer { buffer in
            ContactSearchScan.lines(in: buffer, holding: needles).map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
        }
    }

    private func ids(_ bytes: [UInt8], _ query: String) -> [String] {
        lines(bytes, query).map { String($0.dropFirst(7).prefix { $0 != "\"" }) }
    }

    func testTheRarestByteIsTheAnchor() {
        XCTAssertEqual(ContactSearchNeedle(Array("lovelace".utf8)).anchor, 2)  // the v
        XCTAssertEqual(ContactSearchNeedle(Array("555".utf8)).anchor, 0)
        XCTAssertEqual(ContactSearchNeedle(Array("a.b@x".utf8)).anchor, 2)  // the b
        XCTAssertEqual(ContactSearchNeedle(Array("ada".utf8)).anchor, 1)
    }

    /// The query at the text's start and end, around the anchor, repeated, longer than the
    /// text, and only in the row (the company): found exactly where the text holds it.
    func testItFindsTheQueryWhereverTheTextHoldsItAndOnlyThere() {
        let bytes = file([
            contact("ct1", "Vera", "Lovelace"),                                           // ends the name
            contact("ct2", "Lovelace", "") { $0.emails = ["x@y.example"] },               // starts the text
            contact("ct3", "Vivi", "Love") { $0.company = "Lovelace Ltd" },               // the row only
            contact("ct4", "Lovelovelace", "Vvv"),                                        // a false start first
            contact("ct5", "", "") { $0.emails = ["ada.lovelace@example.com"] },          // inside an email
            contact("ct6", "Lovelac", "E"),                                              // one byte short
            contact("ct7", "V", ""),                                                     // shorter than the query
        ])
        XCTAssertEqual(ids(bytes, "lovelace"), ["ct1", "ct2", "ct4", "ct5"])
        XCTAssertEqual(ids(bytes, "LOVELACE"), ["ct1", "ct2", "ct4", "ct5"])
        XCTAssertEqual(ids(bytes, "v"), ["ct1", "ct2", "ct3", "ct4", "ct5", "ct6", "ct7"])
        XCTAssertEqual(ids(bytes, "ltd"), [])
        XCTAssertEqual(ids(bytes, "vvv"), ["ct4"])
        XCTAssertEqual(ids(bytes, "lovelac e"), ["ct6"])
        // The text of ct1 ends "lovelace", and its row starts right after: no match runs over the quote.
        XCTAssertEqual(ids(bytes, #"lovelace",""#), [])
    }

    /// A quote inside the text is escaped; the text ends at the first quote after no backslash,
    /// also when the text's last character is a backslash (written `\\`).
    func testEscapesInTheTextAreReadAsTheStoreWritesThem() {
        let bytes = file([
            contact("ct1", #"Ada "Q" Lovelace"#, ""),
            contact("ct2", #"Back\"#, "Slash") { $0.company = "Lovelace" },
            contact("ct3", #"Ends\"#, "") { $0.company = "Lovelace" },
            contact("ct4", "Zoë", "Ångström") { $0.company = "Zoë Ltd" },
        ])
        XCTAssertEqual(ids(bytes, "lovelace"), ["ct1"])
        XCTAssertEqual(ids(bytes, #"q" love"#), ["ct1"])
        XCTAssertEqual(ids(bytes, #"k\ s"#), ["ct2"])
        XCTAssertEqual(ids(bytes, #"ends\"#), ["ct3"])
        XCTAssertEqual(ids(bytes, "ångström"), ["ct4"])
        XCTAssertEqual(ids(bytes, "ltd"), [])
    }

    /// A line not written as the store writes it is searched whole; a last line without its
    /// newline is searched too.
    func testALineWrittenOtherwiseIsSearchedWhole() {
        let bytes = Array(#"{"text":"ada lovelace","id":"ct1"}"#.utf8) + [0x0A] + Array(#"{"id":"ct2","text":"grace","row":{"first_name":"Lovelace"}}"#.utf8)
            + [0x0A] + Array(#"{"id":"ct3","text":"ada lovelace"}"#.utf8)
        XCTAssertEqual(lines(bytes, "lovelace"), [#"{"text":"ada lovelace","id":"ct1"}"#, #"{"id":"ct3","text":"ada lovelace"}"#])
    }

    /// The contact read straight from a line is the one the schema's entry and row give; a
    /// listing that needs whole contacts gets the id; a row the query does not match (the text
    /// holds it across a separator) is left out; a line it cannot read is handed back.
    func testCandidatesAreWhatTheSchemaReads() throws {
        let contacts = [
            contact("ct1", "Ada", "Lovelace") { $0.phones = ["+15550100"]; $0.tags = ["vip"]; $0.handles = [.telegram: "ada_l"] },
            contact("ct2", "Grace", "Hopper") { $0.emails = ["grace@navy.example"]; $0.company = "Navy"; $0.owner = "carol" },
            contact("ct3", "Zoë", "Lovelace"),
        ]
        let bytes = file(contacts)
        let rows = ContactSearchScan("lovelace", rowsOnly: true).candidates(in: bytes)
        XCTAssertEqual(rows.count, 2)
        guard case .row(let first) = rows[0], case .line(let line) = rows[1] else { return XCTFail("\(rows)") }
        let entry = try XCTUnwrap(JSONLines.decode(bytes, path: "t") as [ContactSearchEntry]).first!
        XCTAssertEqual(JSONWriter.string(.object(first.jsonView())), JSONWriter.string(.object(entry.row!.contact("ct1").jsonView())))
        XCTAssertEqual(JSONWriter.string(.object(first.jsonView())), JSONWriter.string(.object(contacts[0].jsonView())))
        XCTAssertTrue(String(decoding: bytes[line], as: UTF8.self).hasPrefix(#"{"id":"ct3","#))

        guard case .id(let id) = ContactSearchScan("lovelace", rowsOnly: false).candidates(in: bytes).first else { return XCTFail() }
        XCTAssertEqual(id, "ct1")
        // "hopper | grace@" is in ct2's text but in none of its fields.
        XCTAssertEqual(lines(bytes, "hopper | grace@").count, 1)
        XCTAssertEqual(ContactSearchScan("hopper | grace@", rowsOnly: true).candidates(in: bytes).count, 0)
    }

    /// The line start found eight bytes at a time is the one a byte-by-byte look finds, with
    /// newlines (and the byte after a newline, 0x0B, that can fool the word test) anywhere.
    func testTheLineStartIsTheOneAByteByByteLookFinds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in [0x0A, 0x0B, 0x61, 0x09, 0x0A, 0x8A][Int.random(in: 0..<6, using: &generator)] as UInt8 }
            let floor = Int.random(in: 0...bytes.count, using: &generator)
            let end = Int.random(in: floor...bytes.count, using: &generator)
            let expected = (floor..<end).last { bytes[$0] == 0x0A }.map { $0 + 1 } ?? floor
            bytes.withUnsafeBufferPointer { buffer in
                XCTAssertEqual(ContactSearchNeedle.lineStart(buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, floor: floor, before: end), expected, "\(bytes) \(floor) \(end)")
            }
        }
    }

    /// Over files of random entries and random queries, the lines found are those whose text
    /// (read line by line, as before) holds a query's bytes.
    func testTheLinesFoundAreThoseALineByLineLookFinds() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["love", "lace", "v", "l", "a", "Ada", "ct1", "\"", "\\", "é", " ", "555", "|", "text", "id"]
        func word() -> String { (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        for round in 0..<300 {
            var contacts: [Contact] = []
            for i in 0..<Int.random(in: 0...12, using: &generator) {
                var c = contact("ct\(i + 1)", word(), word())
                if Bool.random(using: &generator) { c.emails = [word() + "@" + word()] }
                if Bool.random(using: &generator) { c.company = word() }
                c.tags = Bool.random(using: &generator) ? [word()] : []
                contacts.append(c)
            }
            var bytes = file(contacts)
            if round % 3 == 0, !bytes.isEmpty { bytes.removeLast() }  // a last line without its newline
            if round % 5 == 0 { bytes = Array(#"{"x":"love","id":"ct9"}"#.utf8) + [0x0A] + bytes }
            let query = word().lowercased()
            let needles = ContactSearchIndex.needles(for: query).filter { !$0.isEmpty }
            guard !needles.isEmpty else { continue }
            let expected: [Range<Int>] = bytes.withUnsafeBufferPointer { buffer in
                var out: [Range<Int>] = []
                var start = 0
                while start < buffer.count {
                    let end = buffer[start...].firstIndex(of: 0x0A) ?? buffer.count
                    let text = ContactSearchIndex.textRange(in: buffer, line: start..<end) ?? start..<end
                    let found = needles.contains { needle in
                        text.count >= needle.count && (text.lowerBound...(text.upperBound - needle.count)).contains { Array(buffer[$0..<($0 + needle.count)]) == needle }
                    }
                    if found { out.append(start..<end) }
                    start = end + 1
                }
                return out
            }
            let found = bytes.withUnsafeBufferPointer { ContactSearchScan.lines(in: $0, holding: needles.map(ContactSearchNeedle.init)) }
            XCTAssertEqual(found, expected, "\(query): \(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
