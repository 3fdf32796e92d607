import InboxCore
import XCTest

/// A record with one field of each kind a schema declares, and a view that differs from it.
private struct Sample: StoredRecord {
    enum Colour: String, CaseIterable, Sendable { case red, green, blue }

    var name = ""
    var nickname: String?
    var count: Int64 = 0
    var done = false
    var at = Timestamp.earliest
    var due: Timestamp?
    var colour = Colour.red
    var shade: Colour?
    var tags: [String] = []
    var fields: [(key: String, value: String)] = []
    var seenBy: [Receipt] = []
    var pin: Pin?
    var note: String?
    /// Computed: read and written through its key path, not in place.
    var shout: String {
        get { name.uppercased() }
        set { name = newValue.lowercased() }
    }

    static func fields(nameKey: String) -> [Field<Sample>] {
        [
            .field(nameKey, \.name, .string),
            .optional("nickname", \.nickname, .string),
            .field("count", \.count, .int(in: 0...100)),
            .field("done", \.done, .bool),
            .field("at", \.at, .timestamp),
            .optional("due", \.due, .timestamp),
            .field("colour", \.colour, .choice()),
            .optional("shade", \.shade, .choice(among: [.green, .blue])),
            .field("tags", \.tags, .strings),
            .field("fields", \.fields, .stringMap),
            .field("seen_by", \.seenBy, .records()),
            .optional("pin", \.pin, .record()),
            .optional("note", \.note, .string, whenNil: .omitted),
        ]
    }

    static let schema = RecordSchema(blank: Sample(), fields(nameKey: "name")) { s throws(JSONParseError) in
        guard s.due.map({ $0 >= s.at }) ?? true else { throw JSONParseError("field \"due\" is before \"at\"") }
    }

    /// Scripts see `title` and no `note`, whatever the file calls them.
    static let view = RecordView(schema).renaming("name", to: "title").omitting("note")
        .adding("loud", after: "title") { s, user in .string(s.name.uppercased() + (user.map { " for " + $0 } ?? "")) }
}

private struct Renamed: StoredRecord {
    var sample: Sample
    static let schema = RecordSchema(blank: Renamed(sample: Sample()), [.field("sample", \.sample, .record())])
}

/// Records inside a record, one left out when nil, between other fields.
private struct Nested: StoredRecord {
    var first: Pin?
    var name = ""
    var later: Pin?
    var receipts: [Receipt] = []
    var last: Pin?
    static let schema = RecordSchema(blank: Nested(), [
        .optional("first", \.first, .record(), whenNil: .omitted),
        .field("name", \.name, .string),
        .optional("later", \.later, .record(), whenNil: .omitted),
        .field("receipts", \.receipts, .records()),
        .optional("last", \.last, .record()),
    ])
}

final class RecordSchemaTests: XCTestCase {
    let full = #"{"name":"ada","nickname":null,"count":3,"done":true,"at":"2026-11-21T09:00:00Z","due":"2026-11-22T09:00:00Z","colour":"green","shade":null,"tags":["a","b"],"fields":{"k":"v","a":"b"},"seen_by":[{"by":"bob","at":"2026-11-21T10:00:00Z"}],"pin":{"by":"bob","at":"2026-11-21T10:00:00Z","assignee":null,"done":false},"note":"hi"}"#

    private func decode(_ line: String) throws -> Sample {
        try Sample.schema.decode(JSONParser.parse(Array(line.utf8)))
    }

    /// The reason a line is refused, as the store reports it (`PATH:LINE: reason`).
    private func refusal(_ line: String) -> String? {
        do {
            _ = try JSONLines.decode(Array((line + "\n").utf8), path: "samples.jsonl", as: Sample.self)
            return nil
        } catch {
            return error.message
        }
    }

    private func replacing(_ old: String, _ new: String) -> String {
        XCTAssertTrue(full.contains(old), old)
        return full.replacingOccurrences(of: old, with: new)
    }

    func testEveryKindDecodes() throws {
        let s = try decode(full)
        XCTAssertEqual(s.name, "ada")
        XCTAssertNil(s.nickname)
        XCTAssertEqual(s.count, 3)
        XCTAssertTrue(s.done)
        XCTAssertEqual(s.at.iso, "2026-11-21T09:00:00Z")
        XCTAssertEqual(s.due?.iso, "2026-11-22T09:00:00Z")
        XCTAssertEqual(s.colour, .green)
        XCTAssertNil(s.shade)
        XCTAssertEqual(s.tags, ["a", "b"])
        XCTAssertEqual(s.fields.map(\.key), ["k", "a"])
        XCTAssertEqual(s.fields.map(\.value), ["v", "b"])
        XCTAssertEqual(s.seenBy, [Receipt(by: "bob", at: Timestamp(iso: "2026-11-21T10:00:00Z")!)])
        XCTAssertEqual(s.pin, Pin(by: "bob", at: Timestamp(iso: "2026-11-21T10:00:00Z")!, assignee: nil, done: false))
        XCTAssertEqual(s.note, "hi")
    }

    func testEncodingGivesBackTheBytesItRead() throws {
        XCTAssertEqual(JSONLines.encode([try decode(full)]), Array((full + "\n").utf8))
        let set = replacing(#""nickname":null"#, #""nickname":"Countess""#)
            .replacingOccurrences(of: #""shade":null"#, with: #""shade":"blue""#)
        XCTAssertEqual(JSONWriter.string(.object(try decode(set).json)), set)
    }

    /// The store writes records without building their JSON objects: the same bytes.
    func testWritingInPlaceGivesTheBytesOfTheEncodedObject() throws {
        var s = try decode(full)
        var variants = [s]
        s.note = nil; s.nickname = "Count\u{e9}ss \"A\"\n"; s.due = nil; s.tags = []; s.shade = .blue; s.pin = nil
        variants.append(s)
        variants.append(Sample())
        for v in variants {
            XCTAssertEqual(String(decoding: JSONLines.encode([v]), as: UTF8.self), JSONWriter.string(.object(v.json)) + "\n")
            var tagged: [UInt8] = []
            Sample.schema.write(v, into: &tagged, leading: ("type", "sample"))
            XCTAssertEqual(String(decoding: tagged, as: UTF8.self),
                           JSONWriter.string(.object(JSONObject([("type", .string("sample"))] + v.json.pairs))))
        }
    }

    /// A record inside a record is written in place too, a nil one left out with its key.
    func testRecordsInsideARecordAreWrittenAsTheirEncodedObjects() throws {
        let pin = Pin(by: "bob", at: Timestamp(iso: "2026-11-21T10:00:00Z")!, assignee: "ann", done: true)
        let receipt = Receipt(by: "bob", at: Timestamp(iso: "2026-11-21T10:00:00Z")!)
        let variants = [Nested(), Nested(first: pin, name: "a", later: nil, receipts: [receipt, receipt], last: pin),
                        Nested(first: nil, name: "b", later: pin, receipts: [], last: nil), Nested(first: pin, name: "c", later: pin, receipts: [receipt], last: nil)]
        for v in variants {
            let written = String(decoding: JSONLines.encode([v]), as: UTF8.self)
            XCTAssertEqual(written, JSONWriter.string(.object(Nested.schema.encode(v))) + "\n")
            XCTAssertEqual(JSONLines.encode(try JSONLines.decode(Array(written.utf8), path: "n.jsonl", as: Nested.self)), Array(written.utf8))
        }
        XCTAssertEqual(String(decoding: JSONLines.encode([Nested()]), as: UTF8.self), #"{"name":"","receipts":[],"last":null}"# + "\n")
    }

    func testAFieldWrittenOnlyWhenSetIsLeftOutWhenNilAndReadAsNilWhenAbsent() throws {
        let without = replacing(#","note":"hi""#, "")
        let s = try decode(without)
        XCTAssertNil(s.note)
        XCTAssertEqual(JSONWriter.string(.object(s.json)), without)
        XCTAssertEqual(refusal(replacing(#""note":"hi""#, #""note":null"#)), #"samples.jsonl:1: field "note" must be a string, found null"#)
    }

    func testEachStrictErrorNamesTheFieldAndTheLine() {
        let cases: [(String, String)] = [
            (full.replacingOccurrences(of: #""count":3,"#, with: ""), #"missing field "count""#),
            (full.replacingOccurrences(of: #""nickname":null,"#, with: ""), #"missing field "nickname""#),
            (#"{"colour2":"red","# + full.dropFirst(), #"unknown field "colour2""#),
            (replacing(#""done":true"#, #""done":true,"done":false"#), #"column 53: duplicate key "done""#),
            (replacing(#""name":"ada""#, #""name":7"#), #"field "name" must be a string, found a number"#),
            (replacing(#""nickname":null"#, #""nickname":7"#), #"field "nickname" must be a string or null, found a number"#),
            (replacing(#""count":3"#, #""count":"3""#), #"field "count" must be an integer, found a string"#),
            (replacing(#""count":3"#, #""count":101"#), #"field "count" must be 0 to 100, not 101"#),
            (replacing(#""done":true"#, #""done":1"#), #"field "done" must be true or false, found a number"#),
            (replacing(#""at":"2026-11-21T09:00:00Z""#, #""at":"yesterday""#),
             #"field "at" must be a UTC time from 1970 to 9999 like 2026-11-21T09:00:00Z, not "yesterday""#),
            (replacing(#""due":"2026-11-22T09:00:00Z""#, #""due":5"#), #"field "due" must be a UTC time or null, found a number"#),
            (replacing(#""colour":"green""#, #""colour":"pink""#), #"field "colour" must be one of red, green, blue, not "pink""#),
            (replacing(#""shade":null"#, #""shade":"red""#), #"field "shade" must be one of green, blue or null, not "red""#),
            (replacing(#""tags":["a","b"]"#, #""tags":"a""#), #"field "tags" must be an array of strings, found a string"#),
            (replacing(#""tags":["a","b"]"#, #""tags":["a",1]"#), #"field "tags" must be an array of strings, found a number"#),
            (replacing(#""fields":{"k":"v","a":"b"}"#, #""fields":{"k":1}"#), #"field "fields.k" must be a string, found a number"#),
            (replacing(#"{"by":"bob","at":"2026-11-21T10:00:00Z"}"#, #"{"at":"2026-11-21T10:00:00Z"}"#),
             #"field "seen_by": missing field "by""#),
            (replacing(#""done":false}"#, #""done":false,"x":1}"#), #"field "pin": unknown field "x""#),
            (replacing(#""pin":{"#, #""pin":7,"zz":{"#), #"field "pin" must be an object or null, found a number"#),
            (replacing(#""due":"2026-11-22T09:00:00Z""#, #""due":"2026-11-20T09:00:00Z""#), #"field "due" is before "at""#),
        ]
        for (line, reason) in cases {
            XCTAssertEqual(refusal(line), "samples.jsonl:1: " + reason, line)
        }
    }

    func testAComputedPropertyIsReadAndWrittenThroughItsKeyPath() throws {
        let schema = RecordSchema(blank: Sample(), [.field("shout", \.shout, .string)])
        let s = try schema.decode(JSONParser.parse(Array(#"{"shout":"ADA"}"#.utf8)))
        XCTAssertEqual(s.name, "ada")
        XCTAssertEqual(JSONWriter.string(.object(schema.encode(s))), #"{"shout":"ADA"}"#)
    }

    func testANestedRecordKeepsItsOwnSchema() throws {
        let line = #"{"sample":\#(full)}"#
        let r = try Renamed.schema.decode(JSONParser.parse(Array(line.utf8)))
        XCTAssertEqual(r.sample.name, "ada")
        XCTAssertEqual(JSONWriter.string(.object(r.json)), line)
    }

    func testTheViewIsDeclaredApartFromTheStoredForm() throws {
        let s = try decode(full)
        let view = s.jsonView(for: "alice")
        XCTAssertEqual(view.pairs.map(\.key), ["title", "loud", "nickname", "count", "done", "at", "due", "colour", "shade",
                                               "tags", "fields", "seen_by", "pin"])
        XCTAssertEqual(view["loud"], .string("ADA for alice"))
        XCTAssertEqual(s.json.pairs.map(\.key).first, "name")
        XCTAssertNotNil(s.json["note"])

        // Storage renames its key: the file changes, the view does not.
        let moved = RecordSchema(blank: Sample(), Sample.fields(nameKey: "full_name"))
        let movedView = RecordView(moved).renaming("full_name", to: "title").omitting("note")
            .adding("loud", after: "title") { s, user in .string(s.name.uppercased() + (user.map { " for " + $0 } ?? "")) }
        XCTAssertEqual(moved.encode(s).pairs.first?.key, "full_name")
        XCTAssertEqual(JSONWriter.string(.object(movedView.json(s, for: "alice"))), JSONWriter.string(.object(view)))
    }

    func testAConversationsViewAddsItsCategoryWhichTheFileDoesNotHold() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: .earliest)
        c.assignee = "bob"
        XCTAssertNil(c.json["category"])
        let keys = c.jsonView(for: "alice").pairs.map(\.key)
        XCTAssertEqual(keys[keys.firstIndex(of: "assignee")! + 1], "category")
        XCTAssertEqual(c.jsonView(for: "alice")["category"], .string("others"))
        XCTAssertEqual(c.jsonView(for: "bob")["category"], .string("yours"))
        XCTAssertEqual(c.jsonView().pairs.map(\.key), c.json.pairs.map(\.key))
    }
}
