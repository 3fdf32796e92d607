import Foundation
import XCTest

/// Past and compound times (issue 12 item 9): -7d, yesterday, yesterday 17:00, 1h30m, +1h30m,
/// accepted wherever a time is, `--since -7d` on the listings, several expressions for `date`.
final class PastTimeTests: XCTestCase {
    func resolved(_ words: [String], now: String = "2026-11-21T10:00:00Z", tz: String = "UTC",
                  file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let repo = TempDirectory()
        var env = Inbox.baseEnvironment(now: now)
        env["TZ"] = tz
        let result = Inbox.run(["--json", "date"] + words, in: repo.path, environment: env)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result.jsonLines(file: file, line: line).compactMap { $0["at"] as? String }
    }

    func testPastCompoundAndDayForms() {
        XCTAssertEqual(resolved(["-7d", "yesterday", "yesterday 17:00", "1h30m", "+1h30m", "-1h30m", "today"]),
                       ["2026-11-14T10:00:00Z", "2026-11-20T00:00:00Z", "2026-11-20T17:00:00Z", "2026-11-21T11:30:00Z",
                        "2026-11-21T11:30:00Z", "2026-11-21T08:30:00Z", "2026-11-21T00:00:00Z"])
        // Unquoted day and clock words stay together; a quoted expression is the same.
        XCTAssertEqual(resolved(["tomorrow", "9:00", "-1w", "2026-11-01", "08:15"]),
                       ["2026-11-22T09:00:00Z", "2026-11-14T10:00:00Z", "2026-11-01T08:15:00Z"])
        XCTAssertEqual(resolved(["-1d12h", "+2w3d"]), ["2026-11-19T22:00:00Z", "2026-12-08T10:00:00Z"])
    }

    /// -1d is a calendar day: noon the day before, even across the spring-forward change.
    func testPastDaysAreCalendarDaysAcrossDaylightSaving() {
        XCTAssertEqual(resolved(["-1d", "-24h"], now: "2026-03-08T16:00:00Z", tz: "America/New_York"),
                       ["2026-03-07T17:00:00Z", "2026-03-07T16:00:00Z"])
    }

    func testUnclearAndOutOfRangeTimesAreRefused() {
        let repo = TempDirectory()
        for words in [["-7x"], ["1h90"], ["30m1h"], ["-"], ["yesterday", "25:00"], ["-99999w"]] {
            let result = Inbox.run(["date"] + words, in: repo.path)
            XCTAssertEqual(result.status, 64, "\(words): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("unclear time"), "\(words): \(result.stderr)")
        }
        let early = Inbox.run(["date", "-2d"], in: repo.path, environment: Inbox.baseEnvironment(now: "1970-01-02T00:00:00Z"))
        XCTAssertEqual(early.status, 64, early.stdout)
        XCTAssertTrue(early.stderr.contains("1970 to 9999"), early.stderr)
        // Text that starts with '-' but is no time is still refused as an option.
        XCTAssertEqual(Inbox.run(["date", "-5%"], in: repo.path).status, 64)
    }

    func testListingsTakeSinceInThePast() {
        let repo = makeRepository()
        let old = Inbox.baseEnvironment(now: "2026-11-01T10:00:00Z")
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo, environment: old)
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: repo, environment: old)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Old news", in: repo, environment: old)
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "Old call", in: repo, environment: old)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "Fresh", in: repo,
              environment: Inbox.baseEnvironment(now: "2026-11-20T18:00:00Z"))
        inbox("log", "add", "--contact", "ct2", "--kind", "call", "Fresh call", in: repo,
              environment: Inbox.baseEnvironment(now: "2026-11-20T18:00:00Z"))
        for since in ["-7d", "yesterday", "--since=-7d"] {
            let args = since.hasPrefix("--") ? [since] : ["--since", since]
            XCTAssertEqual(inbox(["-q", "conversation", "list"] + args, in: repo).lines, ["cv2"], since)
            XCTAssertEqual(inbox(["-q", "log", "list"] + args, in: repo).lines, ["lg2"], since)
            XCTAssertEqual(inbox(["--json", "report"] + args, in: repo).jsonLines().first?["conversations"] as? Int, 1, since)
        }
        XCTAssertEqual(inbox(["-q", "conversation", "list", "--since", "-30d"], in: repo).lines.count, 2)
    }

    @discardableResult
    func inbox(_ arguments: [String], in repo: TempDirectory, environment: [String: String] = Inbox.baseEnvironment(),
               file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = Inbox.run(arguments, in: repo.path, environment: environment)
        XCTAssertEqual(result.status, 0, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }
}
