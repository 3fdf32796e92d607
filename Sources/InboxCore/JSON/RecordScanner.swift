/// A stored line read straight into its record: each key is matched against the schema's
/// declared fields as the parser meets it, and its value is parsed and stored at once, so no
/// object of the whole line (an array of pairs, a string per key) is made and dropped. The
/// value of each field goes through the same `DirectSlot.store` and `Field.read` as
/// `RecordSchema.decode`, in the same order (the declared order, which a line must follow
/// here), so the record is the one the long way gives. Anything else, a key the schema does
/// not declare, one out of order or twice, an escape in a key, a field missing, a value its
/// field refuses, a line that does not parse, gives nil: the long way then says what is wrong.
extension JSONCursor {
    mutating func record<R>(_ schema: RecordSchema<R>) throws(JSONParseError) -> R? {
        let fields = schema.fields
        var record = schema.blank
        /// The first declared field not yet met.
        var next = 0
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let start = index + 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    guard bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 else { return nil }
                    end += 1
                }
                guard end < bytes.count, let i = schema.field(named: UnsafeBufferPointer(rebasing: bytes[start..<end]), from: next) else { return nil }
                index = end + 1
                // Fields left out before this one read as absent, as the long way reads them.
                for skipped in next..<i {
                    guard fields[skipped].isOmittable else { return nil }
                    try fields[skipped].read(&record, nil)
                }
                next = i + 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                let parsed = try self.value(depth: 1)
                var value: JSONValue? = parsed
                if let direct = fields[i].direct { value = direct.store(parsed, in: &record) }
                if let value { try fields[i].read(&record, value) }
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                break
            }
        }
        for skipped in next..<fields.count {
            guard fields[skipped].isOmittable else { return nil }
            try fields[skipped].read(&record, nil)
        }
        try schema.validate?(record)
        skipSpace()
        return index == bytes.count ? record : nil
    }
}

extension RecordSchema {
    /// The index of the declared field whose key is `key`'s bytes, looked for from `from` on
    /// (the next field first: lines hold them in order); nil when there is none there.
    @inline(__always)
    func field(named key: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        plainKeys.withUnsafeBufferPointer { keys in
            var i = from
            while i < keys.count {
                if let plain = keys[i], plain.count == key.count, plain.elementsEqual(key) { return i }
                i += 1
            }
            return nil
        }
    }
}
