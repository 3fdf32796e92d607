import Foundation
import XCTest

final class TaskAndLogTests: XCTestCase {
    func testClientTasksMoveFromOutstandingToDone() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "add", "Grace Hopper", in: repo)
        let created = inbox("--json", "task", "create", "--contact", "ct1", "--kind", "document-request", "Please upload your W-2", "--due", "+7d", in: repo).jsonLines().first ?? [:]
        for field in ["id", "contact", "kind", "state", "text", "due", "assignee"] { XCTAssertTrue(created.keys.contains(field), "task lacks \(field)") }
        XCTAssertEqual(created["due"] as? String, "2026-11-28T10:00:00Z")
        XCTAssertEqual(created["state"] as? String, "outstanding")
        inbox("task", "create", "--contact", "ct2", "--kind", "question", "Filing status?", "--due", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "notice", "Office closed Friday", in: repo)
        XCTAssertEqual(inbox("task", "list", "-q", in: repo).lines, ["tk2", "tk1", "tk3"], "by due date, undated last")
        let later = Inbox.baseEnvironment(now: "2026-11-25T10:00:00Z")
        XCTAssertEqual(inbox("task", "list", "--overdue", "-q", in: repo, environment: later).lines, ["tk2"])
        inbox("task", "update", "tk2", "--answer", "Married filing jointly", in: repo)
        XCTAssertEqual(inbox("task", "list", "--state", "answered", "-q", in: repo).lines, ["tk2"])
        inbox("task", "update", "tk2", "--state", "done", in: repo)
        XCTAssertEqual(inbox("task", "list", "-q", in: repo).lines, ["tk1", "tk3"], "done ones are left out by default")
        XCTAssertEqual(inbox("task", "list", "--state", "all", "--contact", "ct2", "-q", in: repo).lines, ["tk2", "tk3"])
        inbox("task", "create", "--contact", "ct1", "--kind", "favour", "x", in: repo, expect: 64)
        inbox("task", "update", "tk9", "--state", "done", in: repo, expect: 66)
        inbox("fsck", in: repo)
    }

    func testCallsAreLoggedAndShowInTheConversationAndTheTimeline() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Can you call me?", in: repo,
              environment: Inbox.baseEnvironment(now: "2026-11-21T09:00:00Z"))
        let recording = repo.file("call.mp3")
        try Data("ID3 audio".utf8).write(to: URL(fileURLWithPath: recording))
        let entry = inbox("--json", "log", "add", "--contact", "ct1", "--kind", "call", "--direction", "out", "--outcome", "completed",
                          "--duration", "12m", "--recording", recording, "Walked through the return", in: repo).jsonLines().first ?? [:]
        for field in ["id", "contact", "kind", "direction", "outcome", "duration_seconds", "text", "at"] { XCTAssertTrue(entry.keys.contains(field), "log lacks \(field)") }
        XCTAssertEqual(entry["duration_seconds"] as? Int, 720)
        inbox("log", "add", "--contact", "ct1", "--kind", "meeting", "--at", "2026-11-20T15:00", "Intro meeting", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Filing status?", in: repo)
        let thread = inbox("conversation", "show", "cv1", in: repo).stdout
        XCTAssertTrue(thread.contains("call, outgoing, completed, 12m"), thread)
        let timeline = inbox("timeline", "ct1", in: repo).stdout
        let order = ["Intro meeting", "Can you call me?", "Walked through the return", "Filing status?"].map { timeline.range(of: $0)?.lowerBound }
        XCTAssertFalse(order.contains(nil), timeline)
        XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted(), "in time order")
        XCTAssertTrue(timeline.contains("── 2026-11-20 ──") && timeline.contains("── 2026-11-21 ──"), "grouped by date")
        XCTAssertEqual(inbox("log", "list", "--kind", "call", "-q", in: repo).lines, ["lg1"])
        XCTAssertEqual(inbox("log", "list", "--since", "2026-11-21T00:00Z", "-q", in: repo).lines, ["lg1"])
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "--duration", "a while", "x", in: repo, expect: 64)
        inbox("fsck", in: repo)
    }
}
