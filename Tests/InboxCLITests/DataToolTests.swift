import Foundation
import XCTest

final class DataToolTests: XCTestCase {
    func testAnImportRoundTripsThroughExportByteForByte() throws {
        let source = TempDirectory()
        try FileManager.default.removeItem(atPath: source.path)
        XCTAssertEqual(Inbox.run(["demo", source.path], in: NSTemporaryDirectory()).status, 0)
        let pdf = source.file("form.pdf")
        try Data("%PDF-1.4\n\u{0}binary".utf8).write(to: URL(fileURLWithPath: pdf))
        inbox("message", "send", "--contact", "ct1", "--channel", "email", "Your form", "--attach", pdf, in: source)
        inbox("task", "create", "--contact", "ct2", "--kind", "question", "Filing status?", "--due", "+2d", in: source)
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "--duration", "5m", "Called", in: source)
        let first = inbox("export", in: source).stdout
        XCTAssertGreaterThan(first.split(separator: "\n").count, 20)

        let target = makeRepository()
        inbox("import", "-", in: target, stdin: first)
        inbox("fsck", in: target)
        XCTAssertEqual(inbox("export", in: target).stdout, first, "export → import → export is the identity")
        // Counters moved past the imported ids.
        XCTAssertEqual(inbox("--as", "alice", "contact", "add", "New Person", "-q", in: target).stdout, "ct7\n")
        // Importing the same records again is refused whole.
        let before = everyFile(target)
        let again = inbox("--as", "alice", "import", "-", in: target, stdin: first, expect: 65)
        XCTAssertTrue(again.stderr.hasPrefix("<stdin>:"), again.stderr)
        XCTAssertEqual(everyFile(target), before)
    }

    func testABadImportLineNamesItsLineAndWritesNothing() throws {
        let source = TempDirectory()
        try FileManager.default.removeItem(atPath: source.path)
        XCTAssertEqual(Inbox.run(["demo", source.path], in: NSTemporaryDirectory()).status, 0)
        var lines = inbox("export", in: source).stdout.split(separator: "\n").map(String.init)
        lines[6] = lines[6].replacingOccurrences(of: "\"phones\":[", with: "\"phones\":[1,")
        let file = source.file("broken.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let target = makeRepository()
        let before = everyFile(target)
        let result = inbox("import", file, in: target, expect: 65)
        XCTAssertTrue(result.stderr.hasPrefix(file + ":7: field \"phones\""), result.stderr)
        XCTAssertEqual(everyFile(target), before, "nothing written")
        inbox("import", "-", in: target, stdin: "{\"type\":\"spaceship\"}\n", expect: 65)
        inbox("import", "-", in: target, stdin: "{\"type\":\"contact\"", expect: 65)
        XCTAssertEqual(everyFile(target), before)
    }

    func testCSVHasOneRowPerConversationWithTimings() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Smith, Jane", "--email", "jane@example.com", "--tag", "vip", "--tag", "tax", in: repo)
        // A subject with a comma and quotes reaches the row, so the quoting is what is checked.
        inbox("conversation", "create", "--contact", "ct1", "--channel", "email", "--subject", "Tax return, \"2025\"", in: repo,
              environment: Inbox.baseEnvironment(now: "2026-11-21T08:00:00Z"))
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Hello", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-21T09:00:00Z"))
        inbox("message", "send", "cv1", "Hi", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-21T09:10:00Z"))
        inbox("conversation", "close", "cv1", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-21T10:00:00Z"))
        let csv = inbox("export", "--format", "csv", in: repo).stdout
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1], "cv1,ct1,Jane Smith,email,\"Tax return, \"\"2025\"\"\",closed,,2026-11-21T08:00:00Z,2026-11-21T09:00:00Z,2026-11-21T09:10:00Z,600,2026-11-21T10:00:00Z,3600,2,vip;tax")
    }
}
