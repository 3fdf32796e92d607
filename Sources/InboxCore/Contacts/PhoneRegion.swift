/// A region's telephone numbering, as much as normalising to E.164 needs: its country calling
/// code, the trunk prefix dialled before national numbers (dropped in E.164), and how many
/// digits a national significant number has. A small table, not libphonenumber: it catches
/// missing area codes and stray digits, not every unassigned range.
public struct PhoneRegion: Sendable {
    /// ISO 3166-1 alpha-2, upper case (`US`, `GB`).
    public let code: String
    public let callingCode: String
    public let trunkPrefix: String?
    public let lengths: ClosedRange<Int>
    public let name: String

    /// Regions `phone.region` accepts. NANP members share +1 and its stricter rules.
    public static let all: [PhoneRegion] = [
        PhoneRegion(code: "US", callingCode: "1", trunkPrefix: "1", lengths: 10...10, name: "United States"),
        PhoneRegion(code: "CA", callingCode: "1", trunkPrefix: "1", lengths: 10...10, name: "Canada"),
        PhoneRegion(code: "GB", callingCode: "44", trunkPrefix: "0", lengths: 9...10, name: "United Kingdom"),
        PhoneRegion(code: "IE", callingCode: "353", trunkPrefix: "0", lengths: 7...9, name: "Ireland"),
        PhoneRegion(code: "FR", callingCode: "33", trunkPrefix: "0", lengths: 9...9, name: "France"),
        PhoneRegion(code: "BE", callingCode: "32", trunkPrefix: "0", lengths: 8...9, name: "Belgium"),
        PhoneRegion(code: "NL", callingCode: "31", trunkPrefix: "0", lengths: 9...9, name: "Netherlands"),
        PhoneRegion(code: "DE", callingCode: "49", trunkPrefix: "0", lengths: 6...13, name: "Germany"),
        PhoneRegion(code: "AT", callingCode: "43", trunkPrefix: "0", lengths: 4...13, name: "Austria"),
        PhoneRegion(code: "CH", callingCode: "41", trunkPrefix: "0", lengths: 9...9, name: "Switzerland"),
        // Italy keeps the leading 0 of landlines in E.164: no trunk prefix to drop.
        PhoneRegion(code: "IT", callingCode: "39", trunkPrefix: nil, lengths: 6...11, name: "Italy"),
        PhoneRegion(code: "ES", callingCode: "34", trunkPrefix: nil, lengths: 9...9, name: "Spain"),
        PhoneRegion(code: "PT", callingCode: "351", trunkPrefix: nil, lengths: 9...9, name: "Portugal"),
        PhoneRegion(code: "DK", callingCode: "45", trunkPrefix: nil, lengths: 8...8, name: "Denmark"),
        PhoneRegion(code: "NO", callingCode: "47", trunkPrefix: nil, lengths: 8...8, name: "Norway"),
        PhoneRegion(code: "SE", callingCode: "46", trunkPrefix: "0", lengths: 7...9, name: "Sweden"),
        PhoneRegion(code: "PL", callingCode: "48", trunkPrefix: nil, lengths: 9...9, name: "Poland"),
        PhoneRegion(code: "AU", callingCode: "61", trunkPrefix: "0", lengths: 9...9, name: "Australia"),
        PhoneRegion(code: "NZ", callingCode: "64", trunkPrefix: "0", lengths: 8...10, name: "New Zealand"),
        PhoneRegion(code: "ZA", callingCode: "27", trunkPrefix: "0", lengths: 9...9, name: "South Africa"),
        PhoneRegion(code: "IN", callingCode: "91", trunkPrefix: "0", lengths: 10...10, name: "India"),
        PhoneRegion(code: "JP", callingCode: "81", trunkPrefix: "0", lengths: 9...10, name: "Japan"),
        PhoneRegion(code: "BR", callingCode: "55", trunkPrefix: "0", lengths: 10...11, name: "Brazil"),
        PhoneRegion(code: "MX", callingCode: "52", trunkPrefix: nil, lengths: 10...10, name: "Mexico"),
    ]

    public static func named(_ code: String) -> PhoneRegion? {
        all.first { $0.code == code.uppercased() }
    }

    /// The region whose calling code starts these international digits (calling codes are
    /// prefix-free, so at most one code matches).
    static func owning(_ digits: String) -> PhoneRegion? {
        all.first { digits.hasPrefix($0.callingCode) }
    }

    /// A national number written in this region (`212-555-0100`, `07700 900123`) in E.164, or
    /// why it cannot be one.
    func international(national digits: String, typed text: String) throws(InboxError) -> String {
        var national = digits
        // A trunk prefix is dropped; the NANP's "1" only when it is an eleventh digit.
        if let trunk = trunkPrefix, national.hasPrefix(trunk), trunk != "1" || national.count > lengths.upperBound {
            national.removeFirst(trunk.count)
        }
        return try checked(callingCode + national, typed: text)
    }

    /// Checks the digits after `+` for a number of this region: its length, and for the NANP an
    /// area code and exchange that do not start with 0 or 1.
    func checked(_ international: String, typed text: String) throws(InboxError) -> String {
        let national = international.dropFirst(callingCode.count)
        guard lengths.contains(national.count) else {
            let expected = lengths.count == 1 ? "\(lengths.lowerBound)" : "\(lengths.lowerBound) to \(lengths.upperBound)"
            let hint = callingCode == "1" && national.count == 7 ? "; add the area code, e.g. 212-555-0100" : ""
            throw InboxError.usage("'\(text)' is not a valid \(name) number: \(national.count) digits after +\(callingCode), expected \(expected)\(hint)")
        }
        if callingCode == "1" {
            let area = national.prefix(1), exchange = national.dropFirst(3).prefix(1)
            guard area != "0", area != "1", exchange != "0", exchange != "1" else {
                throw InboxError.usage("'\(text)' is not a valid North American number: area code and exchange cannot start with 0 or 1 (e.g. +1 212 555 0100)")
            }
        }
        return "+" + international
    }
}
