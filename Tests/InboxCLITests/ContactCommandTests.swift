import Foundation
import XCTest

final class ContactCommandTests: XCTestCase {
    func testTheDesignSessionLinesForContactsWorkAsWritten() {
        let repo = makeRepository()
        let added = inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com",
                          "--company", "Analytical Ltd", in: repo)
        XCTAssertEqual(added.stdout, "Added contact ct1 Ada Lovelace\n")
        let found = inbox("contact", "list", "--search", "lovelace", in: repo)
        XCTAssertTrue(found.stdout.contains("ct1"))
        XCTAssertTrue(found.stdout.contains("+15550100"), "phone stored in E.164: \(found.stdout)")

        let json = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines()
        XCTAssertEqual(json.count, 1)
        let record = json[0]
        for field in ["id", "first_name", "last_name", "phones", "emails", "company", "owner", "tags", "dnd", "created_at"] {
            XCTAssertNotNil(record[field], "--json contact lacks \(field)")
        }
        XCTAssertEqual(record["first_name"] as? String, "Ada")
        XCTAssertEqual(record["last_name"] as? String, "Lovelace")
        XCTAssertEqual(record["phones"] as? [String], ["+15550100"])
        XCTAssertEqual(record["created_at"] as? String, "2026-11-21T10:00:00Z")
        XCTAssertTrue(record["owner"] is NSNull)
    }

    func testQuietAddPrintsTheIdAloneAndIdsAreSequential() {
        let repo = makeRepository()
        XCTAssertEqual(inbox("contact", "add", "One", "-q", in: repo).stdout, "ct1\n")
        XCTAssertEqual(inbox("-q", "contact", "add", "Two", in: repo).stdout, "ct2\n")
    }

    func testSearchMatchesFirstNameLastNameEmailAndPhoneDigits() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@analytical.example", in: repo)
        inbox("contact", "add", "Grace Hopper", "--phone", "+1 555 0102", "--email", "grace@navy.example", in: repo)
        inbox("contact", "add", "John Smith", "--email", "js@smithco.example", in: repo)
        func search(_ query: String) -> [String] { inbox("contact", "list", "--search", query, "-q", in: repo).lines }
        XCTAssertEqual(search("ada"), ["ct1"])
        XCTAssertEqual(search("HOPPER"), ["ct2"])
        XCTAssertEqual(search("navy.example"), ["ct2"])
        XCTAssertEqual(search("555-0102"), ["ct2"])
        XCTAssertEqual(search("5550"), ["ct2", "ct1"])
        XCTAssertEqual(search("smith"), ["ct3"])
        XCTAssertEqual(search("nobody"), [])
    }

    func testAnEmptyListingExitsZeroAndPrintsNothing() {
        let repo = makeRepository()
        let result = inbox("contact", "list", in: repo)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(inbox("--json", "contact", "list", in: repo).stdout, "")
    }

    func testListIsNewestFirstAndPagingWithAfterVisitsEveryContactOnce() {
        let repo = makeRepository()
        seedContacts(repo, count: 2340)
        for n in 2341...2345 { inbox("contact", "add", "Person \(n)", in: repo) }
        inbox("fsck", in: repo)
        var seen: [String] = []
        var after: String?
        while true {
            var args = ["contact", "list", "-q", "--limit", "500"]
            if let after { args += ["--after", after] }
            let page = Inbox.run(args, in: repo.path).lines
            if page.isEmpty { break }
            seen += page
            after = page.last
        }
        XCTAssertEqual(seen.count, 2345)
        XCTAssertEqual(Set(seen).count, 2345, "a page repeated a contact")
        XCTAssertEqual(seen.first, "ct2345")
        XCTAssertEqual(seen.last, "ct1")
        XCTAssertEqual(seen, (1...2345).reversed().map { "ct\($0)" })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/contacts")).sorted(),
                       ["0000.jsonl", "0001.jsonl", "0002.jsonl"])
    }

    func testTagDndAndOwnerFiltersAndCustomFields() {
        let repo = makeRepository()
        inbox("user", "add", "alice", in: repo)
        inbox("config", "set", "user.name", "alice", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--tag", "VIP", "--owner", "alice", "--field", "plan=gold", in: repo)
        inbox("contact", "add", "Grace Hopper", "--tag", "prospect", in: repo)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines, ["ct1"], "tags ignore case")
        XCTAssertEqual(inbox("contact", "list", "--owner", "alice", "-q", in: repo).lines, ["ct1"])
        XCTAssertEqual(inbox("contact", "list", "--dnd", "sms", "-q", in: repo).lines, [])
        let shown = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines()[0]
        XCTAssertEqual(shown["fields"] as? [String: String], ["plan": "gold"])
        XCTAssertEqual(shown["tags"] as? [String], ["VIP"])
        // An owner who is not a registered user is refused once users exist.
        inbox("contact", "add", "Someone", "--owner", "mallory", in: repo, expect: 66)
        inbox("contact", "list", "--dnd", "carrier-pigeon", in: repo, expect: 64)
    }

    func testEditChangesOnlyWhatItIsToldAndKeepsTheIndexRight() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("contact", "edit", "ct1", "--add-phone", "+44 20 7946 0000", "--remove-phone", "+1 555 0100",
              "--company", "Analytical Ltd", "--disposition", "Callback", in: repo)
        let c = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines()[0]
        XCTAssertEqual(c["phones"] as? [String], ["+442079460000"])
        XCTAssertEqual(c["company"] as? String, "Analytical Ltd")
        XCTAssertEqual(c["first_name"] as? String, "Ada")
        // The old number is free again, the new one is taken.
        inbox("contact", "add", "Other", "--phone", "+1 555 0100", in: repo)
        let dup = inbox("contact", "add", "Copy", "--phone", "+44 20 7946 0000", in: repo, expect: 1)
        XCTAssertTrue(dup.stderr.contains("ct1"), dup.stderr)
        inbox("contact", "add", "Copy", "--phone", "+44 20 7946 0000", "--allow-duplicate", in: repo)
        inbox("fsck", in: repo)
        inbox("contact", "edit", "ct1", in: repo, expect: 64)
        inbox("contact", "edit", "ct404", "--company", "X", in: repo, expect: 66)
    }

    func testNotesAreShownNewestFirstAndTextCanComeFromStdin() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "note", "ct1", "First note", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-20T09:00:00Z"))
        inbox("contact", "note", "ct1", "-", in: repo, stdin: "Second note\nfrom stdin\n",
              environment: Inbox.baseEnvironment(now: "2026-11-21T09:00:00Z"))
        let shown = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines()[0]
        let notes = shown["notes"] as? [[String: Any]] ?? []
        XCTAssertEqual(notes.map { $0["text"] as? String }, ["Second note\nfrom stdin", "First note"])
        XCTAssertEqual(notes.first?["author"] as? String, "tester")
        let text = inbox("contact", "show", "ct1", in: repo).stdout
        XCTAssertLessThan(text.range(of: "Second note")!.lowerBound, text.range(of: "First note")!.lowerBound)
    }

    func testIdPrefixesResolveOrAreAmbiguous() {
        let repo = makeRepository()
        for n in 1...12 { inbox("contact", "add", "P\(n)", in: repo) }
        XCTAssertTrue(inbox("contact", "show", "CT12", in: repo).stdout.contains("P12"))
        let ambiguous = inbox("contact", "show", "ct", in: repo, expect: 64)
        XCTAssertTrue(ambiguous.stderr.contains("ambiguous"), ambiguous.stderr)
        XCTAssertTrue(ambiguous.stderr.contains("ct1, ct2"), ambiguous.stderr)
        inbox("contact", "show", "ct13", in: repo, expect: 66)
    }

    func testMalformedInputIsAUsageError() {
        let repo = makeRepository()
        inbox("contact", "add", "X", "--phone", "call me", in: repo, expect: 64)
        inbox("contact", "add", "X", "--email", "not-an-email", in: repo, expect: 64)
        inbox("contact", "add", "X", "--field", "novalue", in: repo, expect: 64)
        inbox("contact", "add", in: repo, expect: 64)
        inbox("contact", "list", "--limit", "ten", in: repo, expect: 64)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "", "nothing was written")
    }
}
