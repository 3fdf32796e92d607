import Foundation
import XCTest

/// A batch is one change: its lines take the batch's options, stay in its repository and its
/// transaction, and print nothing that was not written.
final class BatchSafetyTests: XCTestCase {
    func testGlobalOptionsGivenToBatchApplyToItsLinesUnlessTheLineGivesItsOwn() {
        let repo = makeRepository()
        let result = inbox("--now", "2020-01-02T03:04:05Z", "--json", "batch", in: repo,
                           stdin: "contact add Ada\ncontact add Bob --now 2021-06-07T08:09:10Z\n")
        let records = result.jsonLines()
        XCTAssertEqual(records.map { $0["id"] as? String }, ["ct1", "ct2"], result.stdout)
        XCTAssertEqual(records.map { $0["created_at"] as? String }, ["2020-01-02T03:04:05Z", "2021-06-07T08:09:10Z"])

        let quiet = inbox("-q", "batch", in: repo, stdin: "contact add Cy\n")
        XCTAssertEqual(quiet.stdout, "ct3\n")
    }

    func testALineNamingAnotherRepositoryIsRefused() {
        let repo = makeRepository(), other = makeRepository()
        let result = inbox("batch", in: repo, stdin: "contact add Ada\ncontact add Dee --repo \(other.path)\n", expect: 64)
        XCTAssertTrue(result.stderr.contains("<stdin>:2: --repo '\(other.path)' is not the batch's repository"), result.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "")
        XCTAssertEqual(inbox("contact", "list", "-q", in: other).stdout, "")
        // Naming the batch's own repository is fine.
        inbox("batch", in: repo, stdin: "contact add Ada --repo \(repo.path)\n")
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "ct1\n")
    }

    func testCommandsThatCannotJoinTheTransactionAreRefusedBeforeAnythingRuns() throws {
        let repo = makeRepository()
        try "".write(toFile: repo.file("empty.jsonl"), atomically: false, encoding: .utf8)
        for line in ["init", "demo", "import empty.jsonl", "fsck --repair", "message flush", "batch"] {
            let result = inbox("batch", in: repo, stdin: "contact add Ada\n\(line)\n", expect: 64)
            let name = line.split(separator: " ").prefix(line.hasPrefix("message") ? 2 : 1).joined(separator: " ")
            XCTAssertTrue(result.stderr.contains("<stdin>:2: '\(name)' cannot run inside a batch"), "\(line): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", line)
        }
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "")
        inbox("batch", in: repo, stdin: "message flush --dry-run\nfsck\n")
    }

    func testCRLFLineEndsAreLineEndsAndALoneCRIsRefused() {
        let repo = makeRepository()
        let result = inbox("batch", in: repo, stdin: "contact add Ada\r\n# a comment\r\ncontact add Grace --company 'Navy'\r\n")
        XCTAssertTrue(result.stderr.contains("2 commands, 2 done"), result.stderr)
        let companies = inbox("contact", "show", "ct2", "--json", in: repo).jsonLines().first?["company"] as? String
        XCTAssertEqual(companies, "Navy")

        let lone = inbox("batch", in: repo, stdin: "contact add Bob\ncontact add Ca\rrol\n", expect: 65)
        XCTAssertTrue(lone.stderr.contains("<stdin>:2: a carriage return inside the line"), lone.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines.sorted(), ["ct1", "ct2"])
    }

    func testOutputAppearsOnlyForLinesThatWereWritten() {
        let repo = makeRepository()
        let failing = inbox("batch", in: repo, stdin: "contact add Ada\ncontact show ct404\n", expect: 66)
        XCTAssertEqual(failing.stdout, "", "printed a record that was rolled back")
        XCTAssertTrue(failing.stderr.contains("<stdin>:2: Error: no contact 'ct404'"), failing.stderr)
        XCTAssertTrue(failing.stderr.contains("line 2 failed"), failing.stderr)

        let kept = inbox("batch", "--keep-going", in: repo, stdin: "contact add Ada\ncontact show ct404\ncontact add Grace\n", expect: 66)
        XCTAssertEqual(kept.lines.count, 2, kept.stdout)
        XCTAssertTrue(kept.lines.allSatisfy { $0.hasPrefix("Added contact ct") }, kept.stdout)
        XCTAssertTrue(kept.stdout.contains("Ada") && kept.stdout.contains("Grace"), kept.stdout)
    }

    /// A batch parses the threads its next lines send into ahead of them, on both cores; a
    /// damaged thread is still reported by the line that needs it, in its place, and with
    /// --keep-going only that line is undone.
    func testADamagedThreadIsReportedByItsOwnLineThoughThreadsAreReadAhead() throws {
        let repo = repositoryWithTwoConversations()
        let thread = repo.file(".inbox/messages/0000/cv2.jsonl")
        let damaged = try String(contentsOfFile: thread, encoding: .utf8) + "{\"id\":\"ms9\",\n"
        try damaged.write(toFile: thread, atomically: false, encoding: .utf8)
        let script = "message schedule cv1 \"Reminder: Friday\" --at 2030-01-01T09:00:00Z\nmessage send cv2 \"Thanks\"\nmessage send cv1 \"Thanks, Ada\"\n"
        let failed = inbox("batch", in: repo, stdin: script, expect: 65)
        XCTAssertTrue(failed.stderr.contains("line 2"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("cv2.jsonl:2"), failed.stderr)
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv1", in: repo).lines.count, 1, "nothing was written")
        let kept = inbox("batch", "--keep-going", in: repo, stdin: script, expect: 65)
        XCTAssertTrue(kept.stderr.contains("cv2.jsonl:2"), kept.stderr)
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv1", in: repo).lines.count, 3, "lines 1 and 3 were kept")
    }

    /// Ada's cv1 and Grace's cv2, each opened by a message from its client.
    private func repositoryWithTwoConversations() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Please find my W-2", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "Here is my 1099", in: repo)
        return repo
    }

    /// Threads of the next 256 lines are read from disk while the lines before them run; a
    /// thread those lines changed must be read as they left it, not as the disk still has it.
    func testAThreadChangedByEarlierLinesIsNotReadAheadFromDisk() {
        let repo = repositoryWithTwoConversations()
        // Line 1 adds to cv1 without naming it; cv1 is next named on line 257, past the
        // threads parsed for the first 256 lines, so it is read ahead while line 1 runs.
        let script = "message receive --contact ct1 --channel email \"And my 1098\"\n"
            + (2...600).map { "message schedule cv\($0 <= 256 ? 2 : $0 % 2 + 1) \"Reminder \($0)\" --at 2030-01-01T09:00:00Z\n" }.joined()
        let result = inbox("-q", "batch", in: repo, stdin: script)
        XCTAssertEqual(result.lines.count, 600, result.stderr)
        let first = inbox("-q", "message", "list", "--conversation", "cv1", in: repo).lines
        let second = inbox("-q", "message", "list", "--conversation", "cv2", in: repo).lines
        XCTAssertEqual(first.count, 2 + 172, "cv1 keeps both messages received and its 172 reminders")
        XCTAssertEqual(second.count, 1 + 255 + 172, "cv2 keeps its message and all its reminders")
        inbox("fsck", in: repo)
    }

    /// The conversation shards of the next 256 lines are indexed from disk while the lines
    /// before them run; a line still sees a conversation as the lines before it left it.
    func testAConversationClosedByAnEarlierLineTakesNoScheduleFromALaterOne() {
        let repo = repositoryWithTwoConversations()
        let script = "conversation close cv1\n"
            + (2...299).map { "message schedule cv\($0 == 299 ? 1 : 2) \"Reminder \($0)\" --at 2030-01-01T09:00:00Z\n" }.joined()
        let result = inbox("batch", in: repo, stdin: script, expect: 1)
        XCTAssertTrue(result.stderr.contains("<stdin>:299: Error: cv1 is closed"), result.stderr)
        XCTAssertEqual(inbox("-q", "message", "list", "--conversation", "cv2", in: repo).lines.count, 1, "nothing was written")
    }
}
