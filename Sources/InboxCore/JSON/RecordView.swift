/// What `--json` prints for a record: by default the stored fields, but declared apart from
/// them so storage can change without breaking scripts. A record may rename, omit or add keys:
///
///     static let view = RecordView(schema).adding("category", after: "assignee") { c, user in … }
public struct RecordView<Record> {
    /// One key of the view: its value for a record as a user sees it (nil: left out).
    public struct Column: Sendable {
        public let key: String
        let value: @Sendable (Record, _ user: String?, _ bytes: UnsafeRawPointer) -> JSONValue?
    }

    let schema: RecordSchema<Record>
    /// Nil while the view is the stored form, which then costs no more than encoding.
    let columns: [Column]?

    public init(_ schema: RecordSchema<Record>) {
        self.schema = schema
        columns = nil
    }

    private init(_ schema: RecordSchema<Record>, columns: [Column]) {
        self.schema = schema
        self.columns = columns
    }

    public var keys: [String] { (columns ?? stored).map { $0.key } }

    private var stored: [Column] {
        schema.fields.map { field in Column(key: field.key) { record, _, bytes in field.write(record, bytes) } }
    }

    public func renaming(_ key: String, to newKey: String) -> RecordView {
        RecordView(schema, columns: (columns ?? stored).map { $0.key == key ? Column(key: newKey, value: $0.value) : $0 })
    }

    public func omitting(_ key: String) -> RecordView {
        RecordView(schema, columns: (columns ?? stored).filter { $0.key != key })
    }

    /// A key the file does not hold, computed from the record (and the acting user), placed
    /// after `after` (at the end when nil).
    public func adding(_ key: String, after: String? = nil,
                       _ value: @escaping @Sendable (Record, _ user: String?) -> JSONValue?) -> RecordView {
        var all = columns ?? stored
        let column = Column(key: key) { record, user, _ in value(record, user) }
        let at = after.flatMap { a in all.firstIndex { $0.key == a }.map { $0 + 1 } } ?? all.count
        all.insert(column, at: at)
        return RecordView(schema, columns: all)
    }

    public func json(_ record: Record, for user: String?) -> JSONObject {
        guard let columns else { return schema.encode(record) }
        var copy = record
        return withUnsafeBytes(of: &copy) { bytes in
            var pairs: [(key: String, value: JSONValue)] = []
            for column in columns {
                if let value = column.value(record, user, bytes.baseAddress!) { pairs.append((column.key, value)) }
            }
            return JSONObject(pairs)
        }
    }
}

extension RecordView: Sendable where Record: Sendable {}
