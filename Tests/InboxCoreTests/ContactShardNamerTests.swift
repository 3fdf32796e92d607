@testable import InboxCore
import XCTest

/// A bulk change names the shard of each id once per run of ids in one shard; whatever order
/// ids come in, it must say what `IDSpace.key` and `IDSpace.shard` say.
final class ContactShardNamerTests: XCTestCase {
    func testItSaysWhatTheIDSpaceSays() {
        let ids = ["ct1", "ct999", "ct1000", "ct1001", "ct5", "ct100000", "ct99999", "ct1000000", "ctk3f9x2m7qa4r", "ct1002",
                   "ctm3f9x2m7qa4r", "ct0", "ct01", "cv1", "ct", "", "ct1x", "ct999999999999", "ct1000000000000", "ct2000"]
        var namer = ContactShardNamer()
        let space = Contacts.table.ids
        for id in ids + ids.reversed() {
            let place = namer.place(of: id)
            XCTAssertEqual(place?.key, space.key(of: id), id)
            XCTAssertEqual(place?.shard, space.shard(of: id), id)
        }
        XCTAssertEqual(namer.place(of: "ct1001")?.shard, "0001")
    }
}
