/// Text for people, made safe for a terminal. Names and message bodies come from customers
/// and webhooks; printed raw, an ESC or OSC sequence in them would restyle the agent's
/// terminal, clear it or write its clipboard (OSC 52). So every control character is shown,
/// never sent: C0 controls and DEL in caret notation as `cat -v` and `less` show them (ESC is
/// `^[`, BEL `^G`, CR `^M`, DEL `^?`), C1 controls (U+0080–U+009F) and the bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) as `<U+XXXX>`. Tab and newline
/// stay, and a CR before a newline is dropped (a body written on Windows).
/// The renderer applies this once to everything it prints for people, then adds its own styling.
enum TerminalText {
    static func escaped(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x09, 0x0A:
                out.unicodeScalars.append(scalar)
            case 0x0D where i + 1 < scalars.count && scalars[i + 1] == "\n":
                continue
            case 0x00..<0x20:
                out += "^" + String(UnicodeScalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                out += "^?"
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out += "<U+" + hex(scalar.value) + ">"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A quick look at the bytes: most text has nothing to escape and is returned as it is.
    /// C1 controls start with 0xC2, the bidi controls with 0xE2.
    static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains { byte in (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F || byte == 0xC2 || byte == 0xE2 }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
