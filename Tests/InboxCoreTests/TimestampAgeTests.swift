@testable import InboxCore
import XCTest

/// Listings show anything older than a month as its local date; `age` makes that date without
/// formatting the whole local time, and must print what the first ten characters of it were.
final class TimestampAgeTests: XCTestCase {
    func testAnOldTimeShowsTheFirstTenCharactersOfItsLocalDescription() {
        let moments: [Int64] = [0, 86_399, 951_782_400, 1_764_460_800, 4_102_444_799, 253_402_300_799 - 86_400 * 40, 253_402_300_799]
        for seconds in moments {
            let then = Timestamp(seconds: seconds)
            let later = Timestamp(seconds: seconds + 86_400 * 40)
            XCTAssertEqual(then.age(relativeTo: later), String(then.localDescription.prefix(10)), "at \(seconds)")
        }
    }
}
