import Foundation
import XCTest

/// `task list` reads the task agenda (`index/agenda/`), a derived file kept in the same commit
/// as every change to a task or to a contact's name (issue 9). Each test makes a change, then
/// checks the listing and that fsck finds the agenda exactly as the records say.
final class TaskAgendaTests: XCTestCase {
    private func rows(_ repo: TempDirectory, _ options: String..., file: StaticString = #filePath, line: UInt = #line) -> [String] {
        Array(inbox(["task", "list"] + options, in: repo, file: file, line: line).lines.dropFirst())
    }

    private func inbox(_ arguments: [String], in repo: TempDirectory, expect status: Int32 = 0,
                       file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = Inbox.run(arguments, in: repo.path, environment: Inbox.baseEnvironment())
        XCTAssertEqual(result.status, status, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    private func assertAgendaClean(_ repo: TempDirectory, file: StaticString = #filePath, line: UInt = #line) {
        let fsck = Inbox.run(["fsck"], in: repo.path, environment: Inbox.baseEnvironment())
        XCTAssertEqual(fsck.status, 0, fsck.stdout + fsck.stderr, file: file, line: line)
    }

    private func twoClientsWithTasks() -> TempDirectory {
        let repo = makeRepository()
        inbox("user", "add", "tester", "--role", "admin", in: repo)
        inbox("user", "add", "bob", in: repo)
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "add", "Charles Babbage", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Filing status?", "--due", "2026-12-01T09:00", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "document-request", "Please upload your W-2", "--due", "2026-11-25T09:00", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "notice", "Office closed Friday", in: repo)
        return repo
    }

    func testTheAgendaFollowsCreateCompleteReopenReassignAndDue() {
        let repo = twoClientsWithTasks()
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo.file(".inbox/index/agenda/0000.jsonl")), "created with the first task")
        XCTAssertEqual(rows(repo), [
            "tk2  Charles Babbage  document-request  outstanding  2026-11-25 09:00  -         Please upload your W-2",
            "tk1  Ada Lovelace     question          outstanding  2026-12-01 09:00  -         Filing status?",
            "tk3  Ada Lovelace     notice            outstanding  -                 -         Office closed Friday",
        ])
        assertAgendaClean(repo)

        inbox("task", "update", "tk2", "--state", "done", in: repo)
        XCTAssertEqual(inbox("-q", "task", "list", in: repo).lines, ["tk1", "tk3"], "a completed task leaves the default listing")
        XCTAssertEqual(inbox("-q", "task", "list", "--state", "done", in: repo).lines, ["tk2"])
        assertAgendaClean(repo)

        inbox("task", "update", "tk2", "--state", "outstanding", in: repo)
        XCTAssertEqual(inbox("-q", "task", "list", in: repo).lines, ["tk2", "tk1", "tk3"], "reopened")
        assertAgendaClean(repo)

        inbox("task", "update", "tk1", "--assign", "bob", "--due", "2026-11-22T09:00", in: repo)
        XCTAssertEqual(rows(repo).first, "tk1  Ada Lovelace     question          outstanding  2026-11-22 09:00  bob       Filing status?",
                       "moved up by its new due time, with its assignee")
        XCTAssertEqual(inbox("-q", "task", "list", "--assignee", "bob", in: repo).lines, ["tk1"])
        XCTAssertEqual(inbox("-q", "task", "list", "--contact", "ct1", in: repo).lines, ["tk1", "tk3"])
        XCTAssertEqual(inbox("-q", "--now", "2026-11-23T00:00:00Z", "task", "list", "--overdue", in: repo).lines, ["tk1"])
        inbox("task", "update", "tk1", "--answer", "Married filing jointly", in: repo)
        XCTAssertEqual(inbox("-q", "task", "list", "--state", "answered", in: repo).lines, ["tk1"])
        assertAgendaClean(repo)
    }

    func testRowsFollowTheirContactsNameThroughEditMergeAndDelete() {
        let repo = twoClientsWithTasks()
        inbox("contact", "edit", "ct1", "--name", "Augusta King", in: repo)
        XCTAssertEqual(rows(repo).filter { $0.contains("Augusta King") }.count, 2, rows(repo).joined(separator: "\n"))
        XCTAssertFalse(rows(repo).contains { $0.contains("Ada Lovelace") })
        assertAgendaClean(repo)

        inbox("contact", "merge", "ct1", "ct2", in: repo)
        XCTAssertEqual(rows(repo).map { String($0.prefix(17)) }, ["tk2  Augusta King", "tk1  Augusta King", "tk3  Augusta King"],
                       "the merged contact's task shows the contact it moved to")
        assertAgendaClean(repo)

        inbox("contact", "add", "Grace Hopper", in: repo)
        inbox("task", "create", "--contact", "ct3", "--kind", "question", "Which year?", in: repo)
        inbox("contact", "delete", "ct1", "--force", in: repo)
        XCTAssertEqual(inbox("-q", "task", "list", "--state", "all", in: repo).lines, ["tk4"], "deleted with their contact")
        assertAgendaClean(repo)
        inbox("contact", "delete", "ct3", "--force", in: repo)
        XCTAssertEqual(inbox(["task", "list", "--state", "all"], in: repo).stdout, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file(".inbox/index/agenda/0000.jsonl")), "no tasks, no rows")
        assertAgendaClean(repo)
    }

    func testFsckReportsAStaleOrMissingAgendaAndRepairRebuildsIt() throws {
        let repo = twoClientsWithTasks()
        let path = repo.file(".inbox/index/agenda/0000.jsonl")
        let good = try String(contentsOfFile: path, encoding: .utf8)
        try good.replacingOccurrences(of: "Charles Babbage", with: "Somebody Else").write(toFile: path, atomically: true, encoding: .utf8)
        var fsck = inbox(["fsck"], in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains("index/agenda/0000.jsonl: the row of task tk2 does not match the task and its contact (inbox fsck --repair rebuilds the agenda)"),
                      fsck.stdout)

        try FileManager.default.removeItem(atPath: path)
        fsck = inbox(["fsck"], in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains("index/agenda/0000.jsonl: the agenda lacks the 3 tasks of tasks/0000.jsonl (inbox fsck --repair rebuilds the agenda)"),
                      fsck.stdout)
        let repaired = inbox(["fsck", "--repair"], in: repo)
        let said = repaired.stdout + repaired.stderr
        XCTAssertTrue(said.contains("rebuilt \(repo.file(".inbox/index/agenda/0000.jsonl"))"), said)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), good)
        assertAgendaClean(repo)
    }

    /// A repository written before the agenda: the listing reads the records (same output), and
    /// the first change to a task builds the whole agenda, every shard's file.
    func testARepositoryWithoutAnAgendaListsAndTheFirstTaskChangeBuildsIt() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        var script = ""
        for i in 1...1002 { script += "task create --contact ct1 --kind question \"Question \(i)\" --due 2026-12-0\(1 + i % 3)T09:00\n" }
        inbox("-q", "batch", in: repo, stdin: script)
        let listed = inbox(["task", "list"], in: repo).stdout
        let json = inbox(["--json", "task", "list"], in: repo).stdout
        // The agenda's order (due time across both shards) is the records' order (--json reads them).
        let ids = inbox(["-q", "task", "list"], in: repo).lines
        XCTAssertEqual(ids.count, 1002)
        XCTAssertEqual(ids, inbox(["--json", "task", "list"], in: repo).jsonLines().map { $0["id"] as? String ?? "?" })
        XCTAssertEqual(Array(ids.prefix(3)), ["tk3", "tk6", "tk9"])
        let agenda = repo.file(".inbox/index/agenda")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: agenda).sorted(), ["0000.jsonl", "0001.jsonl"])
        try FileManager.default.removeItem(atPath: agenda)

        XCTAssertEqual(inbox(["task", "list"], in: repo).stdout, listed)
        XCTAssertEqual(inbox(["--json", "task", "list"], in: repo).stdout, json)
        XCTAssertEqual(inbox(["fsck"], in: repo, expect: 65).stdout.components(separatedBy: "rebuilds the agenda").count - 1, 2)

        inbox("task", "update", "tk5", "--state", "read", in: repo)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: agenda).sorted(), ["0000.jsonl", "0001.jsonl"])
        assertAgendaClean(repo)
        XCTAssertEqual(inbox(["task", "list"], in: repo).stdout, listed.replacingOccurrences(of: "outstanding  2026-12-03 09:00  -         Question 5\n",
                                                                                               with: "read         2026-12-03 09:00  -         Question 5\n"))
    }

    /// The listing lays printable ASCII out straight from the agenda's bytes; every other cell
    /// (escaped in the file, not ASCII, a tab or line break to escape, a word as long as a
    /// minted id) must come out as the table always showed it, aligned by display width.
    func testCellsThatAreNotPlainASCIIListAsBefore() {
        let repo = makeRepository()
        inbox("contact", "add", "Zoë Ünïcode", in: repo)
        inbox("contact", "add", #"Quote "Q" Back\slash"#, in: repo)
        inbox("contact", "add", "Plain Name", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", #"Text with "quotes" and \ backslash"#, "--due", "2026-12-01T09:00", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "notice", "two\nlines\tand tab", in: repo)
        inbox("task", "create", "--contact", "ct3", "--kind", "document", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 long word", in: repo)
        inbox("task", "create", "--contact", "ct3", "--kind", "document", "emoji 🎉 text", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "document", "trailing spaces   ", in: repo)
        XCTAssertEqual(inbox(["--now", "2026-11-01T00:00:00Z", "task", "list"], in: repo).stdout, """
            ID   CONTACT               KIND      STATE        DUE               ASSIGNEE  TEXT
            tk1  Zoë Ünïcode           question  outstanding  2026-12-01 09:00  -         Text with "quotes" and \\ backslash
            tk2  Quote "Q" Back\\slash  notice    outstanding  -                 -         two lines\tand tab
            tk3  Plain Name            document  outstanding  -                 -         ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 long word
            tk4  Plain Name            document  outstanding  -                 -         emoji 🎉 text
            tk5  Quote "Q" Back\\slash  document  outstanding  -                 -         trailing spaces

            """)
    }

    /// A created task's row is put into its agenda file where its due time places it, the
    /// other lines kept as they are; the file must be exactly what rewriting it whole gives,
    /// even when a line was written differently (a hand edit: a number with a leading zero,
    /// an escape JSONWriter does not make), which the whole rewrite puts right.
    func testACreatedTasksRowGoesInItsPlaceAndTheFileIsAsARewriteMakesIt() throws {
        let repo = twoClientsWithTasks()
        let path = repo.file(".inbox/index/agenda/0000.jsonl")
        inbox("task", "create", "--contact", "ct2", "--kind", "question", #"Say "when""#, "--due", "2026-11-20T09:00", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "notice", "No due time", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Between", "--due", "2026-11-30T09:00", in: repo)
        XCTAssertEqual(inbox(["-q", "task", "list"], in: repo).lines, ["tk4", "tk2", "tk6", "tk1", "tk3", "tk5"])
        assertAgendaClean(repo)
        for edit in [(#""tk6",1796029200"#, #""tk6",01796029200"#), (#"Say \"when\""#, #"Say \u0022when\u0022"#)] {
            let written = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(written.contains(edit.0), written)
            try written.replacingOccurrences(of: edit.0, with: edit.1).write(toFile: path, atomically: true, encoding: .utf8)
            inbox("task", "create", "--contact", "ct2", "--kind", "question", "Late", "--due", "2026-12-31T09:00", in: repo)
            assertAgendaClean(repo)
            let after = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertFalse(after.contains(edit.1), "the line was written again: \(after)")
        }
    }
}
