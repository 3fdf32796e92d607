import Foundation
import XCTest

/// Inbound attachments and subjects (issue 12 item 5): `message receive --attach FILE…` stores
/// files by content as a send does; `--subject` names the email thread a message goes to, or
/// starts one, and shows in `conversation open` and its JSON.
final class InboundAttachmentTests: XCTestCase {
    func testAReceivedW2IsStoredByContentAndShownInTheThread() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", in: repo)
        try Data("%PDF-1.4 W-2 2026".utf8).write(to: URL(fileURLWithPath: repo.file("w2.pdf")))
        try Data("jpeg bytes".utf8).write(to: URL(fileURLWithPath: repo.file("scan.jpg")))
        let received = inbox("--json", "message", "receive", "--contact", "ct1", "--channel", "email", "Here is my W-2",
                             "--attach", "w2.pdf", "--attach", "scan.jpg", in: repo).jsonLines().first ?? [:]
        let attachments = received["attachments"] as? [[String: Any]] ?? []
        XCTAssertEqual(attachments.map { $0["name"] as? String }, ["w2.pdf", "scan.jpg"])
        XCTAssertEqual(attachments.map { $0["kind"] as? String }, ["document", "image"])
        let sha = attachments.first?["sha256"] as? String ?? ""
        XCTAssertEqual(attachments.first?["path"] as? String, "attachments/" + sha.prefix(2) + "/" + sha)
        XCTAssertEqual(readBytes(repo.file(".inbox/attachments/" + sha.prefix(2) + "/" + sha)), Data("%PDF-1.4 W-2 2026".utf8))

        // A file alone is a message; the same file twice is stored once.
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "--attach", "w2.pdf", in: repo)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox/attachments")).filter { $0.count > 3 }
        XCTAssertEqual(stored.count, 2, "\(stored)")
        let open = inbox("conversation", "open", "cv1", in: repo).stdout
        XCTAssertTrue(open.contains("[document] w2.pdf (17 bytes)") && open.contains("[image] scan.jpg"), open)
        XCTAssertEqual(inbox("-q", "message", "list", "--search", "w2", in: repo).lines, ["ms1", "ms2"], "found by the file's name")
        inbox("fsck", in: repo)
    }

    func testAnAttachmentIsRefusedAsASendRefusesItAndNothingIsWritten() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        let before = everyFile(repo)
        let missing = inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Hi", "--attach", "nope.pdf", in: repo, expect: 66)
        XCTAssertTrue(missing.stderr.contains("no file '" + repo.file("nope.pdf") + "' to attach"), missing.stderr)
        let big = repo.file("big.pdf")
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 100 * 1024 * 1024 + 1)
        try handle.close()
        let tooBig = inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Hi", "--attach", "big.pdf", in: repo, expect: 64)
        XCTAssertTrue(tooBig.stderr.contains("big.pdf is larger than 100 MiB"), tooBig.stderr)
        let empty = inbox("message", "receive", "--contact", "ct1", "--channel", "email", in: repo, expect: 64)
        XCTAssertTrue(empty.stderr.contains("missing message TEXT"), empty.stderr)
        XCTAssertEqual(everyFile(repo), before, "nothing written")
    }

    func testAnEmailSubjectNamesItsThread() {
        let repo = makeRepository()
        let first = inbox("message", "receive", "--from", "client@example.com", "--channel", "email", "--subject", "Your W-2", "Here it is", in: repo)
        XCTAssertTrue(first.stderr.contains("New thread cv1: Your W-2"), first.stderr)
        // A reply to the subject joins its thread, whatever its case and prefixes.
        inbox("message", "receive", "--from", "client@example.com", "--channel", "email", "--subject", "RE: Fwd: your w-2", "And the 1099", in: repo)
        // Another subject starts another thread, though cv1 is open.
        inbox("message", "receive", "--from", "client@example.com", "--channel", "email", "--subject", "Invoice 42", "Paid", in: repo)
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv1", in: repo).lines, ["ms1", "ms2"])
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv2", in: repo).lines, ["ms3"])
        let json = inbox("--json", "conversation", "list", in: repo).jsonLines()
        XCTAssertEqual(json.map { $0["subject"] as? String }, ["Invoice 42", "Your W-2"])
        XCTAssertTrue(inbox("conversation", "open", "cv1", in: repo).stdout.contains("— Your W-2"))
        // A closed thread of that subject is reopened, not duplicated.
        inbox("conversation", "close", "cv1", in: repo)
        let again = inbox("message", "receive", "--from", "client@example.com", "--channel", "email", "--subject", "Re: Your W-2", "One more", in: repo)
        XCTAssertTrue(again.stderr.contains("Reopened cv1"), again.stderr)
        let other = inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "--subject", "Hi", "Hello", in: repo, expect: 64)
        XCTAssertTrue(other.stderr.contains("--subject is for email"), other.stderr)
        inbox("fsck", in: repo)
    }
}
