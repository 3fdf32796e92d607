import Foundation
import XCTest

/// Full-text search of messages (issue 12 item 1): `message list --search` and `conversation
/// list --search` match the words of message text, case and accents aside, through the word
/// index under `index/words`, which follows every change, fsck checks and `fsck --repair` rebuilds.
final class MessageSearchTests: XCTestCase {
    func ids(_ arguments: String..., in repo: TempDirectory, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let result = Inbox.run(["-q"] + arguments, in: repo.path)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return result.lines
    }

    /// ct1 Zoé with an SMS thread cv1 (ms1, ms2, ms3), ct2 Grace with an email thread cv2 (ms4).
    func makeThreads() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "Zoé Müller", "--phone", "+1 555 0100", in: repo)
        inbox("contact", "add", "Grace Hopper", "--email", "grace@navy.example", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "--at", "2026-11-01T09:00:00Z",
              "Voici mon RÉSUMÉ et le formulaire W-2", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "--at", "2026-11-10T09:00:00Z",
              "Did you get the résumé?", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "--at", "2026-11-20T09:00:00Z", "Thanks, bye", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "--at", "2026-11-15T09:00:00Z",
              "Quarterly figures: the W-2 is attached", in: repo)
        return repo
    }

    func testMessageListSearchMatchesWordsWhateverTheirCaseAndAccents() {
        let repo = makeThreads()
        XCTAssertEqual(ids("message", "list", "--search", "resume", in: repo), ["ms1", "ms2"])
        XCTAssertEqual(ids("message", "list", "--search", "Résumé", in: repo), ["ms1", "ms2"])
        XCTAssertEqual(ids("message", "list", "--search", "RESUME", in: repo), ["ms1", "ms2"])
        // Every word must be in the message, in any order.
        XCTAssertEqual(ids("message", "list", "--search", "w-2 resume", in: repo), ["ms1"])
        XCTAssertEqual(ids("message", "list", "--search", "W2", in: repo), [], "w and 2 are two words; w2 is none of them")
        XCTAssertEqual(ids("message", "list", "--search", "2 w", in: repo), ["ms1", "ms4"])
        // Whole words: "form" is not "formulaire".
        XCTAssertEqual(ids("message", "list", "--search", "form", in: repo), [])
        XCTAssertEqual(ids("message", "list", "--search", "FORMULAIRE", in: repo), ["ms1"])
        // Within a conversation or a contact, and within a time range.
        XCTAssertEqual(ids("message", "list", "--search", "w-2", "--contact", "ct2", in: repo), ["ms4"])
        XCTAssertEqual(ids("message", "list", "--search", "resume", "--conversation", "cv1", in: repo), ["ms1", "ms2"])
        XCTAssertEqual(ids("message", "list", "--search", "resume", "--since", "2026-11-05", in: repo), ["ms2"])
        XCTAssertEqual(ids("message", "list", "--search", "w-2", "--until", "2026-11-14", in: repo), ["ms1"])
        XCTAssertEqual(ids("message", "list", "--since", "2026-11-12", "--until", "2026-11-16", in: repo), ["ms4"])
        XCTAssertEqual(ids("message", "list", "--search", "resume", "--limit", "1", in: repo), ["ms2"])

        let json = Inbox.run(["--json", "message", "list", "--search", "quarterly"], in: repo.path).jsonLines()
        XCTAssertEqual(json.map { $0["id"] as? String }, ["ms4"])
        XCTAssertEqual(json.first?["text"] as? String, "Quarterly figures: the W-2 is attached")

        let empty = inbox("message", "list", "--search", "--  !", in: repo, expect: 64)
        XCTAssertTrue(empty.stderr.contains("--search needs a word"), empty.stderr)
        let both = inbox("message", "list", "--search", "w", "--scheduled", in: repo, expect: 64)
        XCTAssertTrue(both.stderr.contains("cannot be used together"), both.stderr)
    }

    func testConversationListSearchFindsThreadsByTheTextOfAnyMessage() {
        let repo = makeThreads()
        // "formulaire" is in cv1's first message, not in its preview (the last message).
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "Formulaire", in: repo), ["cv1"])
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "w-2", in: repo), ["cv1", "cv2"])
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "quarterly", in: repo), ["cv2"])
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "quarterly", "--contact", "ct1", in: repo), [])
        // What it matched before still matches: the contact's name.
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "hopper", in: repo), ["cv2"])
        XCTAssertEqual(ids("conversation", "list", "--status", "all", "--search", "resume", "--until", "2026-11-16", in: repo), [])
    }

    func testTheWordIndexFollowsEditsAndFsckRebuildsIt() throws {
        let repo = makeThreads()
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("message", "schedule", "cv1", "Your invoice is ready", "--at", "+1d", in: repo)
        XCTAssertEqual(ids("message", "list", "--search", "invoice", in: repo), ["ms5"])
        inbox("message", "edit", "ms5", "Your receipt is ready", in: repo)
        XCTAssertEqual(ids("message", "list", "--search", "invoice", in: repo), [])
        XCTAssertEqual(ids("message", "list", "--search", "receipt", in: repo), ["ms5"])
        inbox("fsck", in: repo)

        // A send rewrites the recent file, not a file per word; it speaks for its messages.
        let recent = repo.file(".inbox/index/words/recent.jsonl")
        let lines = try String(contentsOfFile: recent, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5, "ms1 to ms5")
        try (lines.filter { !$0.contains(#""message":"ms5""#) }.joined(separator: "\n") + "\n").write(toFile: recent, atomically: false, encoding: .utf8)
        XCTAssertEqual(ids("message", "list", "--search", "receipt", in: repo), [], "a search finds what the index holds")
        let broken = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(broken.stdout.contains("the word index that search reads does not match the messages (inbox fsck --repair rebuilds it)"), broken.stdout)
        inbox("fsck", "--repair", in: repo)
        inbox("fsck", in: repo)
        XCTAssertEqual(try String(contentsOfFile: recent, encoding: .utf8).split(separator: "\n").count, 5, "rebuilt as the messages say")
        XCTAssertEqual(ids("message", "list", "--search", "receipt", in: repo), ["ms5"])
        XCTAssertEqual(ids("message", "list", "--search", "resume", in: repo), ["ms1", "ms2"])
    }

    /// The recent file holds the messages numbered in the span of 200 of the last id; older ones
    /// move to the buckets at commit; a damaged bucket is found by fsck and rebuilt.
    func testTheRecentWordsAreMergedIntoTheBucketsAndFsckChecksThem() throws {
        let repo = makeThreads()
        let script = (1...210).map { "message receive --contact ct2 --channel email \"Batch note \($0) about kumquat\($0)\"" }.joined(separator: "\n") + "\n"
        inbox("batch", in: repo, stdin: script)
        let recent = try String(contentsOfFile: repo.file(".inbox/index/words/recent.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(recent.count, 15, "ms200 to ms214; ms1 to ms199 are in the buckets")
        XCTAssertTrue(recent.first?.hasPrefix(#"{"message":"ms200","#) == true, "\(recent.first ?? "")")
        inbox("fsck", in: repo)
        XCTAssertEqual(ids("message", "list", "--search", "kumquat7", in: repo), ["ms11"])
        XCTAssertEqual(ids("message", "list", "--search", "batch", in: repo).count, 210)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "One more kumquat7", in: repo)
        XCTAssertEqual(ids("message", "list", "--search", "kumquat7", in: repo), ["ms11", "ms215"])
        inbox("fsck", in: repo)

        let words = repo.file(".inbox/index/words/0000")
        let files = try FileManager.default.contentsOfDirectory(atPath: words)
        let holder = try XCTUnwrap(files.first { (try? String(contentsOfFile: words + "/" + $0, encoding: .utf8))?.contains(#"{"word":"kumquat100""#) == true })
        try FileManager.default.removeItem(atPath: words + "/" + holder)
        XCTAssertEqual(ids("message", "list", "--search", "kumquat100", in: repo), [])
        let broken = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(broken.stdout.contains(words + "/" + holder + ": the word index that search reads does not match the messages"), broken.stdout)
        inbox("fsck", "--repair", in: repo)
        inbox("fsck", in: repo)
        XCTAssertEqual(ids("message", "list", "--search", "kumquat100", in: repo), ["ms104"])
    }

    /// A query reads, in each block of 10,000 messages, one index file per word, and the
    /// threads of the messages it finds: not the other threads, whatever the repository holds.
    func testASearchReadsTheIndexFilesOfItsWordsAndTheThreadsItFinds() throws {
        let repo = makeRepository()
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        inbox("fixture", "--contacts", "50", "--conversations", "300", "--messages", "20300", "--seed", "3", in: repo, environment: env)
        inbox("message", "receive", "--contact", "ct7", "--channel", "sms", "Zanzibar holiday photos", in: repo, environment: env)
        inbox("fsck", in: repo, environment: env)
        let blocks = try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/index/words")).filter { !$0.hasSuffix(".jsonl") }
        XCTAssertEqual(blocks.sorted(), ["0000", "0001", "0002"])

        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=openat", "--", Inbox.binary, "-q", "message", "list", "--search", "zanzibar PHOTOS"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = env
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.lines, ["ms20301"])
        let opened = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(".inbox/") && !$0.contains("ENOENT") }
        let indexFiles = opened.filter { $0.contains("/index/words/") && $0.contains(".jsonl") }
        XCTAssertGreaterThan(indexFiles.count, 0)
        // Each block's file of each word, and the recent file.
        XCTAssertLessThanOrEqual(indexFiles.count, 2 * blocks.count + 1, indexFiles.joined(separator: "\n"))
        let threads = opened.filter { $0.contains(".inbox/messages/") && $0.contains(".jsonl") }
        XCTAssertEqual(threads.count, 1, threads.joined(separator: "\n"))
        XCTAssertFalse(opened.contains { $0.contains("/conversations/") || $0.contains("/contacts/") }, opened.joined(separator: "\n"))
    }
}
