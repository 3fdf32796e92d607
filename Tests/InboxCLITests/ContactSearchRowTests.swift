import Foundation
import XCTest

/// `contact list --search` shows rows from the contact-search index (`index/contact-search`),
/// which carries what a row shows: every change a row shows reaches the index in the same
/// commit, fsck finds an entry that says otherwise, and an index written before rows were kept
/// still gives the same listing.
final class ContactSearchRowTests: XCTestCase {
    private func search(_ query: String, _ extra: String..., in repo: TempDirectory) -> String {
        let result = InProcessInbox.run(["contact", "list", "--search", query] + extra, in: repo.path)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    private var indexFile: String { ".inbox/index/contact-search/0000.jsonl" }

    func testARowShowsEveryChangeItShowsAndTheSearchFindsTheNewName() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@analytical.example", in: repo)
        run("user", "add", "tester", in: repo)
        run("user", "add", "carol", in: repo)
        XCTAssertEqual(search("lovelace", in: repo), """
            ID   NAME          PHONE      EMAIL                   COMPANY  TAGS  OWNER  ADDED
            ct1  Ada Lovelace  +15550100  ada@analytical.example  -        -     -      just now

            """)
        run("contact", "edit", "ct1", "--last-name", "Byron", "--company", "Analytical Ltd", "--owner", "carol",
            "--phone", "+1 555 0199", "--email", "ada@byron.example", in: repo)
        run("contact", "tag", "ct1", "--add", "vip", in: repo)
        XCTAssertEqual(search("lovelace", in: repo), "")
        XCTAssertEqual(search("byron", in: repo), """
            ID   NAME       PHONE      EMAIL              COMPANY         TAGS  OWNER  ADDED
            ct1  Ada Byron  +15550199  ada@byron.example  Analytical Ltd  vip   carol  just now

            """)
        XCTAssertEqual(search("555-0199", "-q", in: repo), "ct1\n")
        run("contact", "tag", "ct1", "--remove", "vip", in: repo)
        XCTAssertTrue(search("ada", in: repo).contains("Analytical Ltd  -     carol"), search("ada", in: repo))
        run("fsck", in: repo)
    }

    /// The rows come from the index: a row the index holds wrongly is what the text listing
    /// shows (--json reads the contact), until fsck finds it and --repair rebuilds it.
    func testTheListingReadsItsRowsFromTheIndexAndFsckFindsAStaleRow() throws {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", "--company", "Analytical Ltd", in: repo)
        let path = repo.file(indexFile)
        let entry = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(entry.contains(#""company":"Analytical Ltd""#), entry)
        try entry.replacingOccurrences(of: "Analytical Ltd", with: "Stale Works").write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertTrue(search("lovelace", in: repo).contains("Stale Works"), search("lovelace", in: repo))
        XCTAssertTrue(search("lovelace", "--json", in: repo).contains(#""company":"Analytical Ltd""#))

        let fsck = run("fsck", in: repo, expect: 65).stdout
        XCTAssertTrue(fsck.contains("0000.jsonl: the search index does not match the contacts"), fsck)
        run("fsck", "--repair", in: repo)
        run("fsck", in: repo)
        XCTAssertTrue(search("lovelace", in: repo).contains("Analytical Ltd"), search("lovelace", in: repo))
    }

    /// A tag writes its new tags between the bytes of an entry that is otherwise what the
    /// contact says; an entry that says anything else differently (a stale company, a stale
    /// text, a name the fast reader does not take) is written whole, so fsck is clean after.
    func testATagWritesAStaleEntryWholeAndOnlyTheTagsOfACurrentOne() throws {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", "--company", "Analytical Ltd", "--tag", "old", in: repo)
        run("contact", "add", "Grace Hopper", "--phone", "+1 555 0100", in: repo)
        run("contact", "add", #"Zoë "Z" Brown"#, in: repo)
        run("contact", "add", "Alan Turing", "--email", "alan@bletchley.example", in: repo)
        let path = repo.file(indexFile)
        let entries = try String(contentsOfFile: path, encoding: .utf8)
        try entries.replacingOccurrences(of: #""company":"Analytical Ltd""#, with: #""company":"Stale Works""#)
            .replacingOccurrences(of: #""text":"grace hopper"#, with: #""text":"grace hoppr"#)
            .write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(run("fsck", in: repo, expect: 65).status, 65)

        run("contact", "tag", "ct1", "ct2", "ct3", "ct4", "--add", "vip", "--add", "Big Deal", "--remove", "old", in: repo)
        let after = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(after.count, 4)
        XCTAssertTrue(after[0].contains(#""company":"Analytical Ltd","owner":null,"tags":["vip","Big Deal"]"#), String(after[0]))
        XCTAssertTrue(after[1].hasPrefix(#"{"id":"ct2","text":"grace hopper | 15550100""#), String(after[1]))
        XCTAssertTrue(after[3].hasSuffix(#""tags":["vip","Big Deal"],"created_at":"2026-11-21T10:00:00Z"}}"#), String(after[3]))
        run("fsck", in: repo)
        XCTAssertEqual(search("hopper", "-q", in: repo), "ct2\n")
        let row = search("lovelace", in: repo)
        XCTAssertTrue(row.contains("Analytical Ltd") && row.contains("vip,Big Deal"), row)
    }

    /// An index written before rows were kept (`{"id","text"}`) gives the same listing, read
    /// from the contact shards; a change to a contact, or fsck --repair, writes its row.
    func testAnIndexWithoutRowsStillListsTheSameContacts() throws {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--tag", "vip", in: repo)
        run("contact", "add", "Grace Lovelace", "--email", "grace@navy.example", in: repo)
        run("contact", "add", "Alan Turing", in: repo)
        let rows = search("lovelace", in: repo)
        let ids = search("lovelace", "-q", in: repo)
        XCTAssertEqual(ids, "ct2\nct1\n")

        let path = repo.file(indexFile)
        let current = try String(contentsOfFile: path, encoding: .utf8)
        let old = current.split(separator: "\n").map { line in String(line[..<line.range(of: #","row":"#)!.lowerBound]) + "}" }
        XCTAssertEqual(old.first, #"{"id":"ct1","text":"ada lovelace | 15550100"}"#)
        try (old.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(search("lovelace", in: repo), rows)
        XCTAssertEqual(search("lovelace", "-q", in: repo), ids)

        // One contact changed: its entry gets a row, the other keeps the old form; still the same listing.
        run("contact", "tag", "ct2", "--add", "navy", in: repo)
        let mixed = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(mixed.map { $0.contains(#""row":"#) }, [false, true, false])
        XCTAssertEqual(search("lovelace", in: repo), rows.replacingOccurrences(of: "grace@navy.example  -        -     ", with: "grace@navy.example  -        navy  "))

        XCTAssertTrue(run("fsck", in: repo, expect: 65).stdout.contains("the search index does not match the contacts"))
        run("fsck", "--repair", in: repo)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.contains(#""row":"#) }, [true, true, true])
    }

    /// Filters a row does not know (do-not-contact) and orders it cannot give (updated) still
    /// work with a search: those read whole contacts.
    func testSearchWithDndFilterAndSortByUpdatedStillWork() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", in: repo)
        run("contact", "add", "Grace Lovelace", in: repo)
        run("contact", "dnd", "ct1", "--on", "sms", in: repo)
        XCTAssertEqual(search("lovelace", "--dnd", "sms", "-q", in: repo), "ct1\n")
        run("contact", "edit", "ct1", "--company", "Later Ltd", in: repo, environment: Inbox.baseEnvironment(now: "2026-11-22T10:00:00Z"))
        XCTAssertEqual(search("lovelace", "--sort", "updated", "-q", in: repo), "ct1\nct2\n")
        XCTAssertEqual(search("lovelace", "--tag", "nope", "-q", in: repo), "")
    }
}
