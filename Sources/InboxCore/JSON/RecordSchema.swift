/// The one declaration of a stored record's fields: key, where the value lives in the record,
/// and how it is read and written. It drives strict decoding (a missing, wrong-typed or unknown
/// field is an error; the parser already refuses duplicates), encoding in the declared order
/// (so files stay byte-identical) and, by default, the `--json` view (`RecordView`).
///
///     static let schema = RecordSchema(blank: Template(name: "", text: "", channel: nil, createdAt: .earliest), [
///         .field("name", \.name, .string),
///         .optional("channel", \.channel, .choice()),
///     ])
///
/// A class, so that reaching a record type's schema copies one reference, not its fields.
public final class RecordSchema<Record> {
    /// What decoding starts from; every declared field is then set from the line.
    let blank: Record
    public let fields: [Field<Record>]
    /// Rules across fields (id shape, one field matching another), run after every field is
    /// read and before unknown fields are reported, as the hand-written decoders did.
    let validate: (@Sendable (Record) throws(JSONParseError) -> Void)?

    /// `"key":` of each field, escaped once.
    private let keyBytes: [[UInt8]]
    /// Each key's bytes when it is written without escapes (nil otherwise), for `RecordScanner`.
    let plainKeys: [[UInt8]?]

    public init(blank: Record, _ fields: [Field<Record>],
                validate: (@Sendable (Record) throws(JSONParseError) -> Void)? = nil) {
        self.blank = blank
        self.fields = fields
        self.validate = validate
        keyBytes = fields.map { field in
            var bytes: [UInt8] = []
            JSONWriter.writeString(field.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            return bytes
        }
        plainKeys = zip(fields, keyBytes).map { field, written in
            let raw = Array(field.key.utf8)
            return written == [0x22] + raw + [0x22, 0x3A] ? raw : nil
        }
    }

    /// Reads every declared field from `reader`; the caller calls `reader.finish()` to refuse
    /// fields the schema does not declare.
    public func decode(_ reader: inout FieldReader) throws(JSONParseError) -> Record {
        var record = blank
        try fields.withUnsafeBufferPointer { (fields) throws(JSONParseError) in
            for i in fields.indices {
                var value = reader.absentOr(fields[i].key)
                if let found = value, let direct = fields[i].direct {
                    guard let refused = direct.store(found, in: &record) else { continue }
                    value = refused
                }
                guard value != nil || fields[i].isOmittable else { throw JSONParseError("missing field \"\(fields[i].key)\"") }
                try fields[i].read(&record, value)
            }
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
        withUnsafePointer(to: record) { pointer in
            let bytes = UnsafeRawPointer(pointer)
            var pairs: [(key: String, value: JSONValue)] = []
            pairs.reserveCapacity(fields.count)
            fields.withUnsafeBufferPointer { fields in
                for i in fields.indices {
                    let value: JSONValue?
                    if let direct = fields[i].direct { value = direct.load(bytes) } else { value = fields[i].write(record, bytes) }
                    if let value { pairs.append((fields[i].key, value)) }
                }
            }
            return JSONObject(pairs)
        }
    }
}

extension RecordSchema {
    /// The record as one compact JSON object, the bytes `JSONWriter` gives for `encode(record)`
    /// without building it: the store writes every record this way. `leading` goes first
    /// (export's `"type"`).
    public func write(_ record: Record, into out: inout [UInt8], leading: (key: String, value: String)? = nil) {
        out.append(UInt8(ascii: "{"))
        var first = true
        if let leading {
            JSONWriter.writeString(leading.key, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.writeString(leading.value, into: &out)
            first = false
        }
        withUnsafePointer(to: record) { pointer in
            let bytes = UnsafeRawPointer(pointer)
            fields.withUnsafeBufferPointer { fields in
                for i in fields.indices {
                    if let direct = fields[i].direct {
                        guard !direct.isLeftOut(bytes) else { continue }
                        if !first { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: keyBytes[i])
                        direct.write(bytes, into: &out)
                    } else if let writeInto = fields[i].writeInto {
                        let mark = out.count
                        if !first { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: keyBytes[i])
                        guard writeInto(record, bytes, &out) else {
                            out.removeSubrange(mark...)
                            continue
                        }
                    } else {
                        guard let value = fields[i].write(record, bytes) else { continue }
                        if !first { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: keyBytes[i])
                        JSONWriter.write(value, into: &out)
                    }
                    first = false
                }
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension RecordSchema: @unchecked Sendable where Record: Sendable {}

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
    /// For the common kinds in a stored property: read and written in place without a call
    /// through `read`/`write`, which stay the reference (and give every error).
    let direct: DirectSlot?
    /// For a field whose codec writes its own bytes (a record inside the record): writes what
    /// `write` gives, as `JSONWriter` would; false, writing nothing, when the key is left out.
    let writeInto: (@Sendable (Record, UnsafeRawPointer, inout [UInt8]) -> Bool)?

    init(key: String, isOmittable: Bool, read: @escaping @Sendable (inout Record, JSONValue?) throws(JSONParseError) -> Void,
         write: @escaping @Sendable (Record, UnsafeRawPointer) -> JSONValue?, direct: DirectSlot? = nil,
         writeInto: (@Sendable (Record, UnsafeRawPointer, inout [UInt8]) -> Bool)? = nil) {
        (self.key, self.isOmittable, self.read, self.write, self.direct, self.writeInto) = (key, isOmittable, read, write, direct, writeInto)
    }

    /// A field that is always present.
    @inline(__always)
    public static func field<Value>(_ key: String, _ path: @autoclosure () -> WritableKeyPath<Record, Value>,
                                    _ codec: FieldCodec<Value>) -> Field {
        let slot = FieldSlot(path)
        var writeInto: (@Sendable (Record, UnsafeRawPointer, inout [UInt8]) -> Bool)?
        if let writeBytes = codec.writeBytes {
            writeInto = { record, bytes, out in
                writeBytes(slot.get(record, bytes), &out)
                return true
            }
        }
        return Field(key: key, isOmittable: false, read: { record, value throws(JSONParseError) in
            slot.set(try codec.decode(value!, key, false), in: &record)
        }, write: { record, bytes in codec.encode(slot.get(record, bytes)) },
           direct: slot.offset.flatMap { offset in codec.kind.map { DirectSlot(kind: $0, optional: nil, offset: offset) } },
           writeInto: writeInto)
    }

    /// A field that may be nil: written as null, or (`whenNil: .omitted`) left out.
    @inline(__always)
    public static func optional<Value>(_ key: String, _ path: @autoclosure () -> WritableKeyPath<Record, Value?>,
                                       _ codec: FieldCodec<Value>, whenNil: WhenNil = .null) -> Field {
        let slot = FieldSlot(path)
        let omitted = whenNil == .omitted
        var writeInto: (@Sendable (Record, UnsafeRawPointer, inout [UInt8]) -> Bool)?
        if let writeBytes = codec.writeBytes {
            writeInto = { record, bytes, out in
                guard let value = slot.get(record, bytes) else {
                    if !omitted { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }  // "null"
                    return !omitted
                }
                writeBytes(value, &out)
                return true
            }
        }
        return Field(key: key, isOmittable: omitted, read: { record, value throws(JSONParseError) in
            guard let value else { return slot.set(nil, in: &record) }
            if !omitted, case .null = value { return slot.set(nil, in: &record) }
            slot.set(try codec.decode(value, key, !omitted), in: &record)
        }, write: { record, bytes in
            guard let value = slot.get(record, bytes) else { return omitted ? nil : .null }
            return codec.encode(value)
        }, direct: slot.offset.flatMap { offset in codec.kind.map { DirectSlot(kind: $0, optional: whenNil, offset: offset) } },
           writeInto: writeInto)
    }

    /// A field written from what the record already holds (an attachment's path, from its
    /// hash): reading checks it agrees with the fields read before it.
    public static func derived<Value: Equatable & Sendable>(_ key: String, _ path: KeyPath<Record, Value>, _ codec: FieldCodec<Value>,
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
/// property goes through its key path, made once.
///
/// The key path comes as a closure so that a stored property's is never made: inlined into a
/// schema's declaration, its offset folds to a constant. Making key path objects costs a few
/// microseconds each at run time, and a write command declares some sixty fields (0.6 ms of a
/// 5 ms `task create`, measured).
struct FieldSlot<Record, Value>: @unchecked Sendable {
    let offset: Int?
    /// Only for a property with no offset.
    let computed: WritableKeyPath<Record, Value>?

    @inline(__always)
    init(_ path: () -> WritableKeyPath<Record, Value>) {
        if let offset = MemoryLayout<Record>.offset(of: path()) {
            (self.offset, computed) = (offset, nil)
        } else {
            (offset, computed) = (nil, path())
        }
    }

    func set(_ value: Value, in record: inout Record) {
        guard let offset else { record[keyPath: computed!] = value; return }
        withUnsafeMutableBytes(of: &record) { bytes in
            (bytes.baseAddress! + offset).assumingMemoryBound(to: Value.self).pointee = value
        }
    }

    /// `bytes`: the record's own storage, as `RecordSchema.encode` holds it.
    func get(_ record: Record, _ bytes: UnsafeRawPointer) -> Value {
        guard let offset else { return record[keyPath: computed!] }
        return (bytes + offset).assumingMemoryBound(to: Value.self).pointee
    }
}

/// A key path to a computed value; key paths are immutable, so sharing one is safe.
struct ReadOnlySlot<Record, Value>: @unchecked Sendable {
    let path: KeyPath<Record, Value>
}

/// A field of a common kind in a stored property, read and written at its offset. `store`
/// takes only the value it expects (anything else goes the long way, to its error).
struct DirectSlot: Sendable {
    enum Kind: Sendable { case string, int, bool, timestamp, strings }

    let kind: Kind
    /// Nil for a field that is not optional.
    let optional: WhenNil?
    let offset: Int

    @inline(__always)
    private func put<T, Record>(_ value: consuming T, _ record: inout Record) {
        var pending = Optional(value)  // moved into place, not copied
        withUnsafeMutableBytes(of: &record) { bytes in
            (bytes.baseAddress! + offset).assumingMemoryBound(to: T.self).pointee = pending.take()!
        }
    }

    @inline(__always)
    private func put<T, Record>(_ value: consuming T, _ record: inout Record, optional: Bool) {
        if optional { put(Optional(value), &record) } else { put(value, &record) }
    }

    /// Nil when stored; else the value back, for the long way. It takes the value (not a
    /// copy) so a string moves into the record without another retain.
    func store<Record>(_ value: consuming JSONValue, in record: inout Record) -> JSONValue? {
        let isOptional = optional != nil
        switch (kind, consume value) {
        case (.string, .string(let s)): put(s, &record, optional: isOptional)
        case (.int, .int(let n)): put(n, &record, optional: isOptional)
        case (.bool, .bool(let b)): put(b, &record, optional: isOptional)
        case (.timestamp, .string(let text)):
            guard let t = Timestamp(iso: text) else { return .string(text) }
            put(t, &record, optional: isOptional)
        case (.strings, .array(let items)):
            var list: [String] = []
            list.reserveCapacity(items.count)
            for item in items {
                guard case .string(let s) = item else { return .array(items) }
                list.append(s)
            }
            put(list, &record, optional: isOptional)
        case (_, .null) where optional == .null:
            switch kind {
            case .string: put(String?.none, &record)
            case .int: put(Int64?.none, &record)
            case .bool: put(Bool?.none, &record)
            case .timestamp: put(Timestamp?.none, &record)
            case .strings: put([String]?.none, &record)
            }
        case (_, let other): return other
        }
        return nil
    }

    /// An optional that is nil and written only when set.
    func isLeftOut(_ record: UnsafeRawPointer) -> Bool {
        guard optional == .omitted else { return false }
        func isNil<T>(_: T.Type) -> Bool { (record + offset).assumingMemoryBound(to: T?.self).pointee == nil }
        switch kind {
        case .string: return isNil(String.self)
        case .int: return isNil(Int64.self)
        case .bool: return isNil(Bool.self)
        case .timestamp: return isNil(Timestamp.self)
        case .strings: return isNil([String].self)
        }
    }

    /// Writes the value as `JSONWriter` would write `load`'s (null for a nil optional).
    func write(_ record: UnsafeRawPointer, into out: inout [UInt8]) {
        func value<T>(_: T.Type) -> T? {
            optional == nil ? (record + offset).assumingMemoryBound(to: T.self).pointee
                : (record + offset).assumingMemoryBound(to: T?.self).pointee
        }
        func null() { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }  // "null"
        switch kind {
        case .string:
            guard let s = value(String.self) else { return null() }
            JSONWriter.writeString(s, into: &out)
        case .int:
            guard let n = value(Int64.self) else { return null() }
            JSONWriter.writeInt(n, into: &out)
        case .bool:
            guard let b = value(Bool.self) else { return null() }
            out.append(contentsOf: b ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])  // true, false
        case .timestamp:
            guard let t = value(Timestamp.self) else { return null() }
            JSONWriter.writeString(t.iso, into: &out)
        case .strings:
            guard let list = value([String].self) else { return null() }
            out.append(UInt8(ascii: "["))
            for (i, s) in list.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(s, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// The value as written; nil when an optional is nil and left out.
    func load(_ record: UnsafeRawPointer) -> JSONValue? {
        func get<T>(_: T.Type) -> T { (record + offset).assumingMemoryBound(to: T.self).pointee }
        func encode<T>(_: T.Type, _ json: (T) -> JSONValue) -> JSONValue? {
            guard optional != nil else { return json(get(T.self)) }
            guard let value = get(T?.self) else { return optional == .omitted ? nil : .null }
            return json(value)
        }
        switch kind {
        case .string: return encode(String.self) { .string($0) }
        case .int: return encode(Int64.self) { .int($0) }
        case .bool: return encode(Bool.self) { .bool($0) }
        case .timestamp: return encode(Timestamp.self) { .string($0.iso) }
        case .strings: return encode([String].self) { .array($0.map(JSONValue.string)) }
        }
    }
}
