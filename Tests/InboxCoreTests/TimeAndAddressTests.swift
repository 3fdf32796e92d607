import InboxCore
import XCTest

final class TimeAndAddressTests: XCTestCase {
    override func setUp() {
        setenv("TZ", "America/New_York", 1)
        tzset()
    }

    let now = Timestamp(iso: "2026-11-21T15:00:00Z")!  // Saturday 10:00 in New York

    func resolve(_ text: String) throws -> String { try TimeExpression.resolve(text, now: now).iso }

    func testTimeForms() throws {
        XCTAssertEqual(try resolve("now"), "2026-11-21T15:00:00Z")
        XCTAssertEqual(try resolve("2026-11-23T09:00"), "2026-11-23T14:00:00Z")
        XCTAssertEqual(try resolve("2026-11-23 09:00:30"), "2026-11-23T14:00:30Z")
        XCTAssertEqual(try resolve("2026-11-23T09:00Z"), "2026-11-23T09:00:00Z")
        XCTAssertEqual(try resolve("2026-11-23T09:00+02:00"), "2026-11-23T07:00:00Z")
        XCTAssertEqual(try resolve("+30m"), "2026-11-21T15:30:00Z")
        XCTAssertEqual(try resolve("+2h"), "2026-11-21T17:00:00Z")
        XCTAssertEqual(try resolve("+3d"), "2026-11-24T15:00:00Z")
        XCTAssertEqual(try resolve("today 17:00"), "2026-11-21T22:00:00Z")
        XCTAssertEqual(try resolve("tomorrow 9:00"), "2026-11-22T14:00:00Z")
        XCTAssertEqual(try resolve("mon 9:00"), "2026-11-23T14:00:00Z")
        XCTAssertEqual(try resolve("sat 9:00"), "2026-11-28T14:00:00Z", "today's weekday, time passed: next week")
        XCTAssertEqual(try resolve("sat 11:00"), "2026-11-21T16:00:00Z")
        XCTAssertEqual(try resolve("tomorrow 5pm"), "2026-11-22T22:00:00Z")
    }

    func testUnclearTimesAreRefusedNotGuessed() {
        for text in ["", "soon", "tomorrow", "tomorrow 9", "2026-02-30", "2026-11-23T25:00", "+5x", "mon 9:00 extra", "next monday"] {
            XCTAssertThrowsError(try resolve(text), text) { error in
                guard case InboxError.usage(let explanation) = error else { return XCTFail("\(text): \(error)") }
                let message = explanation.description
                XCTAssertTrue(message.contains("unclear time"), message)
            }
        }
    }

    func testDaylightSavingGapsAndRepeatsNeedAZone() throws {
        // 2026-03-08 02:30 does not exist in New York; 2026-11-01 01:30 happens twice.
        XCTAssertThrowsError(try resolve("2026-03-08T02:30"))
        XCTAssertThrowsError(try resolve("2026-11-01T01:30"))
        XCTAssertEqual(try resolve("2026-11-01T01:30-05:00"), "2026-11-01T06:30:00Z")
        // A calendar day across the change is still 9:00 local on both sides.
        let before = Timestamp(iso: "2026-10-31T13:00:00Z")!  // 09:00 EDT
        XCTAssertEqual(try TimeExpression.resolve("+1d", now: before).iso, "2026-11-01T14:00:00Z")  // 09:00 EST
    }

    func testPhoneNumbersAreStoredInE164WherePossible() throws {
        XCTAssertEqual(try PhoneNumber.normalize("+1 555 0100", countryCode: nil), "+15550100")
        XCTAssertEqual(try PhoneNumber.normalize("(555) 010-0100", countryCode: "1"), "+15550100100")
        XCTAssertEqual(try PhoneNumber.normalize("07700 900123", countryCode: "44"), "+447700900123")
        XCTAssertEqual(try PhoneNumber.normalize("0044 7700 900123", countryCode: nil), "+447700900123")
        XCTAssertEqual(try PhoneNumber.normalize("555 0100", countryCode: nil), "5550100")
        XCTAssertThrowsError(try PhoneNumber.normalize("call me", countryCode: nil))
        XCTAssertThrowsError(try PhoneNumber.normalize("+1 2", countryCode: nil))
    }

    func testDurations() {
        XCTAssertEqual(DurationText.seconds("1h30m"), 5400)
        XCTAssertEqual(DurationText.seconds("12m"), 720)
        XCTAssertNil(DurationText.seconds("90"))
        XCTAssertNil(DurationText.seconds("5 minutes"))
        XCTAssertEqual(DurationText.format(5400), "1h30m")
    }
}
