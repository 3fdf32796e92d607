import Foundation
import XCTest

/// What a new user types in the first week and got wrong answers for (issue 11, item 14).
final class FirstWeekCommandLineTests: XCTestCase {
    func testTextStartingWithADashSuggestsDoubleDashWhichWorks() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "email", "--subject", "Offer", in: repo)
        let refused = inbox("message", "send", "cv1", "-5% discount", in: repo, expect: 64)
        XCTAssertTrue(refused.stderr.contains("unknown option '-5'"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(#"inbox message send cv1 -- "-5% discount""#), refused.stderr)
        XCTAssertEqual(inbox("message", "list", "-q", in: repo).lines, [], "nothing sent")
        // The suggestion, as given, works.
        let sent = Inbox.shell(#"inbox message send cv1 -- "-5% discount""#, in: repo.path)
        XCTAssertEqual(sent.status, 0, sent.stderr)
        XCTAssertEqual(inbox("--json", "message", "show", "ms1", in: repo).jsonLines().first?["text"] as? String, "-5% discount")
        // Options after -- are text too; before it they are still options.
        inbox("--json", "message", "send", "cv1", "--no-signature", "--", "--not an option", in: repo)
        XCTAssertEqual(inbox("--json", "message", "show", "ms2", in: repo).jsonLines().first?["text"] as? String, "--not an option")
        // A real typo of an option gets no such advice.
        let typo = inbox("message", "send", "cv1", "Hi", "-x", in: repo, expect: 64)
        XCTAssertFalse(typo.stderr.contains("goes after --"), typo.stderr)
    }

    func testRepoNamingAFileSaysItIsNotADirectory() {
        let dir = TempDirectory()
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.file("notes.txt"), contents: Data("x\n".utf8)))
        for args in [["--repo", "/etc/passwd", "contact", "list"], ["--repo", dir.file("notes.txt"), "contact", "list"]] {
            let result = Inbox.run(args, in: dir.path)
            XCTAssertEqual(result.status, 66, result.stderr)
            XCTAssertTrue(result.stderr.contains("is not a directory"), result.stderr)
            XCTAssertFalse(result.stderr.contains("inbox init"), result.stderr)
        }
        var env = Inbox.baseEnvironment()
        env["INBOX_REPO"] = "/etc/passwd"
        XCTAssertTrue(Inbox.run(["contact", "list"], in: dir.path, environment: env).stderr.contains("'/etc/passwd' is not a directory"))
        // A directory that does not exist still points at inbox init.
        XCTAssertTrue(Inbox.run(["--repo", dir.file("nowhere"), "contact", "list"], in: dir.path).stderr.contains("inbox init"))
    }

    func testInitCreatesMissingParentsEachMadeDurable() throws {
        let dir = TempDirectory()
        let log = dir.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=mkdir,mkdirat,fsync", "--", Inbox.binary, "init", "firm/clients/2026"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("firm/clients/2026/.inbox/config.jsonl")))
        XCTAssertEqual(Inbox.run(["contact", "list"], in: dir.file("firm/clients/2026")).status, 0)
        // Each directory made is fsynced into its parent before anything is made inside it.
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let root = (dir.path as NSString).resolvingSymlinksInPath
        var previous = -1
        for (child, parent) in [("firm", root), ("firm/clients", root + "/firm"), ("firm/clients/2026", root + "/firm/clients")] {
            let made = calls.firstIndex { $0.contains("mkdir") && $0.contains("\"\(child)\"") } ?? -1
            XCTAssertGreaterThan(made, previous, "mkdir \(child)\n" + calls.joined(separator: "\n"))
            let syncedAfter = calls.indices.first { $0 > made && calls[$0].contains("fsync(") && calls[$0].contains("<\(parent)>") } ?? -1
            XCTAssertGreaterThan(syncedAfter, made, "fsync \(parent) after mkdir \(child)\n" + calls.joined(separator: "\n"))
            previous = syncedAfter
        }
        // A file in the way is an I/O error naming it, and nothing is made.
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.file("plain"), contents: Data()))
        let blocked = Inbox.run(["init", "plain/inbox"], in: dir.path)
        XCTAssertEqual(blocked.status, 74, blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("plain"), blocked.stderr)
    }
}
