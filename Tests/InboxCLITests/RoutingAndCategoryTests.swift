import Foundation
import XCTest

/// Issue 11, routing and categories: the reference article's four inboxes and what availability
/// off does to inbound messages, driven through the binary as a firm's week would.
final class RoutingAndCategoryTests: XCTestCase {
    func firm(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let repo = makeRepository(file: file, line: line)
        inbox("user", "add", "alice", "--role", "admin", in: repo, file: file, line: line)
        inbox("--as", "alice", "user", "add", "bob", in: repo, file: file, line: line)
        // The person at the keyboard works as alice unless a step says otherwise.
        inbox("config", "set", "user.name", "alice", in: repo, file: file, line: line)
        inbox("--as", "alice", "config", "set", "sms.from", "+1 555 0199", in: repo, file: file, line: line)
        inbox("--as", "alice", "config", "set", "auto_response", "Thanks {first_name}, we reply within a day", in: repo, file: file, line: line)
        return repo
    }

    func at(_ time: String, as user: String = "alice") -> [String: String] {
        var env = Inbox.baseEnvironment(now: time)
        env["INBOX_USER"] = user
        return env
    }

    func thread(_ id: String, _ repo: TempDirectory, as user: String = "alice") -> [String: Any] {
        inbox("--json", "conversation", "show", id, in: repo, environment: at("2026-11-21T23:00:00Z", as: user)).jsonLines().first ?? [:]
    }

    func autoResponses(_ id: String, _ repo: TempDirectory) -> [[String: Any]] {
        (thread(id, repo)["messages"] as? [[String: Any]] ?? []).filter { $0["auto"] as? Bool == true }
    }

    // Item 1: one auto-response per conversation per off period, not one per inbound message.
    func testAvailabilityOffSendsOneAutoResponsePerConversationPerOffPeriod() {
        let repo = firm()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("contact", "add", "Grace Hopper", "--phone", "+1 555 0101", in: repo)
        inbox("config", "set", "availability", "off", in: repo, environment: at("2026-11-21T18:00:00Z"))
        let first = inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Are you open?", in: repo, environment: at("2026-11-21T19:00:00Z"))
        XCTAssertTrue(first.stderr.contains("auto-response"), first.stderr)
        let second = inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Hello?", in: repo, environment: at("2026-11-21T19:10:00Z"))
        XCTAssertFalse(second.stderr.contains("auto-response"), "no second auto-response in the same off period: \(second.stderr)")
        XCTAssertEqual(autoResponses("cv1", repo).count, 1, "two messages ten minutes apart get one auto-response")
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines.count, 1)

        // Another conversation in the same period gets its own.
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Hi", in: repo, environment: at("2026-11-21T19:20:00Z"))
        XCTAssertEqual(autoResponses("cv2", repo).count, 1)

        // The next evening is a new off period: one more for cv1.
        inbox("config", "set", "availability", "on", in: repo, environment: at("2026-11-22T08:00:00Z"))
        inbox("config", "set", "availability", "off", in: repo, environment: at("2026-11-22T18:00:00Z"))
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Still there?", in: repo, environment: at("2026-11-22T19:00:00Z"))
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Anyone?", in: repo, environment: at("2026-11-22T19:05:00Z"))
        XCTAssertEqual(autoResponses("cv1", repo).count, 2)
        // Setting off again while already off is the same period.
        inbox("config", "set", "availability", "off", in: repo, environment: at("2026-11-22T20:00:00Z"))
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Hello again", in: repo, environment: at("2026-11-22T20:05:00Z"))
        XCTAssertEqual(autoResponses("cv1", repo).count, 2)
        inbox("fsck", in: repo)
    }

    // Item 2: an existing conversation with an assignee stays routed to its assignee.
    func testAvailabilityOffKeepsAnAssignedConversationWithItsAssignee() {
        let repo = firm()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Can you send the form?", in: repo, environment: at("2026-11-21T09:00:00Z"))
        inbox("conversation", "assign", "cv1", "bob", in: repo, environment: at("2026-11-21T09:05:00Z"))
        inbox("config", "set", "availability", "off", in: repo, environment: at("2026-11-21T18:00:00Z"))
        let received = inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Any news?", in: repo, environment: at("2026-11-21T19:00:00Z"))
        XCTAssertFalse(received.stderr.contains("missed"), received.stderr)
        XCTAssertEqual(thread("cv1", repo, as: "bob")["category"] as? String, "yours")
        XCTAssertEqual(thread("cv1", repo, as: "alice")["category"] as? String, "others")
        XCTAssertEqual(thread("cv1", repo)["missed"] as? Bool, false)
        XCTAssertEqual(inbox("conversation", "list", "--category", "missed", "-q", in: repo).lines, [])
        XCTAssertEqual(inbox("conversation", "list", "--category", "yours", "-q", in: repo, environment: at("2026-11-21T19:01:00Z", as: "bob")).lines, ["cv1"])
        XCTAssertEqual(autoResponses("cv1", repo).count, 0, "the auto-response is for conversations nobody has (the article's new-message path)")

        // An unassigned existing conversation is still missed while availability is off.
        inbox("contact", "add", "Grace Hopper", "--phone", "+1 555 0101", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Hi", in: repo, environment: at("2026-11-21T10:00:00Z"))
        inbox("message", "receive", "--contact", "ct2", "--channel", "sms", "Hi again", in: repo, environment: at("2026-11-21T19:30:00Z"))
        XCTAssertEqual(thread("cv2", repo)["category"] as? String, "missed")
        XCTAssertEqual(autoResponses("cv2", repo).count, 1)
    }

    // Item 3: every open conversation is in exactly one of new / missed / yours / others.
    struct Case: CustomStringConvertible {
        enum Start: String { case us, them }
        var start: Start
        /// The other side wrote back (the client answered us, or we answered the client).
        var answered: Bool
        var assignee: String?
        var read: Bool
        var availabilityOff: Bool

        var description: String {
            "started by \(start), \(answered ? "answered" : "unanswered"), assigned to \(assignee ?? "nobody"), \(read ? "read" : "unread"), availability \(availabilityOff ? "off" : "on")"
        }

        /// The article's rule, as alice sees it: assignment routes; unassigned is missed when a
        /// client message came in while availability was off and we have not answered since, else new.
        var expected: String {
            if let assignee { return assignee == "alice" ? "yours" : "others" }
            let clientWroteWhileOff = availabilityOff && (start == .them || answered)
            let weAnsweredAfter = start == .them && answered
            return clientWroteWhileOff && !weAnsweredAfter ? "missed" : "new"
        }
    }

    func testEveryOpenConversationIsInExactlyOneCategory() {
        let repo = firm()
        var cases: [Case] = []
        for start in [Case.Start.us, .them] {
            for answered in [false, true] {
                for assignee in [nil, "alice", "bob"] as [String?] {
                    for read in [false, true] {
                        for off in [false, true] {
                            cases.append(Case(start: start, answered: answered, assignee: assignee, read: read, availabilityOff: off))
                        }
                    }
                }
            }
        }
        var ids: [String: Case] = [:]
        var availabilityOff = false
        func availability(_ off: Bool) {
            guard off != availabilityOff else { return }
            inbox("config", "set", "availability", off ? "off" : "on", in: repo, environment: at("2026-11-21T08:00:00Z"))
            availabilityOff = off
        }
        for (n, c) in cases.enumerated() {
            let contact = "ct\(n + 1)", id = "cv\(n + 1)"
            inbox("contact", "add", "Client \(n + 1)", "--phone", "+1 555 \(String(format: "%04d", 1000 + n))", in: repo)
            availability(c.availabilityOff)
            switch c.start {
            case .us:
                inbox("message", "send", "--contact", contact, "--channel", "sms", "Your documents are ready", in: repo, environment: at("2026-11-21T09:00:00Z"))
                if c.answered { inbox("message", "receive", "--contact", contact, "--channel", "sms", "Thanks, picking them up", in: repo, environment: at("2026-11-21T10:00:00Z")) }
            case .them:
                inbox("message", "receive", "--contact", contact, "--channel", "sms", "Can you send the form?", in: repo, environment: at("2026-11-21T09:00:00Z"))
                if c.answered { inbox("message", "send", id, "Here it is", in: repo, environment: at("2026-11-21T10:00:00Z")) }
            }
            if let assignee = c.assignee { inbox("conversation", "assign", id, assignee, in: repo, environment: at("2026-11-21T11:00:00Z")) }
            if c.read { inbox("conversation", "open", id, in: repo, environment: at("2026-11-21T12:00:00Z")) }
            ids[id] = c
        }
        availability(false)

        let listed = inbox("--json", "conversation", "list", in: repo, environment: at("2026-11-21T13:00:00Z")).jsonLines()
        XCTAssertEqual(listed.count, cases.count)
        var byCategory: [String: Set<String>] = [:]
        for category in ["new", "missed", "yours", "others"] {
            byCategory[category] = Set(inbox("conversation", "list", "--category", category, "-q", in: repo, environment: at("2026-11-21T13:00:00Z")).lines)
        }
        for record in listed {
            guard let id = record["id"] as? String, let c = ids[id] else { XCTFail("unexpected record \(record)"); continue }
            let category = record["category"] as? String
            XCTAssertEqual(category, c.expected, "\(id): \(c)")
            XCTAssertEqual(record["unread"] as? Bool, !c.read && (c.start == .them || c.answered), "\(id): \(c)")
            let under = byCategory.filter { $0.value.contains(id) }.map(\.key)
            XCTAssertEqual(under, [c.expected], "\(id) is listed under exactly its category: \(c)")
        }
        XCTAssertEqual(byCategory.values.map(\.count).reduce(0, +), cases.count, "the four lists split the open conversations")
        // The issue's case: we started it, the client answered, unassigned and unread.
        let reported = ids.first { $0.value.start == .us && $0.value.answered && $0.value.assignee == nil && !$0.value.read && !$0.value.availabilityOff }!.key
        XCTAssertTrue(byCategory["new"]!.contains(reported))
        // Closed conversations have no category and are in no list.
        inbox("conversation", "close", reported, in: repo, environment: at("2026-11-21T14:00:00Z"))
        XCTAssertTrue(thread(reported, repo)["category"] is NSNull)
        XCTAssertFalse(byCategory.keys.contains { inbox("conversation", "list", "--category", $0, "-q", in: repo).lines.contains(reported) })
        inbox("fsck", in: repo)
    }
}
