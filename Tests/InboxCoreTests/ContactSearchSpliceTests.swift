@testable import InboxCore
import XCTest

/// A bulk tag rewrites each contact-search file by splicing: changed contacts' lines written
/// anew, every other line kept as its bytes, all in id order. The edges: a file without its last
/// newline, an id twice, contacts not in the file yet, a line whose id cannot be read.
final class ContactSearchSpliceTests: XCTestCase {
    private func contact(_ n: Int) -> Contact {
        var c = Contact(id: "ct\(n)", firstName: "Person", lastName: "Number \(n)", createdAt: Timestamp(seconds: 1_764_000_000))
        c.tags = ["vip"]
        return c
    }

    private func new(_ n: Int) -> String { String(decoding: JSONLines.encode([ContactSearchEntry(contact(n))]), as: UTF8.self) }
    private func old(_ n: Int, _ text: String = "old") -> String { #"{"id":"ct\#(n)","text":"\#(text)"}"# }

    private func splice(_ file: String, changing numbers: [Int]) -> String? {
        let all = [contact(99)] + numbers.map(contact)
        return ContactSearchIndex.spliced(Array(file.utf8), Array(1...numbers.count), of: all).map { String(decoding: $0, as: UTF8.self) }
    }

    func testChangedLinesAreWrittenAnewAndTheRestKeptInIDOrder() {
        // The last line without its newline: replaced, or kept and given one.
        XCTAssertEqual(splice(old(1) + "\n" + old(2) + "\n" + old(3), changing: [3]), old(1) + "\n" + old(2) + "\n" + new(3))
        XCTAssertEqual(splice(old(1) + "\n" + old(2) + "\n" + old(3), changing: [2]), old(1) + "\n" + new(2) + old(3) + "\n")
        // A changed id twice becomes one line; an unchanged one twice stays twice.
        XCTAssertEqual(splice(old(1) + "\n" + old(2) + "\n" + old(2, "again") + "\n", changing: [2]), old(1) + "\n" + new(2))
        XCTAssertEqual(splice(old(1) + "\n" + old(1, "again") + "\n", changing: [2]), old(1) + "\n" + old(1, "again") + "\n" + new(2))
        // Contacts not in the file go where their ids sort (by number: ct9 before ct10).
        XCTAssertEqual(splice(old(1) + "\n" + old(10) + "\n", changing: [11, 9]), old(1) + "\n" + new(9) + old(10) + "\n" + new(11))
        XCTAssertEqual(splice("", changing: [5, 4]), new(4) + new(5))
    }

    func testALineWhoseIDCannotBeReadLeavesTheFileToTheParser() {
        XCTAssertNil(splice(old(1) + "\n" + #"{"text":"x","id":"ct2"}"# + "\n", changing: [1]))
        XCTAssertNil(splice(old(1) + "\n\n" + old(2) + "\n", changing: [1]))
        XCTAssertNil(splice(#"{"id":"ct\u0031","text":"x"}"# + "\n", changing: [1]))
    }
}
