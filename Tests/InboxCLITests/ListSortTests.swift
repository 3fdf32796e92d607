import Foundation
import XCTest

/// `--sort` on the contact, task and log lists, and `--since`/`--until`/`--limit` on the
/// timeline (issue 12 item 10). A sort applies before --limit.
final class ListSortTests: XCTestCase {
    func at(_ now: String) -> [String: String] { Inbox.baseEnvironment(now: now) }

    func ids(_ arguments: String..., in repo: TempDirectory, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        inbox(["-q"] + arguments, in: repo, file: file, line: line).lines
    }

    @discardableResult
    func inbox(_ arguments: [String], in repo: TempDirectory, environment: [String: String] = Inbox.baseEnvironment(),
               expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = Inbox.run(arguments, in: repo.path, environment: environment)
        XCTAssertEqual(result.status, status, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    func testContactsSortByNameCreatedOrUpdated() {
        let repo = makeRepository()
        inbox(["contact", "add", "Zed Adams"], in: repo, environment: at("2026-11-01T09:00:00Z"))
        inbox(["contact", "add", "amy young"], in: repo, environment: at("2026-11-02T09:00:00Z"))
        inbox(["contact", "add", "Bob Miller"], in: repo, environment: at("2026-11-03T09:00:00Z"))
        inbox(["contact", "edit", "ct1", "--company", "Adams & Co"], in: repo, environment: at("2026-11-04T09:00:00Z"))
        XCTAssertEqual(ids("contact", "list", in: repo), ["ct3", "ct2", "ct1"])
        XCTAssertEqual(ids("contact", "list", "--sort", "created", in: repo), ["ct3", "ct2", "ct1"])
        XCTAssertEqual(ids("contact", "list", "--sort", "name", in: repo), ["ct1", "ct3", "ct2"])
        XCTAssertEqual(ids("contact", "list", "--sort", "updated", in: repo), ["ct1", "ct3", "ct2"])
        // The sort comes first, then the limit.
        XCTAssertEqual(ids("contact", "list", "--sort", "name", "-n", "2", in: repo), ["ct1", "ct3"])
        let bad = inbox(["contact", "list", "--sort", "age"], in: repo, expect: 64)
        XCTAssertTrue(bad.stderr.contains("--sort must be created, name or updated, not 'age'"), bad.stderr)
        let paged = inbox(["contact", "list", "--sort", "name", "--after", "ct2"], in: repo, expect: 64)
        XCTAssertTrue(paged.stderr.contains("--after"), paged.stderr)
    }

    func testTasksSortByDueCreatedOrUpdated() {
        let repo = makeRepository()
        inbox(["contact", "add", "Ada Lovelace"], in: repo)
        inbox(["task", "create", "--contact", "ct1", "--kind", "question", "Later", "--due", "+3d"], in: repo, environment: at("2026-11-01T09:00:00Z"))
        inbox(["task", "create", "--contact", "ct1", "--kind", "question", "Sooner", "--due", "+1d"], in: repo, environment: at("2026-11-02T09:00:00Z"))
        inbox(["task", "create", "--contact", "ct1", "--kind", "question", "Whenever"], in: repo, environment: at("2026-11-03T09:00:00Z"))
        inbox(["task", "update", "tk1", "--state", "read"], in: repo, environment: at("2026-11-04T09:00:00Z"))
        XCTAssertEqual(ids("task", "list", in: repo), ["tk2", "tk1", "tk3"])
        XCTAssertEqual(ids("task", "list", "--sort", "due", in: repo), ["tk2", "tk1", "tk3"])
        XCTAssertEqual(ids("task", "list", "--sort", "created", in: repo), ["tk3", "tk2", "tk1"])
        XCTAssertEqual(ids("task", "list", "--sort", "updated", in: repo), ["tk1", "tk3", "tk2"])
        XCTAssertEqual(ids("task", "list", "--sort", "created", "-n", "1", in: repo), ["tk3"])
        inbox(["task", "list", "--sort", "name"], in: repo, expect: 64)
    }

    func testLogSortsByWhenItHappenedOrWhenItWasLogged() {
        let repo = makeRepository()
        inbox(["contact", "add", "Ada Lovelace"], in: repo)
        inbox(["log", "add", "--contact", "ct1", "--kind", "call", "Today's call"], in: repo, environment: at("2026-11-20T09:00:00Z"))
        inbox(["log", "add", "--contact", "ct1", "--kind", "meeting", "Last week's meeting", "--at", "-7d"], in: repo, environment: at("2026-11-21T09:00:00Z"))
        XCTAssertEqual(ids("log", "list", in: repo), ["lg1", "lg2"])
        XCTAssertEqual(ids("log", "list", "--sort", "at", in: repo), ["lg1", "lg2"])
        XCTAssertEqual(ids("log", "list", "--sort", "created", in: repo), ["lg2", "lg1"])
        XCTAssertEqual(ids("log", "list", "--sort", "created", "-n", "1", in: repo), ["lg2"])
    }

    func testTimelineTakesSinceUntilAndLimit() {
        let repo = makeRepository()
        inbox(["contact", "add", "Ada Lovelace", "--email", "ada@example.com"], in: repo)
        for (day, text) in [("01", "First"), ("10", "Second"), ("20", "Third")] {
            inbox(["message", "receive", "--contact", "ct1", "--channel", "email", text], in: repo, environment: at("2026-11-\(day)T09:00:00Z"))
        }
        XCTAssertEqual(ids("timeline", "ct1", in: repo), ["ms1", "ms2", "ms3"])
        XCTAssertEqual(ids("timeline", "ct1", "--since", "-14d", in: repo), ["ms2", "ms3"])
        XCTAssertEqual(ids("timeline", "ct1", "--until", "2026-11-15", in: repo), ["ms1", "ms2"])
        XCTAssertEqual(ids("timeline", "ct1", "--limit", "2", in: repo), ["ms2", "ms3"])
        XCTAssertEqual(ids("timeline", "ct1", "--since", "2026-11-05", "-n", "1", in: repo), ["ms3"])
        let text = inbox(["timeline", "ct1", "-n", "1"], in: repo).stdout
        XCTAssertTrue(text.contains("Third") && !text.contains("Second"), text)
        inbox(["timeline", "ct1", "--since", "-7x"], in: repo, expect: 64)
    }
}
