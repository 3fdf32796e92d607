import Foundation
import XCTest

/// Times outside 1970–9999 UTC (issue 10, item 7): the stored form has four-digit years, so a
/// time typed for any option, or for the clock, is refused at the edge (exit 64) before anything
/// is written, and a stored one is bad data (`PATH:LINE: reason`, exit 65), never a crash.
final class TimeRangeTests: XCTestCase {
    /// A repository with a contact, a conversation, a scheduled message ms1 and a task tk1.
    func makeWorkedRepository() -> TempDirectory {
        let repo = makeRepository()
        inbox("user", "add", "tester", "--role", "admin", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        inbox("message", "schedule", "cv1", "Later", "--at", "+1d", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "Send the W-2", in: repo)
        return repo
    }

    @discardableResult
    func inbox(_ arguments: [String], in dir: TempDirectory, file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = Inbox.run(arguments, in: dir.path)
        XCTAssertEqual(result.status, 0, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    func snapshot(_ repo: TempDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox")) {
            if let data = readBytes(repo.file(".inbox/" + path)) { files[path] = data }
        }
        return files
    }

    /// Every option that takes a TIME, with the time put in its place.
    static func commands(_ time: String) -> [[String]] {
        [["message", "schedule", "cv1", "Hello", "--at", time],
         ["message", "send", "cv1", "Hello", "--at", time],
         ["message", "edit", "ms1", "--at", time],
         ["message", "receive", "--contact", "ct1", "--channel", "sms", "Hi", "--at", time],
         ["message", "seen", "ms1", "--by", "ct1", "--at", time],
         ["task", "create", "--contact", "ct1", "--kind", "document-request", "More", "--due", time],
         ["task", "update", "tk1", "--due", time],
         ["log", "add", "--contact", "ct1", "--kind", "call", "Talked", "--at", time],
         ["log", "list", "--since", time], ["log", "list", "--until", time],
         ["conversation", "list", "--since", time], ["conversation", "list", "--until", time],
         ["message", "list", "--since", time], ["message", "list", "--until", time],
         ["report", "--since", time], ["report", "--until", time],
         ["export", "--since", time], ["export", "--until", time],
         ["date", time],
         ["--now", time, "contact", "add", "Grace Hopper"]]
    }

    func testATimeOutsideTheYearsARepositoryHoldsIsRefusedByEveryTimeOption() throws {
        let repo = makeWorkedRepository()
        let before = try snapshot(repo)
        // Year 10000 once in UTC; year 0 (stored as "00-1-12-31…" before); 1969; +99999w from 2026 is fine,
        // so the relative form is tried from a clock near the end.
        for time in ["9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00+01:00", "1969-12-31T23:59:59Z", "10000-01-01"] {
            for command in Self.commands(time) {
                let result = Inbox.run(command, in: repo.path)
                XCTAssertEqual(result.status, 64, "inbox \(command.joined(separator: " ")): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(time), "the message names what was typed: \(result.stderr)")
            }
        }
        var late = Inbox.baseEnvironment(now: "9999-12-31T12:00:00Z")
        for time in ["+12h", "+1d", "+99999w", "tomorrow 9:00"] {
            for command in Self.commands(time).dropLast() {
                let result = Inbox.run(command, in: repo.path, environment: late)
                XCTAssertEqual(result.status, 64, "INBOX_NOW=9999-12-31T12:00Z inbox \(command.joined(separator: " ")): \(result.stderr)")
            }
        }
        XCTAssertEqual(try snapshot(repo), before, "nothing was written")
        for now in ["10000-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00", "1969-07-20T20:17:00Z"] {
            late["INBOX_NOW"] = now
            let result = Inbox.run(["contact", "list"], in: repo.path, environment: late)
            XCTAssertEqual(result.status, 64, "INBOX_NOW=\(now): \(result.stderr)")
        }
        inbox("fsck", in: repo)
        // The same commands with a time in range are valid, so the refusals above were about the time.
        let fresh = makeWorkedRepository()
        for command in Self.commands("2026-11-21T11:00:00Z") { inbox(command, in: fresh) }
    }

    func testTheFirstAndLastSecondsAreAcceptedAndReadBack() throws {
        let repo = makeWorkedRepository()
        inbox("message", "schedule", "cv1", "Far away", "--at", "9999-12-31T23:59:59Z", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Old", "--at", "1970-01-01T00:00:00Z", in: repo)
        let late = Inbox.baseEnvironment(now: "9999-12-31T23:00:00Z")
        inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "Last", "--due", "+59m", in: repo, environment: late)
        let listed = inbox("--json", "message", "list", "--scheduled", in: repo).jsonLines()
        XCTAssertEqual(listed.compactMap { $0["scheduled_at"] as? String }.sorted(), ["2026-11-22T10:00:00Z", "9999-12-31T23:59:59Z"])
        inbox("message", "flush", in: repo)
        inbox("fsck", in: repo)
    }

    func testAStoredTimeOutsideTheRangeIsBadDataWithPathAndLine() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "add", "Grace Hopper", in: repo)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        let lines = String(decoding: readBytes(shard)!, as: UTF8.self).split(separator: "\n").map(String.init)
        for stored in ["1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z"] {
            let text = lines[0] + "\n" + lines[1].replacingOccurrences(of: "\"created_at\":\"2026-11-21T10:00:00Z\"", with: "\"created_at\":\"\(stored)\"") + "\n"
            XCTAssertTrue(text.contains(stored))
            try Data(text.utf8).write(to: URL(fileURLWithPath: shard))
            for command in [["contact", "list"], ["contact", "add", "Alan Turing"], ["fsck"]] {
                let result = Inbox.run(command, in: repo.path)
                let said = result.stdout + result.stderr  // fsck lists problems on stdout
                XCTAssertEqual(result.status, 65, "\(stored): inbox \(command.joined(separator: " ")): \(said)")
                XCTAssertTrue(said.contains(shard + ":2: "), said)
                XCTAssertTrue(said.contains("1970 to 9999"), said)
            }
        }
    }
}
