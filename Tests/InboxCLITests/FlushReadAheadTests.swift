import Foundation
import XCTest

/// A flush without a hook sends its due messages 256 at a time; while it sends one stretch,
/// another core reads the next stretch's threads and conversation shards (`ReadAhead`).
final class FlushReadAheadTests: XCTestCase {
    /// 101 clients, each with a conversation (cv101 is in the second conversation shard), and
    /// 300 due messages: cv1's 200 and 56 of cv2's in the first stretch, cv2's last 4 and
    /// cv101's 40 in the second.
    private func repositoryWithThreeHundredDue() -> TempDirectory {
        let repo = makeRepository()
        let clients = (1...101).map { "contact add 'Client \($0)' --email c\($0)@example.com\nmessage receive --contact ct\($0) --channel email 'My W-2 \($0)'\n" }
        inbox("-q", "batch", in: repo, stdin: clients.joined())
        let due = (1...200).map { "message schedule cv1 \"Reminder \($0)\" --at 2030-01-01T09:00:00Z\n" }
            + (1...60).map { "message schedule cv2 \"Note \($0)\" --at 2030-01-01T09:01:00Z\n" }
            + (1...40).map { "message schedule cv101 \"Late \($0)\" --at 2030-01-01T09:02:00Z\n" }
        inbox("-q", "batch", in: repo, stdin: due.joined())
        return repo
    }

    /// cv2's thread and shard are changed by the first stretch while the second is read ahead:
    /// the second must send into them as the first left them, not as the disk had them.
    func testAThreadAndShardTwoStretchesShareKeepEverySend() {
        let repo = repositoryWithThreeHundredDue()
        XCTAssertEqual(inbox("--now", "2030-01-01T10:00:00Z", "-q", "message", "flush", in: repo).lines.count, 300)
        for (conversation, count) in [("cv1", 200), ("cv2", 60), ("cv101", 40)] {
            XCTAssertEqual(inbox("-q", "message", "list", "--conversation", conversation, "--state", "sent", in: repo).lines.count, count, conversation)
        }
        XCTAssertEqual(inbox("-q", "message", "list", "--scheduled", in: repo).stdout, "")
        // Each conversation's summary, the activity and response indexes follow every send.
        inbox("fsck", in: repo)
    }

    /// A damaged thread that only the read-ahead would have read is still reported with its
    /// line, and nothing is written.
    func testADamagedThreadInALaterStretchStopsTheFlushAsBefore() throws {
        let repo = repositoryWithThreeHundredDue()
        let thread = repo.file(".inbox/messages/0000/cv101.jsonl")
        var lines = try String(contentsOfFile: thread, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[2] = "{\"id\":\"ms999\""
        try lines.joined(separator: "\n").write(toFile: thread, atomically: false, encoding: .utf8)
        let before = try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/messages/0000")).sorted()
        let result = inbox("--now", "2030-01-01T10:00:00Z", "message", "flush", in: repo, expect: 65)
        XCTAssertTrue(result.stderr.contains(thread + ":3:"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/messages/0000")).sorted(), before)
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv1", "--state", "sent", in: repo).stdout, "", "nothing was sent")
    }
}
