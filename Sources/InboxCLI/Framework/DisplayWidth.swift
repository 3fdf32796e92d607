/// How many terminal columns text takes: a CJK ideograph or an emoji takes two, a combining
/// mark none. Column alignment and fitting rows to the terminal measure with this, never with
/// `count` (王小明 is three characters and six columns).
///
/// Measured per grapheme cluster (a Swift `Character`): the cluster is as wide as its base
/// scalar; marks, joiners and variation selectors after it add nothing. A cluster shown as an
/// emoji (emoji presentation, VS16 U+FE0F, a ZWJ sequence, a flag) is two columns.
///
/// The wide ranges are the East_Asian_Width W and F ranges of Unicode 15.1
/// (https://www.unicode.org/Public/15.1.0/ucd/EastAsianWidth.txt), which since Unicode 9 also
/// cover the Emoji_Presentation characters, merged where unassigned gaps allowed it.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        // Printable ASCII is one column a byte: the common case needs no table.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let base = scalars.first else { return 0 }
        if base.value < 0x7F { return base.value < 0x20 ? 0 : 1 }
        if zeroWidth(base) { return 0 }
        if wide(base.value) { return 2 }
        // A text-style symbol asked to look like an emoji (❤️), a ZWJ sequence or a keycap.
        if scalars.count > 1, scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D || $0.value == 0x20E3 }) { return 2 }
        // Regional indicators: a pair is a flag.
        if (0x1F1E6...0x1F1FF).contains(base.value) { return 2 }
        return 1
    }

    /// Marks that combine with the character before them, and invisible format characters.
    static func zeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return scalar.value != 0x00AD
        default: return (0x1160...0x11FF).contains(scalar.value) // Hangul medial vowels and final consonants
        }
    }

    static func wide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if value < wideRanges[mid].lowerBound { high = mid - 1 }
            else if value > wideRanges[mid].upperBound { low = mid + 1 }
            else { return true }
        }
        return false
    }

    /// The prefix of `text` that fits in `limit` columns, with "…" as its last column when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard of(text) > limit else { return text }
        guard limit > 0 else { return "" }
        var out = "", width = 0
        for character in text {
            let w = of(character)
            if width + w > limit - 1 { break }
            out.append(character)
            width += w
        }
        return out + "…"
    }

    /// East_Asian_Width W or F (Unicode 15.1), sorted, for the binary search above.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x3247, 0x3250...0x4DBF, 0x4E00...0xA4C6, 0xA960...0xA97C, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x18CD5, 0x18D00...0x18D08, 0x1AFF0...0x1B2FB,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202,
        0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F320,
        0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3,
        0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
        0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596,
        0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2,
        0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB,
        0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FA7C,
        0x1FA80...0x1FA88, 0x1FA90...0x1FABD, 0x1FABF...0x1FAC5, 0x1FACE...0x1FADB, 0x1FAE0...0x1FAE8,
        0x1FAF0...0x1FAF8, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
