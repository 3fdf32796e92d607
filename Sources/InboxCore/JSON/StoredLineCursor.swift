/// A cursor over one line as the store writes it, for the readers that take such lines without
/// the generic parser (`ContactLine`, `ContactSearchLine`). Each step takes what it expects at
/// the cursor and moves past it, or says no (false, nil); a reader that hears no gives the line
/// to the strict decoder, which decides what it means.
struct StoredLineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let null = Array("null".utf8)

    var atEnd: Bool { at == bytes.count }

    /// Steps over `literal` when the bytes at hand are it.
    mutating func take(_ literal: [UInt8]) -> Bool {
        guard bytes.count - at >= literal.count else { return false }
        for (i, byte) in literal.enumerated() where bytes[at + i] != byte { return false }
        at += literal.count
        return true
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// A string's bytes, inside its quotes, when they are all printable ASCII and not escapes.
    mutating func stringBytes() -> Range<Int>? {
        guard at < bytes.count, bytes[at] == 0x22 else { return nil }
        var end = at + 1
        while end < bytes.count && bytes[end] != 0x22 {
            guard bytes[end] != 0x5C, bytes[end] >= 0x20, bytes[end] < 0x7F else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        defer { at = end + 1 }
        return (at + 1)..<end
    }

    mutating func string() -> String? {
        stringBytes().map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    /// `null`, or a string.
    mutating func optionalString() -> String?? {
        if take(Self.null) { return .some(nil) }
        return string().map { .some($0) }
    }

    /// An array of strings.
    mutating func strings() -> [String]? {
        guard take(0x5B) else { return nil }
        var out: [String] = []
        if take(0x5D) { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while take(0x2C)
        return take(0x5D) ? out : nil
    }
}
