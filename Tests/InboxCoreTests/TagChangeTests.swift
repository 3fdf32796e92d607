@testable import InboxCore
import XCTest

/// A bulk tag applies its change with the tags lower-cased once (`TagChange.Prepared`): it must
/// give what `Tags.merge(Tags.removing(…))` gives, for every mix of case, repeats and overlap.
final class TagChangeTests: XCTestCase {
    func testPreparedChangeGivesWhatMergeAndRemoveGive() {
        let existing: [[String]] = [[], ["vip"], ["VIP"], ["vip", "Gold"], ["a", "B", "c"], ["Ünïcode", "straße"], ["vip", "VIP"]]
        let adds: [[String]] = [[], ["vip"], ["Vip"], ["gold", "GOLD"], ["new", "a"], ["ÜNÏCODE"], ["x", "y", "x"]]
        let removes: [[String]] = [[], ["vip"], ["VIP"], ["gold", "b"], ["Straße"], ["nothing"], ["new"]]
        var checked = 0
        for tags in existing {
            for add in adds {
                for remove in removes {
                    var change = TagChange()
                    (change.add, change.remove) = (add, remove)
                    let expected = Tags.merge(Tags.removing(tags, remove), adding: add)
                    XCTAssertEqual(change.prepared.apply(to: tags), expected, "\(tags) + \(add) - \(remove)")
                    var contact = Contact(id: "ct1", firstName: "A", lastName: "B", createdAt: .earliest)
                    contact.tags = tags
                    XCTAssertEqual(change.prepared.apply(to: &contact), expected != tags)
                    XCTAssertEqual(contact.tags, expected)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 343)
    }
}
