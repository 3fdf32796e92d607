import Foundation
import XCTest

/// A small inbox whose figures were worked out by hand.
final class ReportTests: XCTestCase {
    func testReportFiguresMatchAHandWorkedExample() {
        let repo = makeRepository()
        func run(_ time: String, _ args: String...) {
            var env = Inbox.baseEnvironment(now: time)
            env["INBOX_USER"] = "alice"
            let result = Inbox.run(args, in: repo.path, environment: env)
            XCTAssertEqual(result.status, 0, "\(args.joined(separator: " ")): \(result.stderr)")
        }
        run("2026-11-21T08:00:00Z", "user", "add", "alice", "--role", "admin")
        run("2026-11-21T08:00:00Z", "user", "add", "bob")
        run("2026-11-21T08:00:00Z", "config", "set", "sms.from", "+1 555 0199")
        run("2026-11-21T08:00:00Z", "config", "set", "auto_response", "We are out; back soon")
        for (name, phone) in [("Ada", "+1 555 0100"), ("Grace", "+1 555 0102"), ("Alan", "+1 555 0103"), ("Katherine", "+1 555 0104")] {
            run("2026-11-21T08:00:00Z", "contact", "add", name, "--phone", phone, "--email", "\(name.lowercased())@example.com")
        }
        // cv1: answered in 30 minutes (new goal kept); assigned; a later question answered the same day; closed.
        run("2026-11-21T09:00:00Z", "message", "receive", "--contact", "ct1", "--channel", "sms", "Q1")
        run("2026-11-21T09:30:00Z", "message", "send", "cv1", "A1")
        run("2026-11-21T09:40:00Z", "conversation", "assign", "cv1", "alice")
        run("2026-11-21T11:00:00Z", "message", "receive", "--contact", "ct1", "--channel", "sms", "Q2")
        run("2026-11-21T11:20:00Z", "message", "send", "cv1", "A2")
        run("2026-11-21T11:30:00Z", "conversation", "close", "cv1")
        // cv2: answered after 3 hours (new goal broken).
        run("2026-11-21T09:00:00Z", "message", "receive", "--contact", "ct2", "--channel", "email", "Q")
        run("2026-11-21T12:00:00Z", "message", "send", "cv2", "A")
        // cv3: arrives while away (auto-response), answered after 3 hours (missed goal kept);
        // assigned to bob; a later question answered the next morning (yours goal broken).
        run("2026-11-21T09:59:00Z", "config", "set", "availability", "off")
        run("2026-11-21T10:00:00Z", "message", "receive", "--contact", "ct3", "--channel", "sms", "Q")
        run("2026-11-21T10:01:00Z", "message", "flush")
        run("2026-11-21T10:02:00Z", "config", "set", "availability", "on")
        run("2026-11-21T13:00:00Z", "message", "send", "cv3", "A")
        run("2026-11-21T13:05:00Z", "conversation", "assign", "cv3", "bob")
        run("2026-11-21T16:00:00Z", "message", "receive", "--contact", "ct3", "--channel", "sms", "Q2")
        run("2026-11-22T09:00:00Z", "message", "send", "cv3", "A2")
        // cv4: unanswered for 4 hours at report time (new goal broken).
        run("2026-11-22T08:00:00Z", "message", "receive", "--contact", "ct4", "--channel", "sms", "Q")

        let result = inbox("--json", "report", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-22T12:00:00Z"))
        let report = result.jsonLines().first ?? [:]
        XCTAssertEqual(report["conversations"] as? Int, 4)
        let perDay = (report["per_day"] as? [[String: Any]] ?? []).map { "\($0["date"] ?? "") \($0["conversations"] ?? "")" }
        XCTAssertEqual(perDay, ["2026-11-21 3", "2026-11-22 1"])
        let first = report["first_response"] as? [String: Any] ?? [:]
        XCTAssertEqual(first["count"] as? Int, 3)
        XCTAssertEqual(first["average_seconds"] as? Int, (1800 + 10800 + 10800) / 3)
        XCTAssertEqual(first["median_seconds"] as? Int, 10800)
        let resolution = report["resolution"] as? [String: Any] ?? [:]
        XCTAssertEqual(resolution["closed"] as? Int, 1)
        XCTAssertEqual(resolution["rate"] as? Double, 0.25)
        let goals = report["goals"] as? [String: [String: Any]] ?? [:]
        XCTAssertEqual(goals["new"]?["goal_seconds"] as? Int, 7200)
        XCTAssertEqual(goals["new"]?["checked"] as? Int, 3)
        XCTAssertEqual(goals["new"]?["broken"] as? Int, 2)
        XCTAssertEqual(goals["missed"]?["goal_seconds"] as? Int, 14400)
        XCTAssertEqual(goals["missed"]?["checked"] as? Int, 1)
        XCTAssertEqual(goals["missed"]?["broken"] as? Int, 0)
        XCTAssertEqual(goals["yours"]?["end_of_day"] as? Bool, true)
        XCTAssertEqual(goals["yours"]?["checked"] as? Int, 2)
        XCTAssertEqual(goals["yours"]?["broken"] as? Int, 1)

        let bob = inbox("--json", "report", "--assignee", "bob", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(bob["conversations"] as? Int, 1)
        let day = inbox("--json", "report", "--since", "2026-11-22T00:00Z", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-22T12:00:00Z")).jsonLines().first ?? [:]
        XCTAssertEqual(day["conversations"] as? Int, 1)
        // For people: every line a sentence a manager can forward as it is (issue 11, item 13).
        XCTAssertEqual(inbox("report", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-22T12:00:00Z")).lines, [
            "4 conversations started.",
            "  2026-11-21: 3 conversations started.",
            "  2026-11-22: 1 conversation started.",
            "3 conversations got a first reply, after 2h10m on average (median 3h).",
            "1 of 4 conversations is closed (25%).",
            "New conversations answered within the goal (2h): 1 of 3 (2 were not).",
            "Missed conversations (auto-response sent) answered within the goal (4h): 1 of 1.",
            "Later replies in assigned conversations sent within the goal (the same day): 1 of 2 (1 was not).",
        ])
        XCTAssertEqual(inbox("report", "--assignee", "bob", "--since", "2026-11-21T00:00Z", in: repo).lines.first,
                       "1 conversation started from 2026-11-21 00:00, assigned to bob.")
    }

    func testAReportOnAnEmptyInboxStillReadsAsSentences() {
        let repo = makeRepository()
        XCTAssertEqual(inbox("report", in: repo).lines, [
            "0 conversations started.",
            "No conversation has had a first reply yet.",
            "None is closed.",
            "New conversations answered within the goal (2h): none yet.",
            "Missed conversations (auto-response sent) answered within the goal (4h): none yet.",
            "Later replies in assigned conversations sent within the goal (the same day): none yet.",
        ])
    }
}
