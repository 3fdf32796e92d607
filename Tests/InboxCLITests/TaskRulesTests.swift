import Foundation
import XCTest

/// Client tasks as a firm follows them up (issue 11, item 12).
final class TaskRulesTests: XCTestCase {
    func testAnsweredAndDoneTasksAreNotOverdue() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Filing status?", "--due", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "Please upload your W-2", "--due", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "notice", "Office closed Friday", "--due", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "document", "Engagement letter", "--due", "+1d", in: repo)
        inbox("task", "update", "tk1", "--answer", "Married filing jointly", in: repo)
        inbox("task", "update", "tk3", "--state", "done", in: repo)
        inbox("task", "update", "tk4", "--state", "read", in: repo)
        let later = Inbox.baseEnvironment(now: "2026-11-25T10:00:00Z")
        // Only what still waits on the client is overdue: tk2 (outstanding) and tk4 (read).
        XCTAssertEqual(inbox("task", "list", "--overdue", "-q", in: repo, environment: later).lines, ["tk2", "tk4"])
        let rows = inbox("task", "list", in: repo, environment: later).lines
        let answered = rows.first { $0.hasPrefix("tk1 ") } ?? "(no row for tk1)"
        XCTAssertFalse(answered.contains("overdue"), answered)
        XCTAssertTrue(answered.contains("answered"), answered)
        let waiting = rows.first { $0.hasPrefix("tk2 ") } ?? "(no row for tk2)"
        XCTAssertTrue(waiting.contains("(overdue)"), waiting)
        let shown = inbox("task", "show", "tk1", in: repo, environment: later).stdout
        XCTAssertTrue(shown.contains("Due:"), shown)
        XCTAssertFalse(shown.contains("overdue"), shown)
    }

    func testAPastDueTimeIsTakenWithAWarning() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        let created = inbox("task", "create", "--contact", "ct1", "--kind", "question", "Filing status?", "--due", "2025-11-01T09:00", in: repo)
        XCTAssertTrue(created.stderr.contains("warning: the due time 2025-11-01 09:00"), created.stderr)
        XCTAssertTrue(created.stderr.contains("already past"), created.stderr)
        XCTAssertEqual(inbox("task", "list", "--overdue", "-q", in: repo).lines, ["tk1"], "taken as given")
        // -q keeps warnings: they are problems, not chatter.
        let quiet = inbox("-q", "task", "update", "tk1", "--due", "2026-11-19T09:00", in: repo)
        XCTAssertEqual(quiet.stdout, "tk1\n")
        XCTAssertTrue(quiet.stderr.contains("warning: the due time"), quiet.stderr)
        // A future due time, or an update that leaves the due time alone, says nothing.
        XCTAssertEqual(inbox("task", "update", "tk1", "--due", "+3d", in: repo).stderr, "")
        XCTAssertEqual(inbox("task", "update", "tk1", "--state", "read", in: repo).stderr, "")
    }

    func testTaskListShowsContactNames() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "add", "Charles Babbage", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "question", "Filing status?", "--due", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "notice", "Office closed Friday", in: repo)
        let rows = inbox("task", "list", in: repo).lines
        XCTAssertEqual(rows.count, 3, rows.joined(separator: "\n"))
        XCTAssertTrue(rows[1].hasPrefix("tk1  Charles Babbage  question"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix("tk2  Ada Lovelace"), rows[2])
        XCTAssertEqual(inbox("--json", "task", "list", in: repo).jsonLines().map { $0["contact"] as? String }, ["ct2", "ct1"], "--json keeps ids")
    }
}
