@testable import InboxCore
import XCTest

/// `contact list --search` decides a match through `ContactQuery`, which compares printable
/// ASCII byte by byte. It must answer exactly as the rule it replaced (lower-cased substring by
/// characters of a name, the full name or an email; a handle without the @; phone digits),
/// written out again here as the reference.
final class ContactQueryTests: XCTestCase {
    /// Substring by characters, as `String.contains` decides in InboxCore (which does not import
    /// Foundation; here Foundation's `contains` would compare scalars, finding a lone accent).
    func has(_ text: String, _ part: String) -> Bool {
        Array(text).contains(Array(part))
    }

    func reference(_ c: Contact, _ query: String) -> Bool {
        let q = query.trimmingWhitespace().lowercased()
        guard !q.isEmpty else { return true }
        let full = [c.firstName, c.lastName].filter { !$0.isEmpty }.joined(separator: " ")
        if has(c.firstName.lowercased(), q) || has(c.lastName.lowercased(), q) || has(full.lowercased(), q) { return true }
        if c.emails.contains(where: { has($0.lowercased(), q) }) { return true }
        let handle = q.hasPrefix("@") ? String(q.dropFirst()) : q
        if !handle.isEmpty, c.handles.values.contains(where: { has($0, handle) }) { return true }
        if q.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }) {
            let digits = PhoneNumber.digits(q)
            if !digits.isEmpty, c.phones.contains(where: { has(PhoneNumber.digits($0), digits) }) { return true }
        }
        return false
    }

    func contact(_ first: String, _ last: String, emails: [String] = [], phones: [String] = [], handles: [Channel: String] = [:]) -> Contact {
        var c = Contact(id: "ct1", firstName: first, lastName: last, createdAt: Timestamp(seconds: 0))
        c.emails = emails
        c.phones = phones
        c.handles = handles
        return c
    }

    var contacts: [Contact] {
        [
            contact("Ada", "Lovelace", emails: ["Ada.Lovelace@Example.COM"], phones: ["+1 (555) 010-0100"], handles: [.instagram: "ada.l"]),
            contact("Ada", ""), contact("", "Lovelace"), contact("", ""),
            contact("Zoë", "Ångström", emails: ["zoe@example.com"]),
            contact("Zoe\u{301}", "Smith"),                      // e + combining acute: one character
            contact("Grace\r\nHopper", "X"),                      // CR LF is one character
            contact("Tab\tName", "Semi;colon", emails: ["weird\u{7F}@example.com"]),
            contact("İlkay", "STRASSE", emails: ["STRAẞE@example.de"]),
            contact("王", "小明", phones: ["555-0199"], handles: [.telegram: "wang_xm", .facebook: "wang.xiaoming"]),
            contact("Bob", "O'Brien \"Jr\"", emails: ["bob\\o@example.com"]),
        ]
    }

    let queries = [
        "", "  ", "ada", "ADA", " lovelace ", "ada lov", "a lov", "lovelace ada", "a.lov", "example.com", "@example",
        "@ada", "@", "@@ada", "ada.l", "555", "555-0100", "(555) 010", "+1555", "0100", "5550100", "1 (555", "x",
        "zoë", "ZOË", "zoe", "zoé", "ångström", "e", "\u{301}", "grace", "grace\r\nhopper", "\r", "\n", "hopper x",
        "tab\tname", "\t", "colon", "\u{7F}", "i̇lkay", "ilkay", "strasse", "straße", "ẞ", "ss", "王", "小明",
        "王 小", "wang", "_xm", "@wang.x", "o'brien", "\"jr\"", "bob\\o", "\\",
    ]

    func testMatchesAsTheCharacterRuleDoesOnEveryPair() {
        for query in queries {
            let prepared = ContactQuery(query)
            for c in contacts {
                XCTAssertEqual(prepared.matches(c), reference(c, query), "query \(query.debugDescription) on \(c.fullName.debugDescription)")
                XCTAssertEqual(c.matches(search: query), reference(c, query))
            }
        }
    }

    func testASCIIComparisonFoldsOnlyWhenAskedAndGivesUpOnOtherBytes() {
        XCTAssertEqual(ContactQuery.asciiContains("Ada LOVELACE", Array("lovelace".utf8), foldCase: true), true)
        XCTAssertEqual(ContactQuery.asciiContains("Ada LOVELACE", Array("lovelace".utf8), foldCase: false), false)
        XCTAssertEqual(ContactQuery.asciiContains("ada", Array("adam".utf8), foldCase: true), false)
        XCTAssertNil(ContactQuery.asciiContains("Zoë", Array("zo".utf8), foldCase: true))
        XCTAssertNil(ContactQuery.asciiContains("a\r\nb", Array("a".utf8), foldCase: true))
        XCTAssertNil(ContactQuery.printableASCII("a\tb"))
    }
}
