import XCTest
@testable import InboxCore

/// `phone.region`'s numbering table, case by case: what each region turns into E.164 and what
/// it refuses (issue 11 item 7).
final class PhoneRegionTests: XCTestCase {
    func testNationalAndInternationalNumbersUnderARegion() throws {
        // (region, typed, E.164 or nil for refused)
        let cases: [(String, String, String?)] = [
            ("US", "212-555-0001", "+12125550001"),
            ("US", "(212) 555-0001", "+12125550001"),
            ("US", "1 212 555 0001", "+12125550001"),
            ("US", "+1 212 555 0001", "+12125550001"),
            ("US", "001 212 555 0001", "+12125550001"),
            ("US", "555-0001", nil),              // no area code
            ("US", "112-555-0001", nil),          // area code starts with 1
            ("US", "212-055-0001", nil),          // exchange starts with 0
            ("US", "212-555-00011", nil),         // a digit too many
            ("US", "+1 555 0100", nil),           // the old README's number: not a NANP number
            ("US", "+44 20 7946 0018", "+442079460018"),
            ("US", "+44 20 7946", nil),
            ("US", "+998 90 123 4567", "+998901234567"),  // not in the table: length only
            ("CA", "416 555 0100", "+14165550100"),
            ("GB", "020 7946 0018", "+442079460018"),
            ("GB", "07700 900123", "+447700900123"),
            ("GB", "7700 900123", "+447700900123"),
            ("GB", "0770090", nil),
            ("FR", "06 12 34 56 78", "+33612345678"),
            ("DE", "030 1234567", "+49301234567"),
            ("IT", "06 1234 5678", "+390612345678"),  // Italy keeps the 0
            ("ES", "612 345 678", "+34612345678"),
            ("AU", "02 9374 4000", "+61293744000"),
        ]
        for (code, typed, expected) in cases {
            let region = try XCTUnwrap(PhoneRegion.named(code), code)
            if let expected {
                XCTAssertEqual(try PhoneNumber.normalize(typed, countryCode: nil, region: region), expected, "\(code) \(typed)")
            } else {
                XCTAssertThrowsError(try PhoneNumber.normalize(typed, countryCode: nil, region: region), "\(code) \(typed)")
            }
        }
    }

    func testEveryRegionIsDistinctAndNamedByItsISOCode() {
        let codes = PhoneRegion.all.map(\.code)
        XCTAssertEqual(Set(codes).count, codes.count)
        XCTAssertTrue(codes.allSatisfy { $0.count == 2 && $0 == $0.uppercased() })
        XCTAssertEqual(PhoneRegion.named("gb")?.callingCode, "44")
        XCTAssertNil(PhoneRegion.named("XX"))
    }
}
