import Foundation
import XCTest

/// The command framework: argument forms, help, usage errors and exit statuses.
final class CommandLineTests: XCTestCase {
    func testUnknownOptionIsExit64WithUsageAndSuggestion() {
        let repo = makeRepository()
        let result = inbox("contact", "add", "Ada", "--fisrt-name", "A", in: repo, expect: 64)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr, """
            Error: unknown option '--fisrt-name' (did you mean '--first-name'?)
            Usage: inbox contact add [NAME] [options]
            See 'inbox contact add --help'.

            """)
    }

    func testUnknownNounAndVerbSuggestTheNearestCommand() {
        let repo = makeRepository()
        XCTAssertTrue(inbox("contat", "list", in: repo, expect: 64).stderr.contains("did you mean 'contact'?"))
        XCTAssertTrue(inbox("contact", "lst", in: repo, expect: 64).stderr.contains("did you mean 'list'?"))
        XCTAssertTrue(inbox("contact", in: repo, expect: 64).stderr.contains("add, list, show, edit, note"))
    }

    func testHelpIsTheSameTextEveryWayAndExitsZero() {
        let repo = makeRepository()
        let viaHelp = inbox("help", "contact", "add", in: repo).stdout
        XCTAssertEqual(inbox("contact", "add", "--help", in: repo).stdout, viaHelp)
        XCTAssertEqual(inbox("contact", "add", "-h", in: repo).stdout, viaHelp)
        XCTAssertEqual(inbox("--help", "contact", "add", in: repo).stdout, viaHelp)
        XCTAssertTrue(viaHelp.hasPrefix("Usage: inbox contact add [NAME] [options]"))
        XCTAssertTrue(viaHelp.contains("--phone NUMBER"))
        XCTAssertEqual(inbox("help", "contact", in: repo).stdout, inbox("contact", "--help", in: repo).stdout)
        let overview = inbox("help", in: repo).stdout
        XCTAssertEqual(inbox("--help", in: repo).stdout, overview)
        XCTAssertTrue(overview.contains("contact add"))
        XCTAssertTrue(overview.contains("75"))
        // Help works outside a repository too.
        let elsewhere = TempDirectory()
        XCTAssertEqual(Inbox.run(["help", "contact", "add"], in: elsewhere.path).stdout, viaHelp)
    }

    func testEveryCommandInTheOverviewHasHelp() {
        let dir = TempDirectory()
        let overview = Inbox.run(["help"], in: dir.path).stdout
        let commands = overview.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("Commands:") }.dropFirst()
            .prefix { !$0.isEmpty }.map { $0.split(separator: " ").prefix(2).map(String.init) }
        XCTAssertGreaterThan(commands.count, 10)
        for words in commands {
            let name = words.count == 2 && !words[1].isEmpty && words[1].first!.isLowercase ? words : [words[0]]
            let result = Inbox.run(["help"] + name, in: dir.path)
            XCTAssertEqual(result.status, 0, "help \(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.hasPrefix("Usage: inbox \(name[0])"), "help \(name)")
        }
    }

    func testVersion() {
        let dir = TempDirectory()
        let result = Inbox.run(["--version"], in: dir.path)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("inbox "))
    }

    func testOptionFormsAndGlobalOptionsAfterTheVerb() {
        let repo = makeRepository()
        inbox("contact", "add", "--first-name=Ada", "--last-name", "Lovelace", "--phone=+15550100", in: repo)
        XCTAssertEqual(inbox("contact", "list", "--json", in: repo).jsonLines().first?["first_name"] as? String, "Ada")
        XCTAssertEqual(inbox("contact", "list", "-q", "--search=ada", in: repo).stdout, "ct1\n")
        XCTAssertEqual(inbox("contact", "list", "-qn", "1", in: repo).stdout, "ct1\n", "bundled short options")
        // After --, a leading dash is text, not an option.
        inbox("contact", "note", "ct1", "--", "--not an option", in: repo)
        XCTAssertTrue(inbox("contact", "show", "ct1", in: repo).stdout.contains("--not an option"))
        // A repeated single-value option is an error, not a silent override.
        inbox("contact", "add", "X", "--company", "A", "--company", "B", in: repo, expect: 64)
        inbox("contact", "list", "--limit", in: repo, expect: 64)
    }

    func testRepositoryDiscovery() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada", in: repo)
        let nested = repo.file("a/b/c")
        try! FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        XCTAssertEqual(Inbox.run(["contact", "list", "-q"], in: nested).stdout, "ct1\n", "walks up like git")
        let elsewhere = TempDirectory()
        XCTAssertEqual(Inbox.run(["--repo", repo.path, "contact", "list", "-q"], in: elsewhere.path).stdout, "ct1\n")
        XCTAssertEqual(Inbox.run(["contact", "list", "-q", "--repo", repo.file(".inbox")], in: elsewhere.path).stdout, "ct1\n")
        var env = Inbox.baseEnvironment()
        env["INBOX_REPO"] = repo.path
        XCTAssertEqual(Inbox.run(["contact", "list", "-q"], in: elsewhere.path, environment: env).stdout, "ct1\n")
        let missing = Inbox.run(["contact", "list"], in: elsewhere.path)
        XCTAssertEqual(missing.status, 66)
        XCTAssertTrue(missing.stderr.contains("inbox init"), missing.stderr)
        XCTAssertEqual(Inbox.run(["--repo", elsewhere.path, "contact", "list"], in: repo.path).status, 66)
    }

    func testInitIsIdempotentAndLeavesAnExistingRepositoryAlone() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada", in: repo)
        let before = readBytes(repo.file(".inbox/contacts/0000.jsonl"))
        XCTAssertTrue(inbox("init", in: repo).stdout.contains("already exists"))
        XCTAssertEqual(readBytes(repo.file(".inbox/contacts/0000.jsonl")), before)
    }

    func testABadNowIsAUsageError() {
        let repo = makeRepository()
        inbox("--now", "next tuesday-ish", "contact", "list", in: repo, expect: 64)
        inbox("--now", "2026-02-30T10:00", "contact", "list", in: repo, expect: 64)
    }

    func testAClosedStdoutIsNotAnError() {
        let repo = makeRepository()
        seedContacts(repo, count: 3000)  // far more output than a pipe buffer holds
        // inbox's own exit status, reported past the pipe: a death by SIGPIPE would show as 141.
        let result = Inbox.shell("exec 3>&1; { inbox --json contact list; echo \"inbox exited $?\" >&3; } | head -n 1 >/dev/null; echo done", in: repo.path)
        XCTAssertEqual(result.stdout, "inbox exited 0\ndone\n")
        XCTAssertEqual(result.stderr, "", "no complaint about the closed pipe")
        // A full disk is not a closed pipe: that is an I/O error.
        let full = Inbox.shell("inbox contact list > /dev/full", in: repo.path)
        XCTAssertEqual(full.status, 74, full.stderr)
        XCTAssertTrue(full.stderr.contains("No space left"), full.stderr)
        let piped = Inbox.shell("inbox --json contact list | head -n 2", in: repo.path)
        XCTAssertEqual(piped.lines.count, 2)
    }
}
