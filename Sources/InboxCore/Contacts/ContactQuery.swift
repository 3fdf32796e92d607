/// A `contact list --search` query, prepared once for the thousands of contacts it is checked
/// against. The rule is `Contact.matches(search:)`'s: the lower-cased query is a substring (by
/// characters, as `String.contains` decides) of the first, last or full name or an email; without
/// its @ of a handle; as digits, when it is made of phone characters, of a phone's digits.
///
/// Printable ASCII on both sides is compared byte by byte: there every character is one byte,
/// so the answer is the same, without lower-casing a copy of each field and without the
/// generic substring search (which built a table per call and took a quarter of a 5,000-row
/// search). Anything else goes the character way.
public struct ContactQuery: Sendable {
    /// Trimmed and lower-cased; empty matches every contact.
    let text: String
    let handle: String
    /// The phone digits to look for, when the query is made of phone characters.
    let digits: String?
    private let textBytes: [UInt8]?
    private let handleBytes: [UInt8]?
    private let digitBytes: [UInt8]?

    public init(_ query: String) {
        text = query.trimmingWhitespace().lowercased()
        handle = text.hasPrefix("@") ? String(text.dropFirst()) : text
        // A query made of phone characters matches on digits, so "555-0100" finds "+15550100".
        if text.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }) {
            let d = PhoneNumber.digits(text)
            digits = d.isEmpty ? nil : d
        } else {
            digits = nil
        }
        textBytes = Self.printableASCII(text)
        handleBytes = Self.printableASCII(handle)
        digitBytes = digits.flatMap(Self.printableASCII)
    }

    public func matches(_ contact: Contact) -> Bool {
        guard !text.isEmpty else { return true }
        if contains(contact.firstName, text, textBytes, foldCase: true) || contains(contact.lastName, text, textBytes, foldCase: true)
            // With a name empty the full name is the other one, already looked at.
            || (!contact.firstName.isEmpty && !contact.lastName.isEmpty && contains(contact.fullName, text, textBytes, foldCase: true)) {
            return true
        }
        if contact.emails.contains(where: { contains($0, text, textBytes, foldCase: true) }) { return true }
        // Handles are stored lower case: compared as they are.
        if !handle.isEmpty, contact.handles.values.contains(where: { contains($0, handle, handleBytes, foldCase: false) }) { return true }
        if let digits, contact.phones.contains(where: { contains(PhoneNumber.digits($0), digits, digitBytes, foldCase: false) }) { return true }
        return false
    }

    /// `field` (lower-cased when `foldCase`) contains `needle`.
    private func contains(_ field: String, _ needle: String, _ needleBytes: [UInt8]?, foldCase: Bool) -> Bool {
        if let needleBytes, let found = Self.asciiContains(field, needleBytes, foldCase: foldCase) { return found }
        return (foldCase ? field.lowercased() : field).contains(needle)
    }

    /// The bytes of `text` when every one is printable ASCII (no CR, which pairs with LF into
    /// one character), else nil.
    static func printableASCII(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? bytes : nil
    }

    /// Whether `field` holds `needle` (printable ASCII, lower case when folding), upper-case
    /// letters of `field` folded when asked; nil when `field` is not all printable ASCII.
    static func asciiContains(_ field: String, _ needle: [UInt8], foldCase: Bool) -> Bool? {
        var field = field
        return field.withUTF8 { hay -> Bool? in
            for byte in hay where byte < 0x20 || byte >= 0x7F { return nil }
            guard needle.count <= hay.count else { return false }
            guard let first = needle.first else { return true }
            @inline(__always) func folded(_ b: UInt8) -> UInt8 { foldCase && b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
            var start = 0
            let last = hay.count - needle.count
            while start <= last {
                if folded(hay[start]) == first {
                    var i = 1
                    while i < needle.count && folded(hay[start + i]) == needle[i] { i += 1 }
                    if i == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
