@testable import InboxCore
import XCTest

/// `ContactLine` reads a contact line without the generic parser, and a bulk tag splices new
/// tags into the lines it read. What it takes must be a line the strict decoder reads as the
/// same contact and the schema writes back byte for byte; everything else (every damage, every
/// other spelling) must be left to the strict decoder.
final class ContactLineTests: XCTestCase {
    private let t0 = Timestamp(iso: "2026-11-21T10:00:00Z")!

    private func contact(_ id: String, _ first: String, _ last: String, edit: (inout Contact) -> Void = { _ in }) -> Contact {
        var c = Contact(id: id, firstName: first, lastName: last, createdAt: t0)
        edit(&c)
        return c
    }

    private func line(_ c: Contact) -> [UInt8] { Array(JSONLines.encode([c]).dropLast()) }
    private func fast(_ bytes: [UInt8]) -> (contact: Contact, spans: ContactLine.Spans)? { bytes.withUnsafeBufferPointer { ContactLine.read($0) } }
    private func strict(_ bytes: [UInt8]) -> Contact? { try? JSONLines.decode(bytes + [0x0A], path: "t", as: Contact.self).first }

    private var shapes: [Contact] {
        [
            contact("ct1", "Ada", "Lovelace"),
            contact("ct2", "Grace", "") { $0.phones = ["+15550100", "+15550101"]; $0.emails = ["grace@navy.example"]; $0.tags = ["vip", "navy"] },
            contact("ct3", "", "Hopper") { $0.company = "Navy"; $0.owner = "carol"; $0.disposition = "won"; $0.handles = [.instagram: "amazing.grace", .facebook: "gh"] },
            contact("ct4", "Alan", "Turing") { $0.handles = [.telegram: "alan_t"]; $0.dnd.all = true; $0.dnd.inbound = true },
            contact("ct5", "Bob", "Smith") { $0.dnd.channels = ["sms", "email"]; $0.fields = [("vat", "GB1"), ("size", "big")]; $0.updatedAt = Timestamp(iso: "2026-12-01T08:09:10Z")! },
            contact("ctk3f9x2m7qa4r", "", "") { $0.phones = ["+442071234567"]; $0.tags = ["a b", "c-d"] },
        ]
    }

    func testItReadsWhatTheSchemaReadsAndFindsTheTagsAndUpdateTime() throws {
        for c in shapes {
            let bytes = line(c)
            let text = String(decoding: bytes, as: UTF8.self)
            let (read, spans) = try XCTUnwrap(fast(bytes), text)
            XCTAssertEqual(line(read), bytes, text)
            XCTAssertEqual(line(try XCTUnwrap(strict(bytes))), bytes, text)
            XCTAssertEqual(String(decoding: bytes[spans.tags], as: UTF8.self), JSONWriter.string(.strings(c.tags)), text)
            XCTAssertEqual(String(decoding: bytes[spans.updatedAt], as: UTF8.self), "\"\(c.updatedAt.iso)\"", text)
        }
    }

    func testLinesItWasNotWrittenForAreLeftToTheSchema() throws {
        let others = [
            contact("ct1", "Zoë", "Ångström"),
            contact("ct2", "Bob \"Bobby\"", "O'Brien"),
            contact("ct3", "Ada", "Lovelace") { $0.company = "Tab\there" },
            contact("ct4", "Ada", "Lovelace") { $0.fields = [("note", "caf\u{E9}")] },
        ]
        for c in others {
            let bytes = line(c)
            XCTAssertNil(fast(bytes), String(decoding: bytes, as: UTF8.self))
            XCTAssertNotNil(strict(bytes))
        }
        // Read the same by the strict decoder, but not as the store writes them.
        let ada = String(decoding: line(contact("ct1", "Ada", "Lovelace")), as: UTF8.self)
        for text in [ada.replacingOccurrences(of: #","last_name""#, with: #", "last_name""#),
                     ada + " ",
                     ada.replacingOccurrences(of: "Ada", with: #"A\u0064a"#)] {
            XCTAssertNil(fast(Array(text.utf8)), text)
            XCTAssertNotNil(strict(Array(text.utf8)), text)
        }
    }

    /// The proof that a damaged line never gets through: every line one byte away from a
    /// stored line (each byte replaced by each other byte, left out, or doubled) that the
    /// reader takes is one the strict decoder takes as the same contact, and is what the
    /// schema writes for it. (Most of them the strict decoder refuses; so must the reader.)
    func testNoLineOneByteFromAStoredOneGetsThroughThatTheStrictDecoderRefuses() throws {
        var taken = 0, refused = 0
        for c in shapes {
            let stored = line(c)
            var variants: [[UInt8]] = []
            for i in stored.indices {
                // Every ASCII byte, and bytes that start or continue UTF-8 sequences.
                for b in [UInt8](0...127) + [0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF] where b != stored[i] {
                    var v = stored
                    v[i] = b
                    variants.append(v)
                }
                var gone = stored
                gone.remove(at: i)
                variants.append(gone)
                var twice = stored
                twice.insert(stored[i], at: i)
                variants.append(twice)
            }
            for v in variants {
                guard let (read, _) = fast(v) else { continue }
                taken += 1
                let text = String(decoding: v, as: UTF8.self)
                guard let decoded = strict(v) else {
                    refused += 1
                    XCTFail("taken, but the strict decoder refuses it: \(text)")
                    continue
                }
                XCTAssertEqual(line(read), v, text)
                XCTAssertEqual(line(decoded), v, text)
            }
        }
        XCTAssertGreaterThan(taken, 1000, "the variants the reader takes (other letters in names) were checked")
        XCTAssertEqual(refused, 0)
    }

    /// The damages of MalformedLineTests, and a few the reader might be fooled by, each on a
    /// stored line: the reader takes none of them.
    func testDamagedLinesAreNotTaken() {
        let stored = String(decoding: line(contact("ct2", "Grace", "Hopper") { $0.fields = [("vat", "GB1")]; $0.handles = [.instagram: "grace"] }), as: UTF8.self)
        func with(_ old: String, _ new: String) -> String { stored.replacingOccurrences(of: old, with: new) }
        let damaged: [String] = [
            String(stored.prefix(40)),
            with(#""company":null"#, #""company":null,"company":null"#),
            with(#""company":null,"#, ""),
            with(#""tags":[]"#, #""tags":"vip""#),
            with("{", #"{"colour":"red","#),
            String(stored.dropLast()) + ",}",
            with("2026-11-21T10:00:00Z", "yesterday"),
            with("2026-11-21T10:00:00Z", "2026-02-30T10:00:00Z"),
            with(#""id":"ct2""#, #""id":"ct02""#),
            with(#""id":"ct2""#, #""id":"cv2""#),
            with(#""fields":{"vat":"GB1"}"#, #""fields":{"vat":"GB1","vat":"GB2"}"#),
            with(#""fields":{"vat":"GB1"}"#, #""fields":{"vat":1}"#),
            with(#""instagram":"grace""#, #""instagram":"Grace""#),
            with(#""instagram":"grace""#, #""instagram":null"#),
            with(#""dnd":[]"#, #""dnd":["pigeon"]"#),
            with(#""dnd":[]"#, #""dnd":"some""#),
            with(#""dnd_inbound":false"#, #""dnd_inbound":0"#),
            with(#""tags":[]"#, #""tags":[null]"#),
            with(#""phones":[]"#, #""phones":[,]"#),
        ]
        for text in damaged {
            XCTAssertNotEqual(text, stored)
            XCTAssertNil(fast(Array(text.utf8)), text)
            XCTAssertNil(strict(Array(text.utf8)), "the damage is one the strict decoder refuses: \(text)")
        }
    }

    /// A shard rewritten from its bytes is what encoding its records gives, whatever form its
    /// lines were in and whatever changed: a retag is spliced, any other change and any line
    /// not as the store writes it is written by the schema.
    func testARewrittenShardIsWhatEncodingItsRecordsGives() throws {
        var lines = shapes.map(line)
        lines.append(line(contact("ct20", "Zoë", "Ångström") { $0.tags = ["x"] }))
        lines.append(Array(String(decoding: line(contact("ct21", "Ada", "Spaced")), as: UTF8.self)
            .replacingOccurrences(of: #","last_name""#, with: #", "last_name""#).utf8))
        let bytes = Array(lines.map { $0 + [0x0A] }.joined())
        let shard = try ContactShard.read("contacts/0000.jsonl", bytes, path: "0000.jsonl")
        XCTAssertEqual(shard.records.map(\.id), ["ct1", "ct2", "ct3", "ct4", "ct5", "ctk3f9x2m7qa4r", "ct20", "ct21"])
        XCTAssertEqual(shard.lines.map { $0.spans != nil }, [true, true, true, true, true, true, false, false])
        XCTAssertEqual(shard.rewritten([], of: []), JSONLines.encode(shard.records), "unchanged: the spaced line is written as the store writes it")

        let later = Timestamp(iso: "2026-12-24T18:00:00Z")!
        var changed: [Int: Contact] = [:]
        for i in [0, 1, 4, 6, 7] {
            var c = shard.records[i]
            c.tags = Tags.merge(c.tags, adding: ["Bench", "vip"])
            c.updatedAt = later
            changed[i] = c
        }
        var renamed = shard.records[2]
        renamed.company = "Army"
        changed[2] = renamed
        var records = shard.records
        for (i, c) in changed { records[i] = c }
        let changes = changed.keys.sorted().reversed().enumerated().map { (line: $0.element, change: $0.offset) }
        let contacts = changes.map { changed[$0.line]! }
        XCTAssertEqual(String(decoding: shard.rewritten(changes, of: contacts), as: UTF8.self), String(decoding: JSONLines.encode(records), as: UTF8.self))
    }

    func testADamagedLineInAShardIsReportedByItsNumber() {
        let good = line(contact("ct1", "Ada", "Lovelace"))
        let bad = Array(#"{"id":"ct2","first_name":"Grace"}"#.utf8)
        let bytes = good + [0x0A] + bad + [0x0A] + good + [0x0A]
        XCTAssertThrowsError(try ContactShard.read("contacts/0000.jsonl", bytes, path: "/r/.inbox/contacts/0000.jsonl")) { error in
            guard case InboxError.badData(let path, let line, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/r/.inbox/contacts/0000.jsonl")
            XCTAssertEqual(line, 2)
            XCTAssertTrue(reason.contains("missing field \"last_name\""), reason)
        }
    }
}
