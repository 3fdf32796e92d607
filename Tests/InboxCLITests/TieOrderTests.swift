import Foundation
import XCTest

/// Two messages in the same second (issue 10, item 12): the summary the write path keeps and
/// the one fsck derives order them the same way, by time and then id, so fsck stays quiet.
final class TieOrderTests: XCTestCase {
    func testAScheduledSendFlushedInTheSecondOfAnInboundMessageKeepsFsckClean() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        // The clock is fixed: ms1 is due at 10:01, ms2 arrives at 10:01, and the flush sends ms1 at 10:01.
        inbox("message", "schedule", "cv1", "Your reminder", "--at", "+1m", in: repo)
        let later = Inbox.baseEnvironment(now: "2026-11-21T10:01:00Z")
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "A question", in: repo, environment: later)
        inbox("message", "flush", in: repo, environment: later)

        let fsck = Inbox.run(["fsck"], in: repo.path)
        XCTAssertEqual(fsck.status, 0, fsck.stdout + fsck.stderr)
        XCTAssertFalse(fsck.stdout.contains("preview differs"), fsck.stdout)
        // Both in the same second: ms1 then ms2 by id, so ms2 is last, in the thread and the listing.
        let thread = inbox("--json", "message", "list", "--conversation", "cv1", in: repo).jsonLines()
        XCTAssertEqual(thread.compactMap { $0["id"] as? String }, ["ms1", "ms2"])
        let listed = inbox("--json", "conversation", "list", "--status", "all", in: repo).jsonLines()
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual(listed.first?["preview"] as? String, "A question")
        XCTAssertEqual(listed.first?["last_direction"] as? String, "in")
    }

    func testMessagesSentAndReceivedInOneSecondShowTheLastOne() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "First", in: repo)
        inbox("message", "send", "cv1", "Second", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Third", "--at", "2026-11-21T10:00:00Z", in: repo)
        inbox("fsck", in: repo)
        let listed = inbox("--json", "conversation", "list", "--status", "all", in: repo).jsonLines()
        XCTAssertEqual(listed.first?["preview"] as? String, "Third")
    }
}
