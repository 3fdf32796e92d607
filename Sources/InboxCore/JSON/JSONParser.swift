/// A strict JSON parser for one line of a repository file.
///
/// Stricter than RFC 8259 where the store needs it: duplicate keys, a byte-order mark, a carriage
/// return, NUL and invalid UTF-8 are all errors, because Foundation's decoder accepts several of
/// them and the store must never silently repair a line.
public struct JSONParseError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

public enum JSONParser {
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer)
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var lines = JSONLineParser()
        return try lines.parse(buffer)
    }
}

/// Parses line after line of one file, remembering how many keys the last record had so the
/// next one's pairs are allocated once, and reusing its buffer for strings with escapes.
struct JSONLineParser {
    private var scratch = Scratch()

    mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            throw JSONParseError("byte-order mark at start of line")
        }
        scratch.keyHashes.removeAll(keepingCapacity: true)  // what a failed line left
        var cursor = JSONCursor(bytes: buffer, scratch: scratch)
        scratch = Scratch()  // the cursor holds the only reference while it parses
        defer { scratch = cursor.scratch }
        cursor.skipSpace()
        let value = try cursor.value(depth: 0)
        cursor.skipSpace()
        if cursor.index < buffer.count {
            throw cursor.unexpected("after the end of the record")
        }
        return value
    }

    /// The record the line holds, its fields read as the line is parsed (no value is made of
    /// the whole line); nil when the line is anything but what the store writes, exactly the
    /// declared fields in their declared order, each as its field reads it. The caller then
    /// reads the line the long way (`parse`, then the schema), which says what is wrong; so
    /// this path gives no errors of its own, only a record the long way would give too.
    mutating func record<R>(_ buffer: UnsafeBufferPointer<UInt8>, _ schema: RecordSchema<R>) -> R? {
        scratch.keyHashes.removeAll(keepingCapacity: true)
        var cursor = JSONCursor(bytes: buffer, scratch: scratch)
        scratch = Scratch()
        defer { scratch = cursor.scratch }
        do throws(JSONParseError) {
            return try cursor.record(schema)
        } catch {
            return nil
        }
    }
}

struct Scratch {
    /// The key count of the last top-level object, for the next one's capacity.
    var topLevelKeys = 0
    /// Decoded bytes of a string with escapes.
    var bytes: [UInt8] = []
    /// A hash of each key of the objects being read, innermost object last.
    var keyHashes: [UInt64] = []
}

struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var scratch: Scratch
    /// Whether the last string read had escapes (so its bytes are not the input's).
    var lastStringEscaped = false
    static let maxDepth = 64
    /// Objects up to this many keys look for a duplicate by comparing a hash of each earlier
    /// key's bytes; larger ones keep a set, so a huge object is not quadratic.
    static let linearKeyLimit = 64

    init(bytes: UnsafeBufferPointer<UInt8>, scratch: Scratch) {
        self.bytes = bytes
        self.scratch = scratch
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8 { bytes[index] }

    mutating func skipSpace() {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x09 { index += 1 } else { break }
        }
    }

    func unexpected(_ context: String) -> JSONParseError {
        let column = index + 1
        guard index < bytes.count else {
            return JSONParseError("truncated record: line ends \(context)")
        }
        let b = bytes[index]
        let what: String
        switch b {
        case 0x00: what = "NUL byte"
        case 0x0D: what = "carriage return (CRLF line ending?)"
        case 0x20...0x7E: what = "'\(Character(Unicode.Scalar(b)))'"
        default: what = "byte 0x\(String(b, radix: 16, uppercase: true))"
        }
        return JSONParseError("column \(column): unexpected \(what) \(context)")
    }

    mutating func expect(_ byte: UInt8, _ context: String) throws(JSONParseError) {
        guard index < bytes.count, bytes[index] == byte else { throw unexpected(context) }
        index += 1
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONCursor.maxDepth else { throw JSONParseError("column \(index + 1): nested too deeply") }
        guard index < bytes.count else { throw unexpected("where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return .array(try array(depth: depth))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected("where a value was expected")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let start = index
        let count = word.utf8CodeUnitCount
        let ok = word.withUTF8Buffer { w in
            guard start + count <= bytes.count else { return false }
            for i in 0..<count where bytes[start + i] != w[i] { return false }
            return true
        }
        guard ok else { throw unexpected("where a value was expected") }
        index += count
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONObject {
        index += 1
        var result = JSONObject()
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return result
        }
        if depth == 0, scratch.topLevelKeys > 0 { result.pairs.reserveCapacity(scratch.topLevelKeys) }
        // Keys are compared byte for byte: RFC 8259 keys that differ only in Unicode
        // normalization are different keys, though Swift's String == calls them equal.
        var hashed: Set<UTF8Key>? = nil
        let base = scratch.keyHashes.count
        defer { scratch.keyHashes.removeLast(scratch.keyHashes.count - base) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    throw JSONParseError("column \(index + 1): trailing comma before '}'")
                }
                throw unexpected("where a key was expected")
            }
            let keyColumn = index + 1
            let key = try string()
            if result.pairs.count < JSONCursor.linearKeyLimit {
                // Unescaped, the key's bytes are the input's, between the quotes.
                let hash = lastStringEscaped
                    ? JSONCursor.hash(key) : JSONCursor.hash(UnsafeBufferPointer(rebasing: bytes[keyColumn..<(index - 1)]))
                for i in base..<scratch.keyHashes.count where scratch.keyHashes[i] == hash {
                    if result.pairs[i - base].key.hasSameUTF8(as: key) {
                        throw JSONParseError("column \(keyColumn): duplicate key \"\(key)\"")
                    }
                }
                scratch.keyHashes.append(hash)
            } else {
                if hashed == nil { hashed = Set(result.pairs.map { UTF8Key($0.key) }) }
                guard hashed!.insert(UTF8Key(key)).inserted else {
                    throw JSONParseError("column \(keyColumn): duplicate key \"\(key)\"")
                }
            }
            skipSpace()
            try expect(UInt8(ascii: ":"), "where ':' was expected")
            skipSpace()
            let v = try value(depth: depth + 1)
            result.pairs.append((key, v))
            skipSpace()
            guard index < bytes.count else { throw unexpected("inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                if depth == 0 { scratch.topLevelKeys = result.pairs.count }
                return result
            }
            throw unexpected("where ',' or '}' was expected")
        }
    }

    /// FNV-1a of the key's UTF-8 bytes: equal bytes, equal hash.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    static func hash(_ key: String) -> UInt64 {
        key.utf8.withContiguousStorageIfAvailable(hash) ?? Array(key.utf8).withUnsafeBufferPointer(hash)
    }

    mutating func array(depth: Int) throws(JSONParseError) -> [JSONValue] {
        index += 1
        var result: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return result
        }
        while true {
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                throw JSONParseError("column \(index + 1): trailing comma before ']'")
            }
            result.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw unexpected("inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return result }
            throw unexpected("where ',' or ']' was expected")
        }
    }

    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw JSONParseError("column \(index + 1): number with a leading zero")
            }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in a number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in a number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if integral, let n = integer(start..<index) { return .int(n) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw JSONParseError("column \(start + 1): number out of range")
        }
        return .double(d)
    }

    /// The digits (after an optional '-') as an Int64, or nil if it does not fit: what
    /// Int64(String) gives, without making the string.
    func integer(_ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var n: Int64 = 0
        while i < range.upperBound {
            let digit = Int64(bytes[i] &- 0x30)
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            // Accumulate negatively so Int64.min fits.
            let (next, o2) = times10.subtractingReportingOverflow(digit)
            if o1 || o2 { return nil }
            n = next
            i += 1
        }
        if negative { return n }
        return n == Int64.min ? nil : -n
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func string() throws(JSONParseError) -> String {
        let startColumn = index + 1
        index += 1
        let contentStart = index
        // Fast path: no escapes, the string is the bytes between the quotes.
        lastStringEscaped = false
        var high: UInt8 = 0
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                guard high < 0x80 || UTF8Check.isValid(slice) else {
                    throw JSONParseError("column \(startColumn): invalid UTF-8 in string")
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlCharacter(b) }
            high |= b
            index += 1
        }
        guard index < bytes.count else { throw JSONParseError("truncated record: unterminated string at column \(startColumn)") }
        // Slow path: escapes present; decode into the reused buffer.
        lastStringEscaped = true
        var out = scratch.bytes
        scratch.bytes = []
        defer { out.removeAll(keepingCapacity: true); scratch.bytes = out }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                let valid = out.withUnsafeBufferPointer { UTF8Check.isValid($0) }
                guard valid else {
                    throw JSONParseError("column \(startColumn): invalid UTF-8 in string")
                }
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw controlCharacter(b) }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try unicodeEscape()
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                index -= 1
                throw unexpected("after '\\' in a string")
            }
        }
        throw JSONParseError("truncated record: unterminated string at column \(startColumn)")
    }

    func controlCharacter(_ b: UInt8) -> JSONParseError {
        switch b {
        case 0x00: return JSONParseError("column \(index + 1): NUL byte in string")
        case 0x0D: return JSONParseError("column \(index + 1): carriage return in string (CRLF line ending?)")
        default: return JSONParseError("column \(index + 1): unescaped control character in string")
        }
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONParseError("truncated record: incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw unexpected("in a \\u escape")
            }
            v = v * 16 + digit
            index += 1
        }
        return v
    }

    mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let column = index - 1
        let high = try hex4()
        if (0xDC00...0xDFFF).contains(high) {
            throw JSONParseError("column \(column): lone low surrogate in \\u escape")
        }
        if (0xD800...0xDBFF).contains(high) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw JSONParseError("column \(column): lone high surrogate in \\u escape")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError("column \(column): invalid surrogate pair in \\u escape")
            }
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            return Unicode.Scalar(combined)!
        }
        return Unicode.Scalar(high)!
    }
}
