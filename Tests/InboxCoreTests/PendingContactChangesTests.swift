@testable import InboxCore
import XCTest

/// A bulk tag notes its contacts for the search index in one list (`searchedMany`) instead of
/// one entry each; what the index is then handed must still be the latest version of each
/// contact noted, each once, however lists and single notes follow one another or are undone.
final class PendingContactChangesTests: XCTestCase {
    private let t0 = Timestamp(iso: "2026-11-21T10:00:00Z")!

    private func contact(_ id: String, _ first: String, tags: [String] = []) -> Contact {
        var c = Contact(id: id, firstName: first, lastName: "Example", createdAt: t0)
        c.tags = tags
        return c
    }

    /// The search index's input, as id → first name (the version's label), checking each id once.
    private func searched(_ pending: PendingIndexChanges) -> [String: String] {
        let list = pending.searched
        XCTAssertEqual(Set(list.map(\.id)).count, list.count, "an id handed on twice: \(list.map(\.id))")
        return Dictionary(list.map { ($0.id, $0.firstName) }, uniquingKeysWith: { a, _ in a })
    }

    func testTheLatestNoteOfEachContactWinsWhetherAloneOrInAList() {
        var pending = PendingIndexChanges()
        pending.note(.searched(contact("ct1", "single-1")))
        pending.note(.searched(contact("ct9", "single-9")))
        pending.note(.searchedMany([contact("ct1", "list-1"), contact("ct2", "list-2"), contact("ct3", "list-3")]))
        XCTAssertEqual(searched(pending), ["ct1": "list-1", "ct2": "list-2", "ct3": "list-3", "ct9": "single-9"])
        let beforeSecondList = pending.position
        pending.note(.searched(contact("ct2", "after-2")))
        pending.note(.searchedMany([contact("ct3", "second-3"), contact("ct4", "second-4")]))
        XCTAssertEqual(searched(pending), ["ct1": "list-1", "ct2": "after-2", "ct3": "second-3", "ct4": "second-4", "ct9": "single-9"])
        // A batch line undone: the notes before it are folded again, in order.
        pending.rollback(to: beforeSecondList)
        XCTAssertEqual(searched(pending), ["ct1": "list-1", "ct2": "list-2", "ct3": "list-3", "ct9": "single-9"])
        pending.markSettled()
        XCTAssertEqual(searched(pending), [:])
        XCTAssertTrue(pending.isEmpty)
    }

    func testOneListAloneIsHandedOnAsItIs() {
        var pending = PendingIndexChanges()
        let list = (1...5).map { contact("ct\($0)", "n\($0)", tags: ["vip"]) }
        pending.note(.searchedMany(list))
        XCTAssertEqual(pending.searched.map(\.id), list.map(\.id))
    }

    /// The bulk path decides without building names or entries whether a change renames a
    /// contact or changes its search entry: it must agree with building them, field by field.
    func testRenameAndSearchEntryChecksAgreeWithBuildingThem() {
        var base = contact("ct1", "Ada", tags: ["vip"])
        base.phones = ["+15550100"]
        base.emails = ["ada@example.com"]
        base.company = "Engines"
        let edits: [(String, (inout Contact) -> Void)] = [
            ("nothing", { _ in }), ("updated", { $0.updatedAt = Timestamp(iso: "2026-12-01T00:00:00Z")! }),
            ("tags", { $0.tags = ["vip", "gold"] }), ("tag case", { $0.tags = ["VIP"] }), ("first", { $0.firstName = "Augusta" }),
            ("last", { $0.lastName = "Lovelace" }), ("split name", { $0.firstName = "Ada Example"; $0.lastName = "" }),
            ("no name", { $0.firstName = ""; $0.lastName = "" }), ("phone", { $0.phones = ["+15550101"] }),
            ("second phone", { $0.phones.append("+15550102") }), ("email", { $0.emails = ["lovelace@example.com"] }),
            ("company", { $0.company = nil }), ("owner", { $0.owner = "carol" }), ("handle", { $0.handles[.telegram] = "ada_l" }),
            ("dnd", { $0.dnd.all = true }), ("disposition", { $0.disposition = "won" }), ("field", { $0.fields = [("vat", "GB1")] }),
            ("created", { $0.createdAt = Timestamp(iso: "2026-01-01T00:00:00Z")! }),
        ]
        var nameless = base
        (nameless.firstName, nameless.lastName) = ("", "")
        for start in [base, nameless] {
            for (what, edit) in edits {
                var after = start
                edit(&after)
                XCTAssertEqual(start.isRenamed(to: after), start.displayName != after.displayName, what)
                XCTAssertEqual(ContactSearchEntry.differ(start, after), ContactSearchEntry(start) != ContactSearchEntry(after), what)
            }
        }
    }
}
