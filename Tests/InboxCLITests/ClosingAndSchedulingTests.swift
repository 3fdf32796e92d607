import Foundation
import XCTest

/// Issue 11: one rule for sends into a closed conversation, bulk closing that goes on past a
/// refusal, overdue scheduled sends, and what a thread and a timeline show.
final class ClosingAndSchedulingTests: XCTestCase {
    func firm(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let repo = makeRepository(file: file, line: line)
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo, file: file, line: line)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo, file: file, line: line)
        inbox("contact", "add", "Grace Hopper", "--phone", "+1 555 0101", in: repo, file: file, line: line)
        return repo
    }

    func at(_ time: String) -> [String: String] { Inbox.baseEnvironment(now: time) }

    func messages(_ id: String, _ repo: TempDirectory) -> [[String: Any]] {
        (inbox("--json", "conversation", "show", id, in: repo).jsonLines().first?["messages"] as? [[String: Any]]) ?? []
    }

    func state(_ id: String, _ repo: TempDirectory) -> String? {
        inbox("--json", "message", "show", id, in: repo).jsonLines().first?["state"] as? String
    }

    // Item 4: closing lists pending sends, --cancel-scheduled cancels them; a flush sends what was
    // scheduled and reopens nothing; send and schedule into a closed conversation are refused.
    func testClosingListsOrCancelsScheduledSendsAndAFlushReopensNothing() {
        let repo = firm()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Can you remind me Friday?", in: repo, environment: at("2026-11-21T09:00:00Z"))
        inbox("message", "schedule", "cv1", "Reminder: documents due today", "--at", "2026-11-27T09:00:00Z", in: repo, environment: at("2026-11-21T09:05:00Z"))
        let closed = inbox("conversation", "close", "cv1", in: repo, environment: at("2026-11-21T09:10:00Z"))
        XCTAssertTrue(closed.stderr.contains("cv1 still has 1 scheduled message"), closed.stderr)
        XCTAssertTrue(closed.stderr.contains("ms2"), closed.stderr)
        XCTAssertTrue(closed.stderr.contains("--cancel-scheduled"), closed.stderr)

        let refusedSend = inbox("message", "send", "cv1", "One more thing", in: repo, expect: 1, environment: at("2026-11-21T09:11:00Z"))
        XCTAssertTrue(refusedSend.stderr.contains("closed"), refusedSend.stderr)
        inbox("message", "schedule", "cv1", "Another reminder", "--at", "2026-11-28T09:00:00Z", in: repo, expect: 1, environment: at("2026-11-21T09:12:00Z"))

        let flushed = inbox("message", "flush", in: repo, environment: at("2026-11-27T09:01:00Z"))
        XCTAssertEqual(state("ms2", repo), "sent", flushed.stderr)
        let cv1 = inbox("--json", "conversation", "show", "cv1", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(cv1["status"] as? String, "closed", "the flush reopens nothing")

        // Closing with --cancel-scheduled: the pending send is cancelled, and nothing goes out.
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Hi", in: repo, environment: at("2026-11-21T10:00:00Z"))
        inbox("message", "schedule", "cv2", "Follow-up", "--at", "2026-11-27T10:00:00Z", in: repo, environment: at("2026-11-21T10:05:00Z"))
        let cancelled = inbox("conversation", "close", "cv2", "--cancel-scheduled", in: repo, environment: at("2026-11-21T10:10:00Z"))
        XCTAssertTrue(cancelled.stderr.contains("cancelled 1 scheduled message"), cancelled.stderr)
        XCTAssertEqual(state("ms4", repo), "cancelled")
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines, [])
        inbox("message", "flush", in: repo, environment: at("2026-11-27T10:01:00Z"))
        XCTAssertEqual(state("ms4", repo), "cancelled")
        XCTAssertTrue(inbox("conversation", "close", "--help", in: repo).stdout.contains("without reopening"))
        inbox("fsck", in: repo)
    }

    // Item 10, for close: all or nothing by default; --keep-going skips and reports, exit 1.
    func testBulkCloseIsAllOrNothingUnlessKeepGoing() {
        let repo = firm()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "One", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Two", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Three", in: repo, expect: 0)
        inbox("conversation", "close", "cv2", in: repo)

        let strict = inbox("conversation", "close", "-", in: repo, stdin: "cv1\ncv2\ncv3\n", expect: 1)
        XCTAssertTrue(strict.stderr.contains("cv2"), strict.stderr)
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines.sorted(), ["cv1", "cv3"], "nothing closed")

        let going = inbox("conversation", "close", "-", "--keep-going", in: repo, stdin: "cv1\ncv2\ncv99\ncv3\n", expect: 1)
        XCTAssertTrue(going.stderr.contains("skipped cv2: cv2 is already closed"), going.stderr)
        XCTAssertTrue(going.stderr.contains("skipped cv99"), going.stderr)
        XCTAssertTrue(going.stderr.contains("2 of 4 conversations skipped"), going.stderr)
        XCTAssertEqual(going.stdout.split(separator: "\n").map(String.init), ["Closed cv1", "Closed cv3"])
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines, [], "the rest were closed")
        XCTAssertEqual(inbox("conversation", "list", "--status", "closed", "-q", in: repo).lines.sorted(), ["cv1", "cv2", "cv3"])

        // Nothing skipped: exit 0.
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Back", in: repo)
        inbox("conversation", "close", "cv1", "--keep-going", in: repo)

        // A closing message refused by do-not-contact skips that conversation and leaves no trace
        // of it: no message, no message id used up.
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Again", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Me too", in: repo)
        inbox("contact", "dnd", "ct2", "--on", "sms", in: repo)
        let refused = inbox("conversation", "close", "cv1", "cv2", "--message", "Bye", "--keep-going", in: repo, expect: 1)
        XCTAssertTrue(refused.stderr.contains("skipped cv2: ct2 Grace Hopper has do-not-contact on sms"), refused.stderr)
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines, ["cv2"])
        let ids = inbox("message", "list", "-q", in: repo).lines
        XCTAssertEqual(ids.last, "ms\(ids.count)", "message ids stay contiguous: \(ids)")
        XCTAssertEqual(inbox("message", "send", "cv1", "--note", "after", "-q", in: repo).lines, ["ms\(ids.count + 1)"])
        inbox("fsck", in: repo)
    }

    // Item 11: a scheduled send whose time has passed (cron not running) is flagged.
    func testOverdueScheduledSendsAreFlaggedInTheListAndTheThread() {
        let repo = firm()
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo, environment: at("2026-11-21T09:00:00Z"))
        inbox("message", "schedule", "cv1", "Reminder", "--at", "2026-11-21T12:00:00Z", in: repo, environment: at("2026-11-21T09:00:00Z"))
        inbox("message", "schedule", "cv1", "Later", "--at", "2026-11-25T12:00:00Z", in: repo, environment: at("2026-11-21T09:00:00Z"))

        let early = inbox("message", "list", "--scheduled", in: repo, environment: at("2026-11-21T11:00:00Z"))
        XCTAssertFalse(early.stdout.contains("OVERDUE"), early.stdout)
        XCTAssertEqual(early.stderr, "")

        let late = inbox("message", "list", "--scheduled", in: repo, environment: at("2026-11-21T14:00:00Z"))
        let overdueRow = late.stdout.split(separator: "\n").first { $0.contains("ms1") } ?? ""
        XCTAssertTrue(overdueRow.contains("OVERDUE"), late.stdout)
        XCTAssertFalse((late.stdout.split(separator: "\n").first { $0.contains("ms2") } ?? "OVERDUE").contains("OVERDUE"), late.stdout)
        XCTAssertTrue(late.stderr.contains("overdue (ms1)"), late.stderr)
        XCTAssertTrue(late.stderr.contains("message flush"), late.stderr)
        let json = inbox("--json", "message", "list", "--scheduled", in: repo, environment: at("2026-11-21T14:00:00Z")).jsonLines()
        XCTAssertEqual(json.map { $0["overdue"] as? Bool }, [true, false])

        let opened = inbox("conversation", "open", "cv1", in: repo, environment: at("2026-11-21T14:00:00Z"))
        let line = opened.stdout.split(separator: "\n").first { $0.contains("ms1") } ?? ""
        XCTAssertTrue(line.contains("OVERDUE"), opened.stdout)
        XCTAssertTrue(opened.stderr.contains("ms1 overdue"), opened.stderr)
        XCTAssertTrue(inbox("message", "show", "ms1", in: repo, environment: at("2026-11-21T14:00:00Z")).stdout.contains("OVERDUE"))
        XCTAssertFalse(inbox("message", "show", "ms1", in: repo, environment: at("2026-11-21T11:00:00Z")).stdout.contains("OVERDUE"))

        // Once a flush has run, nothing is overdue.
        inbox("message", "flush", in: repo, environment: at("2026-11-21T14:01:00Z"))
        let after = inbox("message", "list", "--scheduled", in: repo, environment: at("2026-11-21T14:02:00Z"))
        XCTAssertFalse(after.stdout.contains("OVERDUE"), after.stdout)
        XCTAssertEqual(after.stderr, "")
    }

    // Item 15: the closing shows in the thread; a recording shows by its file name.
    func testClosingShowsInTheThreadAndRecordingsShowByName() throws {
        let repo = firm()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Thanks!", in: repo, environment: at("2026-11-21T09:00:00Z"))
        inbox("--as", "alice", "conversation", "close", "cv1", in: repo, environment: at("2026-11-21T09:30:00Z"))
        let thread = inbox("conversation", "open", "cv1", in: repo, environment: at("2026-11-21T10:00:00Z"))
        let closing = thread.stdout.split(separator: "\n").firstIndex { $0.contains("09:30") }
        XCTAssertNotNil(closing, thread.stdout)
        XCTAssertTrue(thread.stdout.contains("Closed conversation cv1 (sms) by alice"), thread.stdout)
        let json = inbox("--json", "conversation", "show", "cv1", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual((json["closings"] as? [[String: Any]])?.map { $0["author"] as? String }, ["alice"])
        // Another conversation's thread does not show it.
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Other", in: repo, expect: 0)
        XCTAssertFalse(inbox("conversation", "show", "cv2", in: repo).stdout.contains("Closed conversation"))

        let recording = repo.file("call-2026-11-21.mp3")
        XCTAssertTrue(FileManager.default.createFile(atPath: recording, contents: Data("ID3".utf8)))
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "--direction", "out", "--recording", recording, "Walked through the return", in: repo)
        let timeline = inbox("timeline", "ct1", in: repo)
        let line = timeline.stdout.split(separator: "\n").first { $0.contains("[recording]") } ?? ""
        XCTAssertTrue(line.contains("call-2026-11-21.mp3"), timeline.stdout)
        XCTAssertFalse(line.contains("attachments/"), "no internal path: \(line)")
        XCTAssertFalse(inbox("conversation", "show", "cv1", in: repo).stdout.contains("attachments/"))

        // fsck checks the reference a closing note carries.
        inbox("fsck", in: repo)
        let notes = repo.file(".inbox/notes/0000.jsonl")
        let text = try String(contentsOfFile: notes, encoding: .utf8)
        XCTAssertTrue(text.contains(#""conversation":"cv1""#), text)
        try text.replacingOccurrences(of: #""conversation":"cv1""#, with: #""conversation":"cv99""#).write(toFile: notes, atomically: false, encoding: .utf8)
        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains("refers to conversation cv99") || fsck.stderr.contains("refers to conversation cv99"), fsck.stdout + fsck.stderr)
    }
}
