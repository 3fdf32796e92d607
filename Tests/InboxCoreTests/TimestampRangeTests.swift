import InboxCore
import XCTest

/// Timestamp arithmetic stays inside what the repository can store (issue 10, item 7).
final class TimestampRangeTests: XCTestCase {
    func testTheRangeIsTheFourDigitYearsSince1970() {
        XCTAssertEqual(Timestamp.earliest.iso, "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp.latest.iso, "9999-12-31T23:59:59Z")
        XCTAssertNil(Timestamp(iso: "1969-12-31T23:59:59Z"))
        XCTAssertNil(Timestamp(iso: "0000-01-01T00:00:00Z"))
        XCTAssertEqual(Timestamp(iso: "9999-12-31T23:59:59Z"), Timestamp.latest)
    }

    func testDerivedTimesSaturateInsteadOfLeavingTheRangeOrOverflowing() {
        XCTAssertEqual(Timestamp.latest.adding(seconds: 7200).iso, "9999-12-31T23:59:59Z")
        XCTAssertEqual(Timestamp.earliest.adding(seconds: -1).iso, "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp(seconds: 1_000).adding(seconds: Int64.max), Timestamp.latest)
        XCTAssertEqual(Timestamp(seconds: -1_000).adding(seconds: Int64.min), Timestamp.earliest)
        XCTAssertEqual(Timestamp(seconds: 100).adding(seconds: 20).seconds, 120)
    }

    func testTypedTimesOutsideTheRangeAreUsageErrors() {
        let now = Timestamp(iso: "9999-12-31T12:00:00Z")!
        for text in ["9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00+01:00", "+12h", "+1d", "+99999w", "tomorrow 9:00"] {
            XCTAssertThrowsError(try TimeExpression.resolve(text, now: now), text) { error in
                guard case InboxError.usage(let explanation)? = error as? InboxError else { return XCTFail("\(text): \(error)") }
                let message = explanation.description
                XCTAssertTrue(message.contains("1970 to 9999"), message)
            }
        }
        XCTAssertEqual(try TimeExpression.resolve("+11h", now: now).iso, "9999-12-31T23:00:00Z")
    }
}
