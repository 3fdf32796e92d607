import Foundation
import XCTest

/// A write touches the files its change needs and no others (issue 9: write cost follows what
/// changes). Watched with strace on the real binary: which store files it opens and renames.
final class WriteFootprintTests: XCTestCase {
    /// The store files (relative to `.inbox/`) a command opened and renamed into place.
    func trace(_ arguments: [String], in repo: TempDirectory, stdin: String? = nil) throws -> (opened: [String], replaced: [String]) {
        let strace = try requiredTool("strace")
        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-o", log, "-e", "trace=openat,rename,renameat,renameat2", "--", Inbox.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: stdin)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        // The store opens by name relative to a directory it holds open: the last quoted path.
        func paths(_ calls: [String]) -> [String] {
            calls.compactMap { line in
                let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
                return quoted.count >= 3 ? String(quoted[quoted.count - 2]) : nil
            }
        }
        let opened = paths(lines.filter { $0.contains("openat(") && !$0.contains("= -1") })
        let replaced = paths(lines.filter { $0.contains("rename") && !$0.contains("= -1") })
        return (opened, replaced)
    }

    func testSchedulingASendLeavesTheConversationItsActivityRowAndItsResponseTimesAlone() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "email", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Where is my refund?", in: repo)
        inbox("message", "send", "cv1", "On its way", in: repo)
        let conversationBefore = readBytes(repo.file(".inbox/conversations/0000.jsonl"))

        let (opened, replaced) = try trace(["message", "schedule", "cv1", "Reminder: documents due Friday", "--at", "+1d"], in: repo)
        XCTAssertTrue(replaced.contains { $0.hasSuffix("cv1.jsonl") }, "the thread gets the message: \(replaced)")
        XCTAssertTrue(replaced.contains { $0.hasSuffix("delivery-queue.jsonl") }, "the queue gets the send: \(replaced)")
        // Scheduling changes nothing a conversation, its listing row or its reply times show.
        XCTAssertFalse(replaced.contains { $0.contains("conversations") || $0.contains("activity") || $0.contains("responses") }, "\(replaced)")
        // (Replacing a file with the same bytes is skipped at commit, so the test is what is read:
        // an unchanged conversation still moved its activity row, reading its hour file.)
        XCTAssertFalse(opened.contains { $0.contains("activity") || $0.contains("responses") }, "not even read: \(opened)")
        XCTAssertEqual(readBytes(repo.file(".inbox/conversations/0000.jsonl")), conversationBefore)

        // The flush is when the send joins the thread: then the conversation and its reply times move.
        let later = Inbox.baseEnvironment(now: "2026-11-23T10:00:00Z")
        inbox("message", "flush", in: repo, environment: later)
        XCTAssertNotEqual(readBytes(repo.file(".inbox/conversations/0000.jsonl")), conversationBefore)
        inbox("fsck", in: repo, environment: later)
    }

    func testABulkTagOfManyShardsStopsAtTheFirstBadLineInShardOrderAndWritesNothing() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 2_100)
        let ids = (1...2_100).map { "ct\($0)" }.joined(separator: "\n") + "\n"
        // A damaged line in the second and the third shard: the second is reported, whichever
        // thread decoded it.
        for (shard, line) in [("0001", 3), ("0002", 5)] {
            let path = repo.file(".inbox/contacts/\(shard).jsonl")
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[line - 1] = "{\"broken\":" + lines[line - 1].dropFirst()
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
        let before = recordFiles(repo)
        let result = inbox("contact", "tag", "-", "--add", "vip", in: repo, stdin: ids, expect: 65)
        XCTAssertTrue(result.stderr.hasPrefix(repo.file(".inbox/contacts/0001.jsonl") + ":3: column "), result.stderr)
        XCTAssertEqual(recordFiles(repo), before, "nothing written")
    }

    /// A flush without a hook takes the due sends a conversation shard at a time (so a shard is
    /// parsed once, not once per send); people and scripts still see them in due order, and a
    /// conversation's own sends go in due order (its preview is the last one).
    func testAFlushReportsInDueOrderWhateverShardsItTakesFirst() throws {
        let repo = makeRepository()
        var setup = (1...101).map { "contact add 'Person \($0)' --email p\($0)@example.com" }
        setup += (1...101).map { "conversation create --contact ct\($0) --channel email" }
        inbox("batch", "-q", in: repo, stdin: setup.joined(separator: "\n") + "\n")
        // Due times alternate between cv101 (second shard) and cv1...cv3 (first shard).
        let plan = [("cv101", "first"), ("cv1", "second"), ("cv101", "third"), ("cv2", "fourth"), ("cv3", "fifth"), ("cv101", "sixth")]
        var scheduled: [String] = []
        for (minute, (conversation, text)) in plan.enumerated() {
            let at = "2026-11-21T11:0\(minute):00Z"
            scheduled.append(inbox("message", "schedule", conversation, text, "--at", at, "-q", in: repo).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let later = Inbox.baseEnvironment(now: "2026-11-21T12:00:00Z")
        let flushed = inbox("message", "flush", "-q", in: repo, environment: later).lines
        XCTAssertEqual(flushed, scheduled, "reported in due order")
        let thread = inbox("--json", "message", "list", "--conversation", "cv101", in: repo, environment: later).jsonLines().map { $0["text"] as? String }
        XCTAssertEqual(thread, ["first", "third", "sixth"])
        XCTAssertEqual(inbox("--json", "conversation", "show", "cv101", in: repo, environment: later).jsonLines().first?["preview"] as? String, "sixth")
        inbox("fsck", in: repo, environment: later)
    }

    /// Words follow messages only: creating a task (or adding a contact) reads no word index,
    /// which at a million messages is tens of megabytes away from what the command changed.
    func testATaskOrContactChangeReadsNoWordIndex() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Please find my W-2 attached", in: repo)
        XCTAssertNotNil(readBytes(repo.file(".inbox/index/words/recent.jsonl")), "the message's words are indexed")
        for command in [["task", "create", "--contact", "ct1", "--kind", "question", "Please upload your W-2"],
                        ["contact", "add", "Grace Hopper", "--company", "Navy"]] {
            let (opened, _) = try trace(command, in: repo)
            XCTAssertFalse(opened.contains { $0.contains("words") || $0.contains("recent.jsonl") }, "\(command): \(opened)")
        }
        inbox("fsck", in: repo)
    }

    /// A task's agenda row shows its contact's name: the contact the create just resolved, not
    /// a second read of its shard (which built a line index of a thousand contacts per create).
    func testATaskCreateReadsItsContactsShardOnce() throws {
        let repo = makeRepository()
        let adds = (1...1001).map { "contact add \"Client \($0)\"" }.joined(separator: "\n") + "\n"
        inbox("-q", "batch", in: repo, stdin: adds)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Please sign the engagement letter", in: repo)
        // ct1001 is the only record in contacts/0001.jsonl; the task goes to tasks/0000.jsonl.
        let (opened, _) = try trace(["task", "create", "--contact", "ct1001", "--kind", "question", "Please upload your W-2"], in: repo)
        XCTAssertEqual(opened.filter { $0.hasSuffix("0001.jsonl") }.count, 1, "\(opened)")
        let list = inbox("task", "list", in: repo)
        XCTAssertTrue(list.stdout.contains("Client 1001"), list.stdout)
        inbox("fsck", in: repo)
    }

    /// A batch of sends checks the delivery hook's trust (which hashes the hook) once, not once
    /// a line.
    func testABatchChecksTheHooksTrustOnce() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Please find my W-2 attached", in: repo)
        installHook(loggingHook, in: repo)
        let sends = (1...3).map { "message send cv1 \"Reply \($0)\"" }.joined(separator: "\n") + "\n"
        let (opened, _) = try trace(["-q", "batch"], in: repo, stdin: sends)
        XCTAssertEqual(opened.filter { $0 == "deliver" }.count, 1, "\(opened)")
        inbox("fsck", in: repo)
    }
}
