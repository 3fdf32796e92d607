import InboxCore
import XCTest

final class JSONParserTests: XCTestCase {
    func reason(_ text: [UInt8]) -> String? {
        do { _ = try JSONParser.parse(text); return nil } catch { return error.reason }
    }

    func reason(_ text: String) -> String? { reason(Array(text.utf8)) }

    func testAcceptsOrdinaryRecordsAndKeepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,null,"x\n\u00e9\ud83d\ude00"],"c":-2.5e3}"#)
        guard case .object(let object) = value else { return XCTFail() }
        XCTAssertEqual(object.pairs.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(object["a"], .array([.bool(true), .null, .string("x\né😀")]))
        XCTAssertEqual(object["c"], .double(-2500))
        XCTAssertEqual(object["b"], .int(1))
    }

    func testRejectsWhatFoundationWouldLetThrough() {
        XCTAssertEqual(reason(#"{"a":1,"a":2}"#), "column 8: duplicate key \"a\"")
        XCTAssertEqual(reason(#"{"a":1,}"#), "column 8: trailing comma before '}'")
        XCTAssertEqual(reason(#"[1,2,]"#), "column 6: trailing comma before ']'")
        let bom = reason([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        XCTAssertTrue(bom?.contains("byte-order mark") == true, bom ?? "a byte-order mark was accepted")
        XCTAssertTrue(reason([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])!.contains("invalid UTF-8"))
        XCTAssertTrue(reason([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x00, 0x22, 0x7D])!.contains("NUL"))
        XCTAssertTrue(reason("{\"a\":1}\r")!.contains("carriage return"))
        XCTAssertTrue(reason(#"{"a":01}"#)!.contains("leading zero"))
        XCTAssertTrue(reason(#"{"a":"\ud800"}"#)!.contains("surrogate"))
        XCTAssertTrue(reason(#"{"a":1"#)!.contains("truncated"))
        XCTAssertTrue(reason(#"{"a":"abc"#)!.contains("truncated"))
        XCTAssertTrue(reason(#"{"a":1} x"#)!.contains("after the end"))
        XCTAssertTrue(reason(#"{'a':1}"#)!.contains("where a key was expected"))
        XCTAssertTrue(reason(#"{"a":NaN}"#)!.contains("where a value was expected"))
        XCTAssertTrue(reason("{\"a\":\"tab\there\"}")!.contains("control character"))
    }

    func testWriterIsCanonicalAndRoundTrips() throws {
        let value = JSONValue.object(JSONObject([
            ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{07} é")),
            ("n", .int(-42)), ("list", .strings(["a", "b"])), ("none", .null),
        ]))
        let text = JSONWriter.string(value)
        XCTAssertEqual(text, #"{"text":"quote \" backslash \\ newline \n tab \t bell \u0007 é","n":-42,"list":["a","b"],"none":null}"#)
        XCTAssertEqual(try JSONParser.parse(text), value)
    }

    func testFieldReaderRejectsMissingWrongAndUnknownFields() throws {
        var reader = try FieldReader(JSONParser.parse(#"{"a":"x","b":3,"c":true}"#))
        XCTAssertEqual(try reader.string("a"), "x")
        XCTAssertThrowsError(try reader.string("b")) { XCTAssertEqual(($0 as? JSONParseError)?.reason, "field \"b\" must be a string, found a number") }
        XCTAssertThrowsError(try reader.string("zz")) { XCTAssertEqual(($0 as? JSONParseError)?.reason, "missing field \"zz\"") }
        XCTAssertThrowsError(try reader.finish()) { XCTAssertEqual(($0 as? JSONParseError)?.reason, "unknown field \"c\"") }
    }
}
