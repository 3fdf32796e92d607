import Foundation
import XCTest

/// Issue 13 item 2: what DESIGN promises of ids and stored files, run in process.
final class RepositoryPromiseTests: XCTestCase {
    /// Two of each kind of record that has an id people type: ct, cv, ms, tk, nt.
    func twoOfEverything() -> TempDirectory {
        let repo = makeRepositoryInProcess()
        run("user", "add", "tester", "--role", "admin", in: repo)  // $USER in the tests' environment
        run("contact", "add", "Ada", "--email", "ada@example.com", "--phone", "+1 555 0100", in: repo)
        run("contact", "add", "Grace", "--email", "grace@example.com", in: repo)
        run("message", "receive", "--contact", "ct1", "--channel", "email", "One", in: repo)
        run("message", "receive", "--contact", "ct1", "--channel", "sms", "Two", in: repo)
        run("task", "create", "Send the form", "--contact", "ct1", "--kind", "question", in: repo)
        run("task", "create", "Sign it", "--contact", "ct1", "--kind", "notice", in: repo)
        run("contact", "note", "ct1", "First", in: repo)
        run("contact", "note", "ct1", "Second", in: repo)
        run("log", "add", "Called", "--contact", "ct1", "--kind", "call", in: repo)
        run("template", "add", "thanks", "Thanks {first_name}", in: repo)
        return repo
    }

    func testAnAmbiguousPrefixOfEveryIdKindIsExit64NamingTheCandidatesAndAUniqueOneResolves() {
        let repo = twoOfEverything()
        for (command, kind, candidates) in [(["contact", "show"], "ct", "ct1, ct2"), (["conversation", "show"], "cv", "cv1, cv2"),
                                            (["message", "show"], "ms", "ms1, ms2"), (["task", "show"], "tk", "tk1, tk2"),
                                            (["contact", "note", "ct1", "Edited", "--edit"], "nt", "nt1, nt2")] {
            let result = InProcessInbox.run(command + [kind], in: repo.path)
            XCTAssertEqual(result.status, 64, "\(kind): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("Error: id '\(kind)' is ambiguous: it matches \(candidates)\n"), "\(kind): \(result.stderr)")
            XCTAssertEqual(InProcessInbox.run(command + [kind.uppercased() + "2"], in: repo.path).status, 0, "\(kind)2 in capitals")
        }
        XCTAssertTrue(run("contact", "show", "ct1", in: repo).stdout.contains("Edited"), "the note named nt2 was edited")
    }

    func testASymlinkedInboxIsRefusedAndNothingIsWrittenThroughIt() throws {
        let real = makeRepositoryInProcess()
        run("contact", "add", "Ada", in: real)
        let elsewhere = TempDirectory()
        try FileManager.default.createSymbolicLink(atPath: elsewhere.file(".inbox"), withDestinationPath: real.file(".inbox"))
        let before = try FileManager.default.contentsOfDirectory(atPath: real.file(".inbox/contacts"))
        for command in [["contact", "list"], ["contact", "add", "Bob"], ["fsck"]] {
            let result = InProcessInbox.run(command, in: elsewhere.path)
            XCTAssertEqual(result.status, 74, command.joined(separator: " "))
            XCTAssertEqual(result.stderr, "Error: \(elsewhere.file(".inbox")): open (refusing to follow a symlink) failed: Too many levels of symbolic links\n")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: real.file(".inbox/contacts")), before)
        XCTAssertEqual(run("contact", "list", "-q", in: real).lines, ["ct1"], "Bob was not added through the link")
    }

    /// Every kind of record file: a line that is not a record stops the commands that read it
    /// with PATH:LINE: reason and exit 65, and fsck reports it the same way.
    func testAMalformedLineInEveryKindOfFileIsReportedWithItsPathAndLine() throws {
        let source = twoOfEverything()
        let readers: [(file: String, command: [String])] = [
            ("config.jsonl", ["config", "list"]), ("users.jsonl", ["user", "list"]), ("templates.jsonl", ["template", "list"]),
            ("contacts/0000.jsonl", ["contact", "list"]), ("conversations/0000.jsonl", ["conversation", "show", "cv1"]),
            ("messages/0000/cv1.jsonl", ["conversation", "show", "cv1"]), ("notes/0000.jsonl", ["contact", "show", "ct1"]),
            ("tasks/0000.jsonl", ["task", "show", "tk1"]), ("log/0000.jsonl", ["log", "list"]), ("sequences.jsonl", ["contact", "add", "New"]),
        ]
        for (file, command) in readers {
            let repo = TempDirectory()
            try FileManager.default.removeItem(atPath: repo.path)
            try FileManager.default.copyItem(atPath: source.path, toPath: repo.path)
            let path = repo.file(".inbox/" + file)
            var text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("{\""), "\(file) starts with a record")
            text = "{\"broken\":" + text.dropFirst(1)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let expected = path + ":1: column "
            let result = InProcessInbox.run(command, in: repo.path)
            XCTAssertEqual(result.status, 65, "\(file): inbox \(command.joined(separator: " ")): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix(expected) && result.stderr.contains(": unexpected ':' where ',' or '}' was expected"), "\(file): \(result.stderr)")
            let fsck = InProcessInbox.run(["fsck"], in: repo.path)
            XCTAssertEqual(fsck.status, 65, file)
            // fsck lists it with the others; a file every check needs (config) stops it at once.
            XCTAssertTrue((fsck.stdout + fsck.stderr).hasPrefix(expected), "\(file): \(fsck.stdout)\(fsck.stderr)")
        }
    }
}
