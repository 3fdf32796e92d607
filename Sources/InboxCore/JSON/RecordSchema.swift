/// The one declaration of a stored record's fields: key, where the value lives in the record,
/// and how it is read and written. It drives strict decoding (a missing, wrong-typed or unknown
/// field is an error; the parser already refuses duplicates), encoding in the declared order
/// (so files stay byte-identical) and, by default, the `--json` view (`RecordView`).
///
///     static let schema = RecordSchema(blank: Template(name: "", text: "", channel: nil, createdAt: .earliest), [
///         .field("name", \.name, .string),
///         .optional("channel", \.channel, .choice()),
///     ])
public struct RecordSchema<Record> {
    /// What decoding starts from; every declared field is then set from the line.
    let blank: Record
    public let fields: [Field<Record>]
    /// Rules across fields (id shape, one field matching another), run after every field is
    /// read and before unknown fields are reported, as the hand-written decoders did.
    let validate: (@Sendable (Record) throws(JSONParseError) -> Void)?

    public init(blank: Record, _ fields: [Field<Record>],
                validate: (@Sendable (Record) throws(JSONParseError) -> Void)? = nil) {
        self.blank = blank
        self.fields = fields
        self.validate = validate
    }

    /// Reads every declared field from `reader`; the caller calls `reader.finish()` to refuse
    /// fields the schema does not declare.
    public func decode(_ reader: inout FieldReader) throws(JSONParseError) -> Record {
        var record = blank
        for field in fields {
            let value = reader.absentOr(field.key)
            guard value != nil || field.isOmittable else { throw JSONParseError("missing field \"\(field.key)\"") }
            try field.read(&record, value)
        }
        try validate?(record)
        return record
    }

    /// Decodes a whole value: an object holding exactly the declared fields.
    public func decode(_ value: JSONValue) throws(JSONParseError) -> Record {
        var reader = try FieldReader(value)
        let record = try decode(&reader)
        try reader.finish()
        return record
    }

    public func encode(_ record: Record) -> JSONObject {
        var copy = record
        return withUnsafeBytes(of: &copy) { bytes in
            var pairs: [(key: String, value: JSONValue)] = []
            pairs.reserveCapacity(fields.count)
            for field in fields {
                if let value = field.write(record, bytes.baseAddress!) { pairs.append((field.key, value)) }
            }
            return JSONObject(pairs)
        }
    }
}

extension RecordSchema: Sendable where Record: Sendable {}

/// How a field whose value is nil appears in the file.
public enum WhenNil: Sendable {
    /// `"key":null`; the key must be present.
    case null
    /// Left out; a record without the key reads as nil, and null is refused. For fields added
    /// after records were written, so older files stay byte-identical.
    case omitted
}

/// One declared field of a record.
public struct Field<Record>: Sendable {
    public let key: String
    let isOmittable: Bool
    /// Given nil when the key is absent (only for a field left out when nil).
    let read: @Sendable (inout Record, JSONValue?) throws(JSONParseError) -> Void
    /// Nil: the key is left out. Given the record and its bytes (see `FieldSlot`).
    let write: @Sendable (Record, UnsafeRawPointer) -> JSONValue?

    /// A field that is always present.
    public static func field<Value>(_ key: String, _ path: WritableKeyPath<Record, Value>, _ codec: FieldCodec<Value>) -> Field {
        let slot = FieldSlot(path)
        return Field(key: key, isOmittable: false, read: { record, value throws(JSONParseError) in
            slot.set(try codec.decode(value!, key, false), in: &record)
        }, write: { record, bytes in codec.encode(slot.get(record, bytes)) })
    }

    /// A field that may be nil: written as null, or (`whenNil: .omitted`) left out.
    public static func optional<Value>(_ key: String, _ path: WritableKeyPath<Record, Value?>, _ codec: FieldCodec<Value>,
                                       whenNil: WhenNil = .null) -> Field {
        let slot = FieldSlot(path)
        let omitted = whenNil == .omitted
        return Field(key: key, isOmittable: omitted, read: { record, value throws(JSONParseError) in
            guard let value else { return slot.set(nil, in: &record) }
            if !omitted, case .null = value { return slot.set(nil, in: &record) }
            slot.set(try codec.decode(value, key, !omitted), in: &record)
        }, write: { record, bytes in
            guard let value = slot.get(record, bytes) else { return omitted ? nil : .null }
            return codec.encode(value)
        })
    }

    /// A field written from what the record already holds (an attachment's path, from its
    /// hash): reading checks it agrees with the fields read before it.
    public static func derived<Value: Equatable>(_ key: String, _ path: KeyPath<Record, Value>, _ codec: FieldCodec<Value>,
                                                 mismatch: String) -> Field {
        let path = ReadOnlySlot(path: path)
        return Field(key: key, isOmittable: false, read: { record, value throws(JSONParseError) in
            guard try codec.decode(value!, key, false) == record[keyPath: path.path] else {
                throw JSONParseError("field \"\(key)\" \(mismatch)")
            }
        }, write: { record, _ in codec.encode(record[keyPath: path.path]) })
    }
}

/// Where a field's value lives: a stored property is read and written in place at its offset
/// (a key path costs a runtime call per field, and decoding is on every hot path); a computed
/// property goes through its key path.
struct FieldSlot<Record, Value>: @unchecked Sendable {
    let path: WritableKeyPath<Record, Value>
    let offset: Int?

    init(_ path: WritableKeyPath<Record, Value>) {
        self.path = path
        offset = MemoryLayout<Record>.offset(of: path)
    }

    func set(_ value: Value, in record: inout Record) {
        guard let offset else { record[keyPath: path] = value; return }
        withUnsafeMutableBytes(of: &record) { bytes in
            (bytes.baseAddress! + offset).assumingMemoryBound(to: Value.self).pointee = value
        }
    }

    /// `bytes`: the record's own storage, as `RecordSchema.encode` holds it.
    func get(_ record: Record, _ bytes: UnsafeRawPointer) -> Value {
        guard let offset else { return record[keyPath: path] }
        return (bytes + offset).assumingMemoryBound(to: Value.self).pointee
    }
}

/// A key path to a computed value; key paths are immutable, so sharing one is safe.
struct ReadOnlySlot<Record, Value>: @unchecked Sendable {
    let path: KeyPath<Record, Value>
}
