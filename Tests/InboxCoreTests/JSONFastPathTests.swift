#if canImport(Glibc)
import Glibc
#endif
import InboxCore
import XCTest

/// The parser's, reader's, writer's and timestamp's fast paths give exactly what the plain ones
/// gave: the same values, the same bytes, the same errors.
final class JSONFastPathTests: XCTestCase {
    func reason(_ bytes: [UInt8]) -> String? {
        do { _ = try JSONParser.parse(bytes); return nil } catch { return error.reason }
    }

    func reason(_ text: String) -> String? { reason(Array(text.utf8)) }

    // MARK: Duplicate keys

    func testKeysDifferingOnlyInNormalizationAreTwoKeys() throws {
        // "é" precomposed and "e" + combining acute: equal as Swift Strings, different bytes.
        let value = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        guard case .object(let object) = value else { return XCTFail("not an object") }
        XCTAssertEqual(object.pairs.map { Array($0.key.utf8) }, [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
        // The reader matches keys byte for byte too: the one it did not read is unknown.
        var reader = try FieldReader(value)
        XCTAssertEqual(try reader.int("\u{E9}"), 1)
        XCTAssertThrowsError(try reader.finish()) {
            XCTAssertEqual(($0 as? JSONParseError)?.reason, "unknown field \"e\u{301}\"")
        }
    }

    func testADuplicateWrittenWithAnEscapeIsStillADuplicate() {
        XCTAssertEqual(reason(#"{"a":1,"\u0061":2}"#), "column 8: duplicate key \"a\"")
        XCTAssertEqual(reason(#"{"\u00e9":1,"é":2}"#), "column 13: duplicate key \"é\"")
    }

    func testDuplicatesAreFoundInObjectsWithManyKeys() throws {
        let keys = (0..<300).map { "k\($0)" }
        let distinct = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + "}"
        guard case .object(let object) = try JSONParser.parse(distinct) else { return XCTFail("not an object") }
        XCTAssertEqual(object.pairs.count, 300)

        for (early, late) in [(3, 200), (250, 299), (0, 30), (29, 30), (5, 64), (62, 63), (63, 64)] {
            var copy = keys
            copy[late] = keys[early]
            let members = copy.map { "\"\($0)\":0" }
            let text = "{" + members.joined(separator: ",") + "}"
            let column = ("{" + members[..<late].joined(separator: ",") + ",").utf8.count + 1
            XCTAssertEqual(reason(text), "column \(column): duplicate key \"\(keys[early])\"", "\(early), \(late)")
        }
        // Normalization variants stay distinct in the hashed path as well.
        let variants = keys + ["\u{E9}", "e\u{301}"]
        XCTAssertNil(reason("{" + variants.map { "\"\($0)\":0" }.joined(separator: ",") + "}"))
    }

    // MARK: Strings

    func testInvalidUTF8IsRefusedWithOrWithoutEscapes() {
        let bad: [[UInt8]] = [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xBF], [0xFF], [0xF0, 0x9F, 0x98]]
        for bytes in bad {
            let plain = Array(#"{"a":"x"#.utf8) + bytes + Array(#"y"}"#.utf8)
            XCTAssertEqual(reason(plain), "column 6: invalid UTF-8 in string", "\(bytes)")
            let escaped = Array(#"{"a":"\n"#.utf8) + bytes + Array(#"y"}"#.utf8)
            XCTAssertEqual(reason(escaped), "column 6: invalid UTF-8 in string", "\(bytes)")
            let key = Array(#"{""#.utf8) + bytes + Array(#"":1}"#.utf8)
            XCTAssertEqual(reason(key), "column 2: invalid UTF-8 in string", "\(bytes)")
        }
    }

    func testUTF8CheckAgreesWithSwiftOnEveryShortSequence() {
        // Every 1- and 2-byte sequence, and 3- and 4-byte ones around the boundaries.
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                              0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var samples: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for a in 0...255 { for b in edges { samples.append([UInt8(a), b]) } }
        for a in edges { for b in edges { for c in edges { samples.append([a, b, c]); samples.append([a, b, c, 0x80]); samples.append([a, b, c, 0xBF]) } } }
        var checked = 0
        for bytes in samples where !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            let line = Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8)
            let swiftSays = String(validating: bytes, as: UTF8.self)
            switch (swiftSays, Result { try JSONParser.parse(line) }) {
            case (let s?, .success(let value)): XCTAssertEqual(value, .object(JSONObject([("a", .string(s))])), "\(bytes)")
            case (nil, .failure): break
            default: XCTFail("parser and Swift disagree on \(bytes)")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10_000)
    }

    func testEscapesDecodeAsBefore() throws {
        let value = try JSONParser.parse(#"{"a":"x\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00é\u0000z"}"#)
        XCTAssertEqual(value, .object(JSONObject([("a", .string("x\"\\/\u{8}\u{C}\n\r\tAé€😀é\u{0}z"))])))
    }

    // MARK: Numbers

    func testIntegersAtTheEdgesOfInt64() throws {
        let cases: [(String, JSONValue)] = [
            ("0", .int(0)), ("-0", .int(0)), ("7", .int(7)), ("-42", .int(-42)),
            ("9223372036854775807", .int(Int64.max)), ("-9223372036854775808", .int(Int64.min)),
            ("9223372036854775808", .double(Double("9223372036854775808")!)),
            ("-9223372036854775809", .double(Double("-9223372036854775809")!)),
            ("123456789012345678901234567890", .double(Double("123456789012345678901234567890")!)),
            ("1.5", .double(1.5)), ("1e2", .double(100)), ("-0.0", .double(-0.0)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONParser.parse("[\(text)]"), .array([expected]), text)
        }
        XCTAssertEqual(reason("[1e999]"), "column 2: number out of range")
    }

    func testWriterIntegersAndStringsAreTheBytesStringWouldGive() {
        for n: Int64 in [0, 1, -1, 9, 10, -10, 1_234_567_890, Int64.max, Int64.min, Int64.min + 1] {
            XCTAssertEqual(JSONWriter.string(.int(n)), String(n))
        }
        let strings = ["", "plain", "é and 😀", "\"", "\\", "a\nb", "\u{0}\u{1F}\u{7F}", "tab\tend\r\n", "run \"quoted\" run \\ end"]
        for s in strings {
            // The expectation, byte by byte: only what JSON requires is escaped.
            var bytes: [UInt8] = [0x22]
            for b in s.utf8 {
                switch b {
                case 0x22, 0x5C: bytes += [0x5C, b]
                case 0x0A: bytes += Array("\\n".utf8)
                case 0x0D: bytes += Array("\\r".utf8)
                case 0x09: bytes += Array("\\t".utf8)
                case 0..<0x20: bytes += Array(String(format: "\\u%04x", b).utf8)
                default: bytes.append(b)
                }
            }
            bytes.append(0x22)
            XCTAssertEqual(JSONWriter.bytes(.string(s)), bytes, s)
            XCTAssertEqual(try JSONParser.parse(JSONWriter.bytes(.string(s))), .string(s), s)
        }
    }

    // MARK: Field reader

    func testReaderFindsFieldsInAnyOrderAndReportsTheFirstUnread() throws {
        var reader = try FieldReader(JSONParser.parse(#"{"a":1,"b":2,"c":3,"d":4}"#))
        XCTAssertEqual(try reader.int("c"), 3)
        XCTAssertEqual(try reader.int("a"), 1)
        XCTAssertEqual(try reader.int("d"), 4)
        XCTAssertNil(reader.absentOr("e"))
        XCTAssertThrowsError(try reader.finish()) { XCTAssertEqual(($0 as? JSONParseError)?.reason, "unknown field \"b\"") }
        _ = try reader.int("b")
        XCTAssertNoThrow(try reader.finish())
    }

    func testReaderTracksFieldsPastTheSixtyFourth() throws {
        let text = "{" + (0..<100).map { "\"f\($0)\":\($0)" }.joined(separator: ",") + "}"
        var reader = try FieldReader(JSONParser.parse(text))
        for i in (0..<100).reversed() where i != 70 { XCTAssertEqual(try reader.int("f\(i)"), Int64(i)) }
        XCTAssertThrowsError(try reader.finish()) { XCTAssertEqual(($0 as? JSONParseError)?.reason, "unknown field \"f70\"") }
        XCTAssertEqual(try reader.int("f70"), 70)
        XCTAssertNoThrow(try reader.finish())
    }

    // MARK: Timestamps

    /// What the stored form was before: gmtime_r, field by field.
    func libcISO(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    func testISOFormAndParseAgreeWithLibcAcrossTheRange() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, 1, 59, 60, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_399, 4_107_542_400,
                                Timestamp.latest.seconds, Timestamp.latest.seconds - 86_400]
        for _ in 0..<20_000 { samples.append(Int64.random(in: 0...Timestamp.latest.seconds, using: &generator)) }
        for seconds in samples {
            let text = libcISO(seconds)
            XCTAssertEqual(Timestamp(seconds: seconds).iso, text)
            XCTAssertEqual(Timestamp(iso: text)?.seconds, seconds, text)
        }
    }

    func testCalendarChecksStay() {
        XCTAssertNil(Timestamp(iso: "2026-02-31T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2100-02-29T00:00:00Z"))
        XCTAssertNotNil(Timestamp(iso: "2000-02-29T00:00:00Z"))
        XCTAssertNotNil(Timestamp(iso: "2024-02-29T23:59:59Z"))
        XCTAssertNil(Timestamp(iso: "2026-04-31T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-13-01T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-00-01T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-00T00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T24:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T00:60:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T00:00:60Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T00:00:00"))
        XCTAssertNil(Timestamp(iso: "2026-01-01 00:00:00Z"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T00:00:0aZ"))
        XCTAssertNil(Timestamp(iso: "2026-01-01T00:00:00Z "))
        XCTAssertNil(Timestamp(iso: "２026-01-01T00:00:00Z"))
        XCTAssertEqual(Timestamp.utc(year: 2026, month: 11, day: 21, hour: 22, minute: 36, second: 29)?.iso, "2026-11-21T22:36:29Z")
        XCTAssertEqual(Timestamp.utc(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59)?.seconds, -1)
        XCTAssertEqual(Timestamp.utc(year: 1600, month: 3, day: 1, hour: 0, minute: 0, second: 0)?.seconds, -11_670_912_000)
        // Outside the storable range the form is what it always was.
        XCTAssertEqual(Timestamp(seconds: -1).iso, libcISO(-1))
        XCTAssertEqual(Timestamp(seconds: Timestamp.latest.seconds + 1).iso, "10000-01-01T00:00:00Z")
    }
}
