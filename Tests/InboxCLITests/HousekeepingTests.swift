import Foundation
import XCTest

/// tag list, template remove, user remove and contact note --edit (issue 12 item 3).
final class HousekeepingTests: XCTestCase {
    func repository() -> TempDirectory {
        let repo = makeRepository()
        inbox("user", "add", "tester", "--role", "admin", in: repo)
        inbox("user", "add", "bob", in: repo)
        return repo
    }

    func as_(_ user: String) -> [String: String] {
        var env = Inbox.baseEnvironment()
        env["INBOX_USER"] = user
        return env
    }

    func fsckIsClean(_ repo: TempDirectory, file: StaticString = #filePath, line: UInt = #line) {
        let result = Inbox.run(["fsck"], in: repo.path)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
    }

    func testTagListCountsEachTagOnce() {
        let repo = repository()
        inbox("contact", "add", "Ada Lovelace", "--tag", "VIP", "--tag", "big client", in: repo)
        inbox("contact", "add", "Grace Hopper", "--tag", "vip", in: repo)
        inbox("contact", "add", "Alan Turing", "--tag", "prospect", "--tag", "Vip", in: repo)
        inbox("contact", "add", "Edsger Dijkstra", in: repo)
        XCTAssertEqual(inbox("-q", "tag", "list", in: repo).lines, ["big client", "prospect", "VIP"])
        let records = inbox("--json", "tag", "list", in: repo).jsonLines()
        XCTAssertEqual(records.map { $0["tag"] as? String }, ["big client", "prospect", "VIP"])
        XCTAssertEqual(records.map { $0["contacts"] as? Int }, [1, 1, 3])
        XCTAssertEqual(inbox("-q", "tag", "list", "--sort", "count", in: repo).lines, ["VIP", "big client", "prospect"])
        let text = inbox("tag", "list", in: repo).lines
        XCTAssertEqual(text, ["TAG         CONTACTS", "big client  1", "prospect    1", "VIP         3"])
        inbox("tag", "list", "--sort", "size", in: repo, expect: 64)
    }

    func testTemplateRemoveIsAllOrNothing() {
        let repo = repository()
        inbox("template", "add", "followup", "Hi {first_name}", in: repo)
        inbox("template", "add", "thanks", "Thank you!", in: repo)
        let refused = inbox("template", "remove", "thanks", "nosuch", in: repo, expect: 66)
        XCTAssertTrue(refused.stderr.contains("'nosuch'") && refused.stderr.contains("nothing was removed"), refused.stderr)
        XCTAssertEqual(inbox("-q", "template", "list", in: repo).lines, ["followup", "thanks"])
        XCTAssertEqual(inbox("-q", "template", "remove", "thanks", in: repo).lines, ["thanks"])
        XCTAssertEqual(inbox("-q", "template", "list", in: repo).lines, ["followup"])
        fsckIsClean(repo)
    }

    func testUserRemoveRefusesWhileTheUserHasWork() {
        let repo = repository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--owner", "bob", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Hello", in: repo)
        inbox("conversation", "assign", "cv1", "bob", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Which year?", "--assign", "bob", in: repo)
        // Only an admin removes users.
        inbox("user", "remove", "tester", in: repo, expect: 1, environment: as_("bob"))
        let busy = inbox("user", "remove", "bob", in: repo, expect: 1)
        for what in ["1 conversation(s) assigned", "1 contact(s) owned (ct1", "1 task(s) assigned (tk1"] {
            XCTAssertTrue(busy.stderr.contains(what), "\(what): \(busy.stderr)")
        }
        XCTAssertEqual(inbox("-q", "user", "list", in: repo).lines.sorted(), ["bob", "tester"])
        inbox("conversation", "assign", "cv1", "tester", in: repo)
        inbox("contact", "edit", "ct1", "--owner", "tester", in: repo)
        inbox("task", "update", "tk1", "--assign", "tester", in: repo)
        XCTAssertEqual(inbox("-q", "user", "remove", "bob", in: repo).lines, ["bob"])
        XCTAssertEqual(inbox("-q", "user", "list", in: repo).lines, ["tester"])
        fsckIsClean(repo)
        inbox("user", "remove", "bob", in: repo, expect: 66)
    }

    func testTheOnlyAdminAndTheConfiguredUserStay() {
        let repo = repository()
        let only = inbox("user", "remove", "tester", in: repo, expect: 1)
        XCTAssertTrue(only.stderr.contains("only admin"), only.stderr)
        inbox("config", "set", "user.name", "bob", in: repo)
        let configured = inbox("user", "remove", "bob", in: repo, expect: 1)
        XCTAssertTrue(configured.stderr.contains("user.name"), configured.stderr)
    }

    func testContactNoteEditChangesTheTextAndSaysSo() {
        let repo = repository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "note", "ct1", "Prefers email", in: repo)
        inbox("contact", "note", "ct1", "Bob's note", in: repo, environment: as_("bob"))
        let edited = inbox("--json", "contact", "note", "ct1", "--edit", "nt1", "Prefers calls after 5pm", in: repo).jsonLines().first
        XCTAssertEqual(edited?["text"] as? String, "Prefers calls after 5pm")
        XCTAssertEqual(edited?["author"] as? String, "tester")
        XCTAssertEqual(edited?["edited_at"] as? String, "2026-11-21T10:00:00Z")
        let shown = inbox("contact", "show", "ct1", in: repo).stdout
        XCTAssertTrue(shown.contains("Prefers calls after 5pm") && !shown.contains("Prefers email"), shown)
        XCTAssertTrue(shown.contains("(edited "), shown)
        // Someone else's note is the author's or an admin's to change.
        inbox("contact", "note", "ct1", "--edit", "nt1", "Mine now", in: repo, expect: 1, environment: as_("bob"))
        inbox("contact", "note", "ct1", "--edit", "nt2", "Bob's note, edited", in: repo, environment: as_("bob"))
        inbox("contact", "note", "ct1", "--edit", "nt9", "No such note", in: repo, expect: 66)
        fsckIsClean(repo)
        // The edit survives export and import.
        let exported = inbox("export", in: repo).stdout
        XCTAssertTrue(exported.contains(#""edited_at":"2026-11-21T10:00:00Z""#), exported)
    }
}
