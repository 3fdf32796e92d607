import Foundation
import XCTest

final class BatchAndFixtureTests: XCTestCase {
    /// A thousand commands of every kind, written as a script would.
    func script() -> [String] {
        var lines = ["# a day at the firm", "config set sms.from '+1 555 0199'", "user add alice --role admin"]
        for n in 1...100 {
            lines.append("contact add \"Client \(n) Example\" --phone '+1 555 \(String(format: "%04d", n))' --email client\(n)@example.com")
        }
        for n in 1...100 {
            lines.append("message receive --contact ct\(n) --channel sms \"Question \(n): can you help?\"")
            lines.append("conversation assign cv\(n) alice")
            lines.append("message send cv\(n) 'Hi {first_name}, on it.'")
            lines.append("contact note ct\(n) \"Called about \\\"case \(n)\\\"\"")
            lines.append("log add --contact ct\(n) --kind call --direction out --outcome completed --duration \(n % 50 + 1)m 'Follow-up call'")
            lines.append("task create --contact ct\(n) --kind document-request 'Upload statements' --due +\(n % 9 + 1)d")
            lines.append("message schedule cv\(n) 'Reminder' --at 'tomorrow 9:00'")
            lines.append(n % 2 == 0 ? "contact tag ct\(n) --add vip" : "contact dnd ct\(n) --on email")
            lines.append(n % 3 == 0 ? "conversation close cv\(n) --message 'Thanks, all done'" : "message list --conversation cv\(n) -q")
        }
        while lines.count < 1003 { lines.append("contact list --search client -n 1") }
        return lines
    }

    func testABatchOfAThousandCommandsEqualsRunningThemOneByOne() throws {
        let lines = script()
        XCTAssertEqual(lines.count - 1, 1002)
        var env = Inbox.baseEnvironment()
        env["INBOX_USER"] = "alice"
        let batched = makeRepository()
        let result = inbox("batch", in: batched, stdin: lines.joined(separator: "\n") + "\n", environment: env)
        XCTAssertTrue(result.stderr.contains("1002 commands, 1002 done"), result.stderr)

        let single = makeRepository()
        let file = single.file("commands.txt")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        // The shell reads each line as the batch does: quotes, no expansion.
        let oneByOne = Inbox.shell("grep -v '^#' commands.txt | while IFS= read -r line; do eval \"inbox $line\" >/dev/null || exit 1; done",
                                   in: single.path, environment: env)
        XCTAssertEqual(oneByOne.status, 0, oneByOne.stderr)
        try FileManager.default.removeItem(atPath: file)

        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-r", batched.file(".inbox"), single.file(".inbox")]
        let compared = Inbox.capture(diff, stdin: nil)
        XCTAssertEqual(compared.status, 0, "repositories differ:\n\(compared.stdout.prefix(2000))")
        inbox("fsck", in: batched)
    }

    func testAFailingLineWritesNothingUnlessKeepGoing() {
        let repo = makeRepository()
        let failing = inbox("batch", in: repo, stdin: "contact add Ada\ncontact show ct404\ncontact add Grace\n", expect: 66)
        XCTAssertTrue(failing.stderr.contains("line 2 failed"), failing.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, [])
        inbox("batch", "--keep-going", in: repo, stdin: "contact add Ada\ncontact show ct404\ncontact add Grace\n", expect: 66)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct2", "ct1"])
        inbox("batch", in: repo, stdin: "contact add 'unterminated\n", expect: 64)
    }

    func testFixtureTwiceWithOneSeedGivesIdenticalDirectories() {
        let first = makeRepository(), second = makeRepository(), other = makeRepository()
        for repo in [first, second] {
            inbox("fixture", "--contacts", "300", "--conversations", "400", "--messages", "2000", "--seed", "42", in: repo)
        }
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-r", first.file(".inbox"), second.file(".inbox")]
        XCTAssertEqual(Inbox.capture(diff, stdin: nil).status, 0)
        inbox("fixture", "--contacts", "300", "--conversations", "400", "--messages", "2000", "--seed", "43", in: other)
        XCTAssertNotEqual(readBytes(first.file(".inbox/contacts/0000.jsonl")), readBytes(other.file(".inbox/contacts/0000.jsonl")))
        inbox("fsck", in: first)
        XCTAssertEqual(inbox("contact", "list", "-q", in: first).lines.count, 300)
        XCTAssertEqual(inbox("conversation", "list", "--status", "all", "-q", in: first).lines.count, 400)
        XCTAssertEqual(inbox("--json", "export", in: first).jsonLines().filter { $0["type"] as? String == "message" }.count, 2000)
        inbox("fixture", "--contacts", "1", in: first, expect: 1)
    }

    /// A fixture writes its threads 512 at a time, their words found on other cores: over
    /// several such batches every message keeps its own words, locations and queue entry,
    /// which fsck checks against the threads.
    func testAFixtureOfSeveralThreadBatchesIsWhatFsckRebuilds() {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "200", "--conversations", "1300", "--messages", "5200", "--seed", "11", in: repo)
        inbox("fsck", in: repo)
        XCTAssertEqual(inbox("--json", "export", in: repo).jsonLines().filter { $0["type"] as? String == "message" }.count, 5200)
        let built = inbox("message", "list", "--search", "portal", "-q", in: repo).lines
        inbox("--as", "alice", "fsck", "--repair", in: repo)
        XCTAssertFalse(built.isEmpty)
        XCTAssertEqual(inbox("message", "list", "--search", "portal", "-q", in: repo).lines, built)
    }
}
