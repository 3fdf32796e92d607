/// How one kind of value is read from and written to JSON. Errors name the field; `nullable`
/// says whether null was also allowed there, for the message.
public struct FieldCodec<Value>: Sendable {
    let decode: @Sendable (_ value: JSONValue, _ key: String, _ nullable: Bool) throws(JSONParseError) -> Value
    let encode: @Sendable (Value) -> JSONValue
    /// Set by the plain kinds (string, int, bool, timestamp, strings), which `DirectSlot`
    /// reads and writes in place: it must then agree with `decode` and `encode`.
    let kind: DirectSlot.Kind?
    /// Set by the record kinds: writes the bytes `JSONWriter` gives for `encode`'s value
    /// without building it (a record inside each of a hundred thousand index lines).
    let writeBytes: (@Sendable (Value, inout [UInt8]) -> Void)?

    public init(decode: @escaping @Sendable (_ value: JSONValue, _ key: String, _ nullable: Bool) throws(JSONParseError) -> Value,
                encode: @escaping @Sendable (Value) -> JSONValue) {
        self.init(decode: decode, encode: encode, kind: nil)
    }

    init(decode: @escaping @Sendable (_ value: JSONValue, _ key: String, _ nullable: Bool) throws(JSONParseError) -> Value,
         encode: @escaping @Sendable (Value) -> JSONValue, kind: DirectSlot.Kind?,
         writeBytes: (@Sendable (Value, inout [UInt8]) -> Void)? = nil) {
        self.decode = decode
        self.encode = encode
        self.kind = kind
        self.writeBytes = writeBytes
    }

    static func wrongType(_ key: String, _ expected: String, _ nullable: Bool, _ found: JSONValue) -> JSONParseError {
        JSONParseError("field \"\(key)\" must be \(expected)\(nullable ? " or null" : ""), found \(found.typeName)")
    }

    /// The same values, refusing those `rule` does not accept: "field "key" \(reason)".
    public func checked(_ reason: String, _ rule: @escaping @Sendable (Value) -> Bool) -> FieldCodec {
        let decode = self.decode
        return FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            let v = try decode(value, key, nullable)
            guard rule(v) else { throw JSONParseError("field \"\(key)\" \(reason)") }
            return v
        }, encode: encode)
    }
}

extension FieldCodec {
    /// The same JSON, held in the record as another type (words kept as one string).
    public func map<Other>(_ read: @escaping @Sendable (Value) -> Other,
                           back write: @escaping @Sendable (Other) -> Value) -> FieldCodec<Other> {
        let decode = self.decode, encode = self.encode
        return FieldCodec<Other>(decode: { value, key, nullable throws(JSONParseError) in read(try decode(value, key, nullable)) },
                                 encode: { encode(write($0)) })
    }
}

extension FieldCodec where Value == String {
    public static var string: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .string(let s) = value else { throw wrongType(key, "a string", nullable, value) }
            return s
        }, encode: { .string($0) }, kind: .string)
    }
}

extension FieldCodec where Value == Int64 {
    public static var int: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .int(let n) = value else { throw wrongType(key, "an integer", nullable, value) }
            return n
        }, encode: { .int($0) }, kind: .int)
    }

    /// A count a later change adds to: a hand-edited huge value must not overflow there.
    public static func int(in range: ClosedRange<Int64>) -> FieldCodec {
        let int = FieldCodec.int
        return FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            let n = try int.decode(value, key, nullable)
            guard range.contains(n) else {
                throw JSONParseError("field \"\(key)\" must be \(range.lowerBound) to \(range.upperBound), not \(n)")
            }
            return n
        }, encode: int.encode)
    }
}

extension FieldCodec where Value == Bool {
    public static var bool: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .bool(let b) = value else { throw wrongType(key, "true or false", nullable, value) }
            return b
        }, encode: { .bool($0) }, kind: .bool)
    }
}

extension FieldCodec where Value == Timestamp {
    /// `2026-11-21T09:00:00Z`, UTC, whole seconds.
    public static var timestamp: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .string(let text) = value else { throw wrongType(key, "a UTC time", nullable, value) }
            guard let t = Timestamp(iso: text) else {
                throw JSONParseError("field \"\(key)\" must be a UTC time from 1970 to 9999 like 2026-11-21T09:00:00Z, not \"\(text)\"")
            }
            return t
        }, encode: { .string($0.iso) }, kind: .timestamp)
    }
}

extension FieldCodec where Value == [String] {
    public static var strings: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .array(let items) = value else { throw wrongType(key, "an array of strings", nullable, value) }
            var out: [String] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard case .string(let s) = item else { throw wrongType(key, "an array of strings", nullable, item) }
                out.append(s)
            }
            return out
        }, encode: { .array($0.map(JSONValue.string)) }, kind: .strings)
    }
}

extension FieldCodec where Value == [(key: String, value: String)] {
    /// An object of string values in the order written, such as a contact's custom fields.
    public static var stringMap: FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .object(let o) = value else { throw wrongType(key, "an object", nullable, value) }
            var out: [(key: String, value: String)] = []
            out.reserveCapacity(o.pairs.count)
            for pair in o.pairs {
                guard case .string(let s) = pair.value else {
                    throw JSONParseError("field \"\(key).\(pair.key)\" must be a string, found \(pair.value.typeName)")
                }
                out.append((pair.key, s))
            }
            return out
        }, encode: { .object(JSONObject($0.map { ($0.key, JSONValue.string($0.value)) })) })
    }
}

extension FieldCodec where Value == JSONValue {
    /// Any JSON value, as written; the record's `validate` says which are allowed.
    public static var any: FieldCodec {
        FieldCodec(decode: { value, _, _ in value }, encode: { $0 })
    }
}

extension FieldCodec where Value: RawRepresentable & CaseIterable & Hashable & Sendable, Value.RawValue == String {
    /// One of the enum's raw values; the error lists the allowed ones (all cases, or `among`,
    /// in case order).
    public static func choice(among allowed: Set<Value>? = nil) -> FieldCodec {
        let names = Value.allCases.filter { allowed?.contains($0) ?? true }.map { $0.rawValue }
        return FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .string(let name) = value else { throw wrongType(key, "a string", nullable, value) }
            guard let v = Value(rawValue: name), allowed?.contains(v) ?? true else {
                throw JSONParseError("field \"\(key)\" must be one of \(names.joined(separator: ", "))\(nullable ? " or null" : ""), not \"\(name)\"")
            }
            return v
        }, encode: { .string($0.rawValue) })
    }
}

extension FieldCodec where Value: StoredRecord {
    /// A record inside a record (a message's pin): an object read by its own schema.
    public static func record() -> FieldCodec {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .object = value else { throw wrongType(key, "an object", nullable, value) }
            do throws(JSONParseError) {
                return try Value.schema.decode(value)
            } catch {
                throw JSONParseError("field \"\(key)\": \(error.reason)")
            }
        }, encode: { .object(Value.schema.encode($0)) }, kind: nil, writeBytes: { Value.schema.write($0, into: &$1) })
    }
}

extension FieldCodec {
    /// A list of records inside a record (a message's attachments).
    public static func records<Element: StoredRecord>() -> FieldCodec where Value == [Element] {
        FieldCodec(decode: { value, key, nullable throws(JSONParseError) in
            guard case .array(let items) = value else { throw wrongType(key, "an array of objects", nullable, value) }
            var out: [Element] = []
            out.reserveCapacity(items.count)
            for item in items {
                do throws(JSONParseError) {
                    out.append(try Element.schema.decode(item))
                } catch {
                    throw JSONParseError("field \"\(key)\": \(error.reason)")
                }
            }
            return out
        }, encode: { .array($0.map { .object(Element.schema.encode($0)) }) }, kind: nil, writeBytes: { records, out in
            out.append(UInt8(ascii: "["))
            for (i, record) in records.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Element.schema.write(record, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        })
    }
}
