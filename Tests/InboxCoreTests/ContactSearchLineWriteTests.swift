@testable import InboxCore
import XCTest

/// The plain-text path of `ContactSearchLine.line` checks each string as it copies it and takes
/// back what it wrote when one is not plain: a bad string in any place (after good ones, in a
/// phone, a handle, a last name alone) must leave the line the schema writes, and nothing else
/// in the output it was appended to.
final class ContactSearchLineWriteTests: XCTestCase {
    private func contact(_ id: String, _ first: String, _ last: String, edit: (inout Contact) -> Void = { _ in }) -> Contact {
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: Timestamp(seconds: 1_764_000_000))
        edit(&c)
        return c
    }

    func testABadStringAnywhereFallsBackToTheSchemaLine() {
        let cases: [(Contact, plain: Bool)] = [
            (contact("ct1", "Ada", "Lovelace") { $0.emails = ["ada@example.com", "bad\"quote@example.com"] }, false),
            (contact("ct2", "Ada", "Lovelace") { $0.emails = ["a@example.com", "ctl\u{1}@example.com"] }, false),
            (contact("ct3", "", "Zoë") { $0.emails = ["z@example.com"] }, false),
            (contact("ct4", "Grace", "Hopper") { $0.phones = ["+1 555 0100", "+1 555 ０１"] }, false),
            (contact("ct5", "Grace", "Hopper") { $0.handles = [.instagram: "ok.grace", .facebook: "back\\slash"] }, false),
            (contact("ct6", "Grace", "Hopper") { $0.handles = [.telegram: "del\u{7F}"] }, false),
            (contact("ct7", "GRACE", "HOPPER") { $0.emails = ["G@NAVY.EXAMPLE"]; $0.phones = ["(555) 0100"]; $0.handles = [.instagram: "amazing.grace"] }, true),
            (contact("ct8", "", "") { $0.phones = ["+15550100"] }, true),
        ]
        for (c, plain) in cases {
            let schema = String(decoding: JSONLines.encode([ContactSearchEntry(c)]), as: UTF8.self)
            var written = Array("before\n".utf8)
            ContactSearchLine.line(for: c, into: &written)
            XCTAssertEqual(String(decoding: written, as: UTF8.self), "before\n" + schema, c.id)
            var out = Array("kept".utf8)
            XCTAssertEqual(ContactSearchLine.plainText(of: c, into: &out), plain, c.id)
            if !plain { XCTAssertEqual(String(decoding: out, as: UTF8.self), "kept", "\(c.id): nothing left behind") }
        }
    }
}
