@testable import InboxCore
import XCTest

/// `ContactSearchLine` reads a contact-search line without the generic parser. Whatever it
/// reads must be what the schema's decoder reads from the same line, and it must leave every
/// line it was not written for (escapes, other scripts, entries without a row) to that decoder.
final class ContactSearchLineTests: XCTestCase {
    private func contact(_ id: String, _ first: String, _ last: String, edit: (inout Contact) -> Void = { _ in }) -> Contact {
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: Timestamp(seconds: 1_764_000_000))
        edit(&c)
        return c
    }

    private func line(_ entry: ContactSearchEntry) -> [UInt8] { Array(JSONLines.encode([entry]).dropLast()) }
    private func fast(_ bytes: [UInt8]) -> ContactSearchEntry? { bytes.withUnsafeBufferPointer { ContactSearchLine.entry($0) } }
    private func schema(_ bytes: [UInt8]) throws -> ContactSearchEntry { try XCTUnwrap(JSONLines.decode(bytes + [0x0A], path: "t") as [ContactSearchEntry]).first! }

    func testItReadsWhatTheSchemaReadsFromEveryShapeOfRow() throws {
        let contacts = [
            contact("ct1", "Ada", "Lovelace"),
            contact("ct2", "Grace", "") { $0.phones = ["+15550100", "+15550101"]; $0.emails = ["grace@navy.example"]; $0.tags = ["vip", "navy"] },
            contact("ct3", "", "Hopper") { $0.company = "Navy"; $0.owner = "carol"; $0.handles = [.instagram: "amazing.grace", .facebook: "gh"] },
            contact("ct4", "Alan", "Turing") { $0.handles = [.telegram: "alan_t"]; $0.emails = ["a@b.example", "c@d.example"] },
            contactWithNoName(),
        ]
        for c in contacts {
            let bytes = line(ContactSearchEntry(c))
            let read = try XCTUnwrap(fast(bytes), String(decoding: bytes, as: UTF8.self))
            XCTAssertEqual(read, try schema(bytes), String(decoding: bytes, as: UTF8.self))
            XCTAssertEqual(read.row.map { JSONWriter.string(.object($0.contact(read.id).jsonView())) }, JSONWriter.string(.object(c.jsonView())))
        }
    }

    private func contactWithNoName() -> Contact {
        contact("ctk3f9x2m7qa4r", "", "") { $0.phones = ["+442071234567"]; $0.tags = ["a b", "c-d"] }
    }

    func testLinesItWasNotWrittenForAreLeftToTheSchema() throws {
        let others = [
            contact("ct1", "Zoë", "Ångström"),                        // another script
            contact("ct2", "Bob \"Bobby\"", "O'Brien"),             // an escape
            contact("ct3", "Ada", "Lovelace") { $0.company = "Tab\there" },
        ]
        for c in others {
            let bytes = line(ContactSearchEntry(c))
            XCTAssertNil(fast(bytes), String(decoding: bytes, as: UTF8.self))
            XCTAssertEqual(try schema(bytes).row, ContactRow(c))
        }
        // An entry from before rows were kept, and lines a hand made.
        for text in [#"{"id":"ct1","text":"ada lovelace"}"#,
                     #"{"id":"ct1", "text":"ada lovelace","row":{"first_name":"Ada","last_name":"Lovelace","phones":[],"emails":[],"company":null,"owner":null,"tags":[],"created_at":"2025-11-24T16:00:00Z"}}"#,
                     #"{"id":"ct1","text":"ada lovelace","row":{"first_name":"Ada","last_name":"Lovelace","phones":[],"emails":[],"company":null,"owner":null,"tags":[],"created_at":"2025-11-24T16:00:00Z"}} "#,
                     #"{"id":"ct1","text":"ada lovelace","row":{"first_name":"Ada","last_name":"Lovelace","phones":[],"emails":[],"company":null,"owner":null,"tags":[],"created_at":"yesterday"}}"#] {
            XCTAssertNil(fast(Array(text.utf8)), text)
        }
    }

    /// A bulk tag writes each changed contact's line straight from the contact: it must be
    /// the line the schema writes for its entry, in every shape (escapes and other scripts too).
    func testTheLineWrittenForAContactIsTheOneTheSchemaWritesForItsEntry() {
        let contacts = [
            contact("ct1", "Ada", "Lovelace"),
            contact("ct2", "Grace", "") { $0.phones = ["+1 (555) 0100", "+15550101"]; $0.emails = ["Grace@Navy.example"]; $0.tags = ["vip", "navy"] },
            contact("ct3", "", "Hopper") { $0.company = "Navy"; $0.owner = "carol"; $0.handles = [.instagram: "amazing.grace", .facebook: "gh", .telegram: "g_h"] },
            contact("ct4", "Zoë", "Ångström") { $0.company = "Tab\there \"quoted\" \\ back"; $0.tags = ["日本"] },
            contact("ct5", "ADA", "") { $0.emails = ["A.B@X.EXAMPLE", "Ö@x.example"] },
            contact("ct6", "", "O\"Neil") { $0.phones = ["+44 20 7123 4567"] },
            contact("ct7", "Ada", "Lovelace") { $0.phones = ["+1 555 0100 ext. 7"]; $0.handles = [.telegram: "ada_l"] },
            contactWithNoName(),
        ]
        for c in contacts {
            var written: [UInt8] = []
            ContactSearchLine.line(for: c, into: &written)
            XCTAssertEqual(String(decoding: written, as: UTF8.self), String(decoding: JSONLines.encode([ContactSearchEntry(c)]), as: UTF8.self))
        }
        // Which of them took the plain-text path: every ASCII one; none with another script or an escape.
        let plain = contacts.map { c -> Bool in
            var out: [UInt8] = []
            return ContactSearchLine.plainText(of: c, into: &out)
        }
        XCTAssertEqual(plain, [true, true, true, false, false, false, true, true])
    }
}
