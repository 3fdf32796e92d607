/// A JSON value that keeps object keys in the order they were written, so records round-trip
/// byte for byte and the repository diffs cleanly.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// An ordered list of key/value pairs; duplicate keys are rejected by the parser.
public struct JSONObject: Equatable, Sendable {
    public var pairs: [(key: String, value: JSONValue)]

    public init(_ pairs: [(key: String, value: JSONValue)] = []) {
        self.pairs = pairs
    }

    public subscript(key: String) -> JSONValue? {
        for pair in pairs where pair.key == key { return pair.value }
        return nil
    }

    public mutating func append(_ key: String, _ value: JSONValue) {
        pairs.append((key, value))
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.pairs.count == rhs.pairs.count else { return false }
        for (l, r) in zip(lhs.pairs, rhs.pairs) where l.key != r.key || l.value != r.value {
            return false
        }
        return true
    }
}

extension JSONValue {
    public static func optional(_ s: String?) -> JSONValue {
        s.map(JSONValue.string) ?? .null
    }

    public static func strings(_ list: [String]) -> JSONValue {
        .array(list.map(JSONValue.string))
    }
}
