@testable import InboxCore
import XCTest

/// A line read straight into its record (`JSONLineParser.record`) gives the record the long
/// way gives (parse, then the schema) or nothing, never another record and never an error of
/// its own: every line the store writes takes it, every other line goes the long way.
final class RecordScannerTests: XCTestCase {
    let t0 = Timestamp(iso: "2026-11-21T10:00:00Z")!

    func longWay<R: StoredRecord>(_ line: String, as: R.Type) -> Result<R, JSONParseError> {
        do throws(JSONParseError) {
            var fields = try FieldReader(JSONParser.parse(line))
            let record = try R.schema.decode(&fields)
            try fields.finish()
            return .success(record)
        } catch {
            return .failure(error)
        }
    }

    func scanned<R: StoredRecord>(_ line: String, as: R.Type) -> R? {
        var parser = JSONLineParser()
        return Array(line.utf8).withUnsafeBufferPointer { parser.record($0, R.schema) }
    }

    /// What the store reads for the line (the scanner, then the long way): the record or the error.
    func read<R: StoredRecord>(_ line: String, as: R.Type) -> Result<R, InboxError> {
        do throws(InboxError) {
            return .success(try JSONLines.decode(Array((line + "\n").utf8), path: "f", as: R.self)[0])
        } catch {
            return .failure(error)
        }
    }

    func bytes<R: StoredRecord>(_ record: R) -> [UInt8] { JSONLines.encode([record]) }

    func messages() -> [Message] {
        let c = Conversation(id: "cv7", contact: "ct3", channel: .email, subject: "Hi", createdAt: t0)
        var plain = Message(id: "ms1", conversation: c, direction: .inbound, kind: .message, text: "Hello \"there\"\n\u{E9}t\u{E9}", at: t0)
        plain.from = "a@example.com"
        var sent = Message(id: "ms2", conversation: c, direction: .outbound, kind: .message, text: "A reply long enough to be on the heap", at: t0)
        sent.state = .failed
        sent.retryAt = Timestamp(seconds: t0.seconds + 60)
        sent.attempts = 3
        sent.cc = ["b@example.com", "c@example.com"]
        sent.error = "timeout"
        sent.attachments = [Attachment(name: "a.pdf", sha256: String(repeating: "ab", count: 32), size: 12, kind: .document)]
        sent.seenBy = [Receipt(by: "alice", at: t0)]
        let note = Message(id: "ms3", conversation: c, direction: .outbound, kind: .note, text: "", at: t0)
        return [plain, sent, note]
    }

    func testEveryLineTheStoreWritesIsReadStraightIntoTheSameRecord() throws {
        for m in messages() {
            let line = String(decoding: JSONLines.encode([m]).dropLast(), as: UTF8.self)
            let straight = try XCTUnwrap(scanned(line, as: Message.self), line)
            // Equal records write equal bytes (Message is not Equatable).
            XCTAssertEqual(bytes(straight), bytes(m), line)
            XCTAssertEqual(bytes(straight), bytes(try longWay(line, as: Message.self).get()), line)
        }
        let entry = QueueEntry(due: t0, message: "ms2", conversation: "cv7", state: .failed)
        XCTAssertEqual(scanned(String(decoding: JSONLines.encode([entry]).dropLast(), as: UTF8.self), as: QueueEntry.self), entry)
    }

    func testAnyOtherLineGoesTheLongWayToItsRecordOrItsError() throws {
        let m = messages()[1]
        let line = String(decoding: JSONLines.encode([m]).dropLast(), as: UTF8.self)
        let variants: [String] = [
            // Fine, but not as the store writes it: the long way reads them.
            " " + line + "\t",
            line.replacingOccurrences(of: #"{"id":"ms2","#, with: "{") .replacingOccurrences(of: #","retry_at""#, with: #","id":"ms2","retry_at""#),
            line.replacingOccurrences(of: #""text""#, with: #""\u0074ext""#),
            line.replacingOccurrences(of: #","retry_at":"2026-11-21T10:01:00Z""#, with: ""),
            line.replacingOccurrences(of: #""size":12"#, with: #""size": 12"#),
            // Wrong, each in its own way.
            line.replacingOccurrences(of: #""id":"ms2","#, with: #""id":"ms2","id":"ms2","#),
            line.replacingOccurrences(of: #""text":"#, with: #""texts":"#),
            line.replacingOccurrences(of: #""auto":false,"#, with: ""),
            line.replacingOccurrences(of: #""auto":false"#, with: #""auto":"no""#),
            line.replacingOccurrences(of: #""attempts":3"#, with: #""attempts":3.5"#),
            line.replacingOccurrences(of: #""attempts":3"#, with: #""attempts":2000000"#),
            line.replacingOccurrences(of: #""retry_at":"2026-11-21T10:01:00Z""#, with: #""retry_at":null"#),
            line.replacingOccurrences(of: #""at":"2026-11-21T10:00:00Z""#, with: #""at":"yesterday""#),
            line.replacingOccurrences(of: #""direction":"out""#, with: #""direction":"sideways""#),
            line.replacingOccurrences(of: #""id":"ms2""#, with: #""id":"cv2""#),
            line + "x",
            line + ",",
            String(line.dropLast()),
            "\u{FEFF}" + line,
            "[" + line + "]",
            line.replacingOccurrences(of: #""kind":"document""#, with: #""kind":"document","extra":1"#),
        ]
        var wrong = 0
        for variant in variants {
            XCTAssertNotEqual(variant, line)
            let long = longWay(variant, as: Message.self)
            if let straight = scanned(variant, as: Message.self) {
                XCTAssertEqual(bytes(straight), bytes(try long.get()), variant)
            }
            if case .failure = long { wrong += 1 }
            switch (read(variant, as: Message.self), longWay(variant, as: Message.self)) {
            case (.success(let a), .success(let b)): XCTAssertEqual(bytes(a), bytes(b), variant)
            case (.failure(let a), .failure(let b)): XCTAssertEqual(a, .badData(path: "f", line: 1, reason: b.reason))
            case (let a, let b): XCTFail("\(variant): \(a) but the long way \(b)")
            }
        }
        XCTAssertEqual(wrong, 16)
    }
}
