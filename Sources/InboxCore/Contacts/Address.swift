/// Phone numbers are stored in E.164 (`+12125550100`) whenever the country is known: from a
/// leading `+` or `00`, from `phone.region` (checked against the region's numbering), or from the
/// older `phone.country_code` (not checked). Otherwise the digits are kept as typed.
public enum PhoneNumber {
    public static func normalize(_ text: String, config: Config) throws(InboxError) -> String {
        try normalize(text, countryCode: config.countryCode, region: config.phoneRegion)
    }

    public static func normalize(_ text: String, countryCode: String?, region: PhoneRegion? = nil) throws(InboxError) -> String {
        let trimmed = text.trimmingWhitespace()
        var digits = ""
        var plus = false
        for (i, c) in trimmed.enumerated() {
            if c.isASCII, c.isNumber { digits.append(c); continue }
            if c == "+", i == 0 { plus = true; continue }
            if " -.()/".contains(c) { continue }
            throw InboxError.usage("'\(text)' is not a phone number (digits, spaces, '-', '.', '(', ')' and a leading '+')")
        }
        if !plus, digits.hasPrefix("00") {
            plus = true
            digits.removeFirst(2)
        }
        if let region, !digits.isEmpty {
            // With a region set, every number must come out as a valid E.164 number.
            if !plus { return try region.international(national: digits, typed: text) }
            if let owner = PhoneRegion.owning(digits) { return try owner.checked(digits, typed: text) }
        }
        if !plus, let countryCode {
            // A national number: drop one trunk '0' (UK 07700 → +447700) unless the code is 1.
            if countryCode != "1", digits.hasPrefix("0") { digits.removeFirst() }
            plus = true
            digits = countryCode + digits
        }
        guard (3...15).contains(digits.count) else {
            throw InboxError.usage("'\(text)' is not a phone number (\(digits.count) digits; expected 3 to 15)")
        }
        return plus ? "+" + digits : digits
    }

    /// The digits alone, for searching and matching.
    public static func digits(_ text: String) -> String {
        // ASCII text (a stored number always is) needs no grapheme breaking: its only digits
        // are 0-9, and a bulk tag asks this of every phone of 100,000 contacts.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: text.utf8.filter { (0x30...0x39).contains($0) }, as: UTF8.self) }
        return String(text.filter { $0.isASCII && $0.isNumber })
    }
}

public enum EmailAddress {
    public static func normalize(_ text: String) throws(InboxError) -> String {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !trimmed.contains(where: { $0.isWhitespace || $0 == "," || $0 == "<" || $0 == ">" })
        else {
            throw InboxError.usage("'\(text)' is not an email address")
        }
        // The domain is case-insensitive; the local part is kept as written.
        return parts[0] + "@" + parts[1].lowercased()
    }

    /// The form used for matching: all lower case.
    public static func key(_ text: String) -> String { text.lowercased() }
}
