import Foundation
import XCTest
@testable import InboxCore

/// The workflows of the reference articles, driven through the binary.
final class ConversationWorkflowTests: XCTestCase {
    func repositoryWithAda(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let repo = makeRepository(file: file, line: line)
        inbox("user", "add", "alice", "--role", "admin", in: repo)
        // Once users exist, only they make changes: the person at the keyboard acts as alice.
        inbox("config", "set", "user.name", "alice", in: repo)
        inbox("--as", "alice", "user", "add", "bob", in: repo)
        inbox("--as", "alice", "config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", in: repo)
        return repo
    }

    func at(_ time: String) -> [String: String] {
        var env = Inbox.baseEnvironment(now: time)
        env["INBOX_USER"] = "alice"
        return env
    }

    func conversation(_ id: String, _ repo: TempDirectory, as user: String = "alice") -> [String: Any] {
        var env = Inbox.baseEnvironment()
        env["INBOX_USER"] = user
        return inbox("--json", "conversation", "show", id, in: repo, environment: env).jsonLines().first ?? [String: Any]()
    }

    func testACustomerWritesInIsAnsweredClosedAndReopensByWritingAgain() {
        let repo = repositoryWithAda()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Hi, can you send the form?", in: repo, environment: at("2026-11-21T09:00:00Z"))
        var cv = conversation("cv1", repo)
        XCTAssertEqual(cv["category"] as? String, "new")
        XCTAssertEqual(cv["unread"] as? Bool, true)
        XCTAssertEqual(inbox("conversation", "list", "--category", "new", "-q", in: repo, environment: at("2026-11-21T09:01:00Z")).lines, ["cv1"])

        inbox("conversation", "assign", "cv1", "--me", in: repo, environment: at("2026-11-21T09:02:00Z"))
        XCTAssertEqual(conversation("cv1", repo)["category"] as? String, "yours")
        XCTAssertEqual(conversation("cv1", repo, as: "bob")["category"] as? String, "others")
        let owner = (inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first ?? [String: Any]())["owner"]
        XCTAssertTrue(owner is NSNull, "assigning never changes the owner")

        let opened = inbox("conversation", "open", "cv1", in: repo, environment: at("2026-11-21T09:03:00Z"))
        XCTAssertTrue(opened.stdout.contains("Hi, can you send the form?"))
        cv = conversation("cv1", repo)
        XCTAssertEqual(cv["unread"] as? Bool, false)
        let received = (cv["messages"] as? [[String: Any]])?.first
        XCTAssertEqual((received?["seen_by"] as? [[String: Any]])?.first?["by"] as? String, "alice")
        XCTAssertEqual((received?["seen_by"] as? [[String: Any]])?.first?["at"] as? String, "2026-11-21T09:03:00Z")

        let sent = inbox("--json", "message", "send", "cv1", "Hi {first_name}, the form is on its way", in: repo, environment: at("2026-11-21T09:05:00Z")).jsonLines().first ?? [:]
        XCTAssertEqual(sent["text"] as? String, "Hi Ada, the form is on its way")
        XCTAssertEqual(sent["state"] as? String, "sent")
        XCTAssertEqual(sent["from"] as? String, "+15550199")
        XCTAssertEqual(sent["to"] as? String, "+15550100")

        inbox("conversation", "close", "cv1", "--message", "Thanks, all done", in: repo, environment: at("2026-11-21T09:10:00Z"))
        cv = conversation("cv1", repo)
        XCTAssertEqual(cv["status"] as? String, "closed")
        XCTAssertEqual((cv["messages"] as? [[String: Any]])?.last?["text"] as? String, "Thanks, all done")
        XCTAssertTrue(inbox("contact", "show", "ct1", in: repo).stdout.contains("Closed conversation cv1"), "closing is in the contact's history")
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines, [], "closed is not listed by default")

        // Another conversation is more recent, until the customer writes again.
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "Question", in: repo, environment: at("2026-11-21T10:00:00Z"))
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "One more thing", in: repo, environment: at("2026-11-21T11:00:00Z"))
        cv = conversation("cv1", repo)
        XCTAssertEqual(cv["status"] as? String, "open", "an inbound message reopens")
        XCTAssertEqual(cv["unread"] as? Bool, true)
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines, ["cv1", "cv2"], "reopened and on top")
        XCTAssertEqual(inbox("conversation", "list", "--sort", "oldest", "-q", in: repo).lines, ["cv2", "cv1"])
        inbox("fsck", in: repo)
    }

    func testAvailabilityOffFilesMissedAndQueuesTheAutoResponse() {
        let repo = repositoryWithAda()
        inbox("--as", "alice", "config", "set", "availability", "off", in: repo)
        inbox("--as", "alice", "config", "set", "auto_response", "Thanks {first_name}, we reply within a day", in: repo)
        let result = inbox("message", "receive", "--from", "+1 (555) 0100", "--channel", "sms", "Are you open?", in: repo)
        XCTAssertTrue(result.stderr.contains("auto-response"), result.stderr)
        let cv = conversation("cv1", repo)
        XCTAssertEqual(cv["contact"] as? String, "ct1", "matched by phone")
        XCTAssertEqual(cv["category"] as? String, "missed")
        let messages = cv["messages"] as? [[String: Any]] ?? []
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(messages.last?["auto"] as? Bool, true)
        XCTAssertEqual(messages.last?["state"] as? String, "scheduled")
        XCTAssertEqual(messages.last?["text"] as? String, "Thanks Ada, we reply within a day")
        XCTAssertEqual(inbox("conversation", "list", "--category", "missed", "-q", in: repo).lines, ["cv1"])
        // Our reply takes it out of missed.
        inbox("message", "send", "cv1", "Yes, until 5pm", in: repo)
        let answered = conversation("cv1", repo)
        XCTAssertEqual(answered["missed"] as? Bool, false)
        XCTAssertEqual(answered["category"] as? String, "new", "unassigned and answered: back to new")
    }

    func testAnUnknownSenderBecomesANewContactAndStopOptsOut() {
        let repo = repositoryWithAda()
        inbox("message", "receive", "--from", "+1 555 0177", "--channel", "sms", "Hello?", in: repo)
        XCTAssertEqual(inbox("contact", "list", "--search", "5550177", "-q", in: repo).lines, ["ct2"])
        inbox("message", "receive", "--from", "+1 555 0177", "--channel", "sms", " stop ", in: repo)
        let contact = inbox("--json", "contact", "show", "ct2", in: repo).jsonLines().first ?? [String: Any]()
        XCTAssertEqual(contact["dnd"] as? [String], ["sms"])
        inbox("message", "send", "cv1", "Hello!", in: repo, expect: 1)
    }

    func testDoNotContactAndTheWhatsAppWindowRefuseAndWriteNothing() throws {
        let repo = repositoryWithAda()
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        inbox("contact", "dnd", "ct1", "--on", "sms", in: repo)
        let before = everyFile(repo)
        let refused = inbox("message", "send", "cv1", "Hello", in: repo, expect: 1)
        XCTAssertTrue(refused.stderr.contains("do-not-contact on sms"), refused.stderr)
        XCTAssertEqual(everyFile(repo), before, "nothing written")
        inbox("message", "send", "cv1", "--note", "Internal notes are not blocked", in: repo)
        inbox("contact", "dnd", "ct1", "--off", "sms", in: repo)
        inbox("message", "send", "cv1", "Hello", in: repo)

        // WhatsApp: free text within 24 hours of the contact's last message, a template after.
        inbox("message", "receive", "--contact", "ct1", "--channel", "whatsapp", "Hi on WhatsApp", in: repo, environment: at("2026-11-20T09:00:00Z"))
        inbox("message", "send", "cv2", "Within the window", in: repo, environment: at("2026-11-21T08:59:00Z"))
        let late = everyFile(repo)
        let window = inbox("message", "send", "cv2", "Too late", in: repo, expect: 1, environment: at("2026-11-21T09:01:00Z"))
        XCTAssertTrue(window.stderr.contains("template"), window.stderr)
        XCTAssertEqual(everyFile(repo), late, "nothing written")
        inbox("template", "add", "followup", "Hi {first_name}, any news?", "--channel", "whatsapp", in: repo)
        let templated = inbox("--json", "message", "send", "cv2", "--template", "followup", in: repo, environment: at("2026-11-21T09:02:00Z")).jsonLines().first ?? [String: Any]()
        XCTAssertEqual(templated["text"] as? String, "Hi Ada, any news?")
        inbox("message", "send", "cv2", "{nickname}", in: repo, expect: 64)
    }

    func testAttachmentsAreStoredByContentAndRefusedWhereTheChannelCannotCarryThem() throws {
        let repo = repositoryWithAda()
        let pdf = repo.file("form.pdf"), photo = repo.file("photo.jpg")
        try Data("%PDF-1.4 form".utf8).write(to: URL(fileURLWithPath: pdf))
        try Data("jpeg bytes".utf8).write(to: URL(fileURLWithPath: photo))
        let sent = inbox("--json", "message", "send", "--contact", "ct1", "--channel", "email", "Your form", "--attach", pdf, in: repo).jsonLines().first ?? [String: Any]()
        let attachment = (sent["attachments"] as? [[String: Any]])?.first
        XCTAssertEqual(attachment?["kind"] as? String, "document")
        let path = attachment?["path"] as? String ?? ""
        XCTAssertEqual(readBytes(repo.file(".inbox/" + path)), Data("%PDF-1.4 form".utf8))
        XCTAssertEqual(path, "attachments/" + String((attachment?["sha256"] as? String ?? "").prefix(2)) + "/" + (attachment?["sha256"] as? String ?? ""))

        inbox("message", "receive", "--contact", "ct1", "--channel", "instagram", "Hi from Instagram", in: repo)
        // Instagram messages go to the contact's handle (issue 12 item 6).
        inbox("contact", "edit", "ct1", "--instagram", "ada.lovelace", in: repo)
        let before = everyFile(repo)
        let refused = inbox("message", "send", "cv2", "Here it is", "--attach", pdf, in: repo, expect: 1)
        XCTAssertTrue(refused.stderr.contains("instagram cannot carry document"), refused.stderr)
        XCTAssertEqual(everyFile(repo), before)
        inbox("message", "send", "cv2", "A photo", "--attach", photo, in: repo)
        inbox("fsck", in: repo)
    }

    func testJSONRecordsCarryTheDocumentedFields() throws {
        let repo = repositoryWithAda()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Hi", in: repo)
        inbox("message", "send", "cv1", "Hello", in: repo)
        let jq = Inbox.shell("inbox --json conversation list --status all | jq -r .id", in: repo.path)
        XCTAssertEqual(jq.stdout, "cv1\n", jq.stderr)
        let conversation = inbox("--json", "conversation", "list", in: repo).jsonLines().first ?? [String: Any]()
        for field in ["id", "contact", "channel", "subject", "status", "assignee", "category", "unread", "last_message_at", "created_at"] {
            XCTAssertTrue(conversation.keys.contains(field), "conversation lacks \(field)")
        }
        let messages = inbox("--json", "message", "list", "--conversation", "cv1", in: repo).jsonLines()
        XCTAssertEqual(messages.count, 2)
        for message in messages {
            for field in ["id", "conversation", "direction", "kind", "state", "text", "at", "scheduled_at", "attachments", "seen_by"] {
                XCTAssertTrue(message.keys.contains(field), "message lacks \(field)")
            }
        }
    }

    func testSeenAndPinnedMessages() {
        let repo = repositoryWithAda()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Please call me", in: repo)
        inbox("message", "send", "cv1", "Will do", in: repo)
        inbox("message", "seen", "ms2", "--by", "ct1", in: repo, environment: at("2026-11-21T10:30:00Z"))
        XCTAssertEqual(inbox("message", "show", "ms2", in: repo).lines.suffix(2), ["Seen by (1)", "  ct1  2026-11-21 10:30"])
        inbox("message", "pin", "ms1", "--assign", "bob", in: repo)
        XCTAssertEqual(inbox("message", "list", "--pinned", "-q", in: repo).lines, ["ms1"])
        inbox("message", "pin", "ms1", "--done", in: repo)
        let pin = (inbox("--json", "message", "show", "ms1", in: repo).jsonLines().first ?? [:])["pin"] as? [String: Any]
        XCTAssertEqual(pin?["done"] as? Bool, true)
        XCTAssertEqual(pin?["assignee"] as? String, "bob")
        inbox("message", "unpin", "ms1", in: repo)
        XCTAssertEqual(inbox("message", "list", "--pinned", "-q", in: repo).lines, [])
        inbox("message", "unpin", "ms1", in: repo, expect: 1)
        inbox("message", "seen", "ms404", "--by", "ct1", in: repo, expect: 66)
    }

    func testSendRunsTheDeliveryHookWithTheMessageMarkedSendingWhileItRuns() throws {
        let repo = repositoryWithAda()
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Hi", in: repo)
        let hook = repo.file(".inbox/hooks/deliver")
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/hooks"), withIntermediateDirectories: true)
        // The hook saves its input and the message's state as a reader sees it mid-delivery.
        let script = """
            #!/bin/sh
            cat > "$INBOX_REPO/input-$INBOX_MESSAGE_ID.json"
            inbox --json message show "$INBOX_MESSAGE_ID" > "$INBOX_REPO/during-$INBOX_MESSAGE_ID.json"
            [ -e "$INBOX_REPO/fail" ] && exit 3
            echo "provider-$INBOX_MESSAGE_ID"
            """
        try script.write(toFile: hook, atomically: false, encoding: .utf8)
        chmod(hook, 0o755)
        inbox("hook", "trust", in: repo)
        var env = Inbox.baseEnvironment()
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        let sent = (inbox("--json", "message", "send", "cv1", "Hello", in: repo, environment: env).jsonLines().first ?? [:])
        XCTAssertEqual(sent["state"] as? String, "sent")
        XCTAssertEqual(sent["provider_id"] as? String, "provider-ms2")
        let input = try JSONSerialization.jsonObject(with: readBytes(repo.file("input-ms2.json"))!) as? [String: Any]
        XCTAssertEqual(input?["id"] as? String, "ms2")
        XCTAssertEqual(input?["text"] as? String, "Hello")
        let during = try JSONSerialization.jsonObject(with: readBytes(repo.file("during-ms2.json"))!) as? [String: Any]
        XCTAssertEqual(during?["state"] as? String, "sending", "marked sending, durably, before the hook ran")

        FileManager.default.createFile(atPath: repo.file("fail"), contents: Data())
        let failed = inbox("message", "send", "cv1", "Again", in: repo, expect: 69, environment: env)
        XCTAssertTrue(failed.stderr.contains("ms3"), failed.stderr)
        let message = (inbox("--json", "message", "show", "ms3", in: repo).jsonLines().first ?? [:])
        XCTAssertEqual(message["state"] as? String, "failed")
        XCTAssertEqual(message["error"] as? String, "delivery hook exited 3")
    }

    func testInboundDoNotContactRecordsTheMessageWithoutRaisingAConversation() {
        let repo = repositoryWithAda()
        inbox("contact", "dnd", "ct1", "--on", "sms", "--inbound", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Let me in", in: repo)
        XCTAssertEqual(inbox("message", "list", "--contact", "ct1", "-q", in: repo).lines, ["ms1"], "recorded")
        XCTAssertEqual(inbox("conversation", "list", "-q", in: repo).lines, [], "no new open conversation")
        XCTAssertEqual(conversation("cv1", repo)["unread"] as? Bool, false)
        inbox("fsck", in: repo)
    }

    func testTenThousandConversationsListNewestFirstAndPageWithoutRepeats() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        // Write 10,000 conversations straight into the shard files, with activity times in a
        // shuffled order so that id order and activity order differ.
        let count = 10_000
        var generator = SeededRandom(seed: 42)
        var minutes = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { minutes.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        var shards: [Int: String] = [:]
        // The activity index (index/activity/HOUR.jsonl) rows the store keeps beside them.
        var hours: [String: [(Int, Int, String)]] = [:]
        var byActivity: [(Int, Int)] = []
        let start = 1_790_000_000
        for n in 1...count {
            let minute = minutes[n - 1]
            byActivity.append((minute, n))
            let at = isoString(start + minute * 60)
            let record = #"{"id":"cv\#(n)","contact":"ct1","channel":"sms","subject":null,"status":"open","assignee":null,"missed":false,"unread":false,"last_message_at":"\#(at)","last_direction":"in","preview":"m\#(n)","message_count":0,"first_inbound_at":null,"last_inbound_at":null,"first_response_at":null,"closed_at":null,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#
            shards[n / 100, default: ""] += record + "\n"  // 100 conversations a shard
            hours[String(at.prefix(13)), default: []].append((minute, n, #"{"at":"\#(at)","contact_name":"Ada Lovelace","conversation":\#(record)}"#))
        }
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/conversations"), withIntermediateDirectories: true)
        for (shard, text) in shards {
            try text.write(toFile: repo.file(".inbox/conversations/" + String(format: "%04d", shard) + ".jsonl"), atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/index/activity"), withIntermediateDirectories: true)
        for (hour, rows) in hours {
            let text = rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { $0.2 + "\n" }.joined()
            try text.write(toFile: repo.file(".inbox/index/activity/\(hour).jsonl"), atomically: false, encoding: .utf8)
        }
        let expected = byActivity.sorted { $0.0 > $1.0 }.map { "cv\($0.1)" }
        XCTAssertEqual(inbox("conversation", "list", "--limit", "50", "-q", in: repo).lines, Array(expected.prefix(50)))
        var seen: [String] = []
        var after: String?
        while true {
            var args = ["conversation", "list", "-q", "--limit", "1000"]
            if let after { args += ["--after", after] }
            let page = Inbox.run(args, in: repo.path).lines
            if page.isEmpty { break }
            seen += page
            after = page.last
        }
        XCTAssertEqual(seen.count, count)
        XCTAssertEqual(Set(seen).count, count, "no conversation twice")
        XCTAssertEqual(seen, expected)
    }

    func isoString(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

}
