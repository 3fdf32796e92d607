/// Reads the fields of one stored record and rejects anything a record may not hold: a missing
/// field, a field of the wrong type, or a field the record does not know.
public struct FieldReader {
    private let object: JSONObject
    /// Where the next field probably is: records read their fields in the order they write them.
    private var next = 0
    /// Which pairs were read: a bit each for the first 64, then a set (only for big objects).
    private var usedMask: UInt64 = 0
    private var usedBeyond: Set<Int> = []

    public init(_ value: JSONValue) throws(JSONParseError) {
        guard case .object(let object) = value else {
            throw JSONParseError("expected an object, found \(value.typeName)")
        }
        self.object = object
    }

    /// Keys match byte for byte, as the parser's duplicate check compares them.
    private mutating func field(_ key: String) -> JSONValue? {
        let pairs = object.pairs
        if next < pairs.count, pairs[next].key.hasSameUTF8(as: key) { return take(next) }
        for i in pairs.indices where pairs[i].key.hasSameUTF8(as: key) { return take(i) }
        return nil
    }

    private mutating func take(_ i: Int) -> JSONValue {
        if i < 64 { usedMask |= 1 << UInt64(i) } else { usedBeyond.insert(i) }
        next = i + 1
        return object.pairs[i].value
    }

    private func isUsed(_ i: Int) -> Bool {
        i < 64 ? usedMask & (1 << UInt64(i)) != 0 : usedBeyond.contains(i)
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> JSONParseError {
        JSONParseError("field \"\(key)\" must be \(expected), found \(found.typeName)")
    }

    public mutating func string(_ key: String) throws(JSONParseError) -> String {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        return s
    }

    public mutating func optionalString(_ key: String) throws(JSONParseError) -> String? {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        switch v {
        case .null: return nil
        case .string(let s): return s
        default: throw wrongType(key, "a string or null", v)
        }
    }

    public mutating func int(_ key: String) throws(JSONParseError) -> Int64 {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        guard case .int(let n) = v else { throw wrongType(key, "an integer", v) }
        return n
    }

    public mutating func optionalInt(_ key: String) throws(JSONParseError) -> Int64? {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        switch v {
        case .null: return nil
        case .int(let n): return n
        default: throw wrongType(key, "an integer or null", v)
        }
    }

    public mutating func bool(_ key: String) throws(JSONParseError) -> Bool {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        guard case .bool(let b) = v else { throw wrongType(key, "true or false", v) }
        return b
    }

    public mutating func strings(_ key: String) throws(JSONParseError) -> [String] {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        guard case .array(let items) = v else { throw wrongType(key, "an array of strings", v) }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else { throw wrongType(key, "an array of strings", item) }
            out.append(s)
        }
        return out
    }

    /// An object of string values, such as custom fields.
    public mutating func stringMap(_ key: String) throws(JSONParseError) -> [(key: String, value: String)] {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        guard case .object(let o) = v else { throw wrongType(key, "an object", v) }
        var out: [(key: String, value: String)] = []
        for pair in o.pairs {
            guard case .string(let s) = pair.value else {
                throw JSONParseError("field \"\(key).\(pair.key)\" must be a string, found \(pair.value.typeName)")
            }
            out.append((pair.key, s))
        }
        return out
    }

    public mutating func value(_ key: String) throws(JSONParseError) -> JSONValue {
        guard let v = field(key) else { throw JSONParseError("missing field \"\(key)\"") }
        return v
    }

    /// A field that older records do not have: nil when absent (null is not accepted).
    public mutating func absentOr(_ key: String) -> JSONValue? {
        field(key)
    }

    /// Call last: a field nobody read is a field the record does not define.
    public func finish() throws(JSONParseError) {
        for i in object.pairs.indices where !isUsed(i) {
            throw JSONParseError("unknown field \"\(object.pairs[i].key)\"")
        }
    }
}
