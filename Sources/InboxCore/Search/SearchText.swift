/// How search sees text: words are runs of letters and digits, folded so that case and accents
/// do not count ("Résumé" and "RESUME" are the same word). Each Chinese or Japanese character
/// is a word of its own, since those scripts put no spaces between words. The word index and
/// the check of each candidate both use `words`, so what the index finds is what a scan finds.
public enum SearchText {
    /// Longer runs (a pasted key, a long URL) are not words anyone searches for.
    static let longestWord = 64

    /// The distinct folded words of `text`, in order of first appearance.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        forEachWord(text) { word in if seen.insert(word).inserted { out.append(word) } }
        return out
    }

    static func forEachWord(_ text: String, _ body: (String) -> Void) {
        if forEachASCIIWord(text, body) { return }
        var word = ""
        func end() {
            if !word.isEmpty && word.utf8.count <= longestWord { body(word) }
            word = ""
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                // ASCII, the common case, without looking up Unicode properties.
                switch v {
                case 0x30...0x39, 0x61...0x7A: word.unicodeScalars.append(scalar)
                case 0x41...0x5A: word.unicodeScalars.append(Unicode.Scalar(v + 0x20)!)
                default: end()
                }
                continue
            }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue  // an accent written as its own character stays inside its word
            default: break
            }
            if isCJK(scalar) {
                end()
                word.unicodeScalars.append(scalar)
                end()
            } else if properties.isAlphabetic || properties.numericType != nil {
                appendFolded(scalar, to: &word)
            } else {
                end()
            }
        }
        end()
    }

    /// Most messages are ASCII: their words are cut from the bytes without looking at
    /// Unicode properties. False, having called nothing, when the text is not ASCII.
    private static func forEachASCIIWord(_ text: String, _ body: (String) -> Void) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
            var word: [UInt8] = []
            word.reserveCapacity(32)
            func end() {
                if !word.isEmpty && word.count <= longestWord { body(String(decoding: word, as: UTF8.self)) }
                word.removeAll(keepingCapacity: true)
            }
            for byte in bytes {
                switch byte {
                case 0x30...0x39, 0x61...0x7A: word.append(byte)
                case 0x41...0x5A: word.append(byte + 0x20)
                default: end()
                }
            }
            end()
            return true
        }
    }

    /// Han, kana: scripts written without spaces between words.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    private static func appendFolded(_ scalar: Unicode.Scalar, to out: inout String) {
        if let base = latinBase(scalar.value) { out += base; return }
        out += scalar.properties.lowercaseMapping
    }

    /// The unaccented letters of Latin-1 and Latin Extended-A (French, German, Spanish,
    /// Portuguese, Nordic, Polish, Czech, Turkish, Hungarian...), lower case.
    static func latinBase(_ v: UInt32) -> String? {
        switch v {
        case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return "a"
        case 0xC6, 0xE6: return "ae"
        case 0xC7, 0xE7, 0x106...0x10D: return "c"
        case 0xD0, 0xF0, 0x10E...0x111: return "d"
        case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return "e"
        case 0x11C...0x123: return "g"
        case 0x124...0x127: return "h"
        case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return "i"
        case 0x132, 0x133: return "ij"
        case 0x134, 0x135: return "j"
        case 0x136...0x138: return "k"
        case 0x139...0x142: return "l"
        case 0xD1, 0xF1, 0x143...0x14B: return "n"
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return "o"
        case 0x152, 0x153: return "oe"
        case 0x154...0x159: return "r"
        case 0xDF: return "ss"
        case 0x15A...0x161, 0x17F: return "s"
        case 0x162...0x167: return "t"
        case 0xDE, 0xFE: return "th"
        case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return "u"
        case 0x174, 0x175: return "w"
        case 0xDD, 0xFD, 0xFF, 0x176...0x178: return "y"
        case 0x179...0x17E: return "z"
        default: return nil
        }
    }
}
