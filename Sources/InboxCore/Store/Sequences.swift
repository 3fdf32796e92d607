/// The last number handed out for each id prefix, in `sequences.jsonl`. Ids come from here and
/// nowhere else, so they depend on nothing but the order of commands: two runs of the same
/// commands give the same ids.
struct SequenceRecord: StoredRecord {
    var prefix: String
    var last: Int64

    init(prefix: String, last: Int64) {
        self.prefix = prefix
        self.last = last
    }

    static let schema = RecordSchema(blank: SequenceRecord(prefix: "", last: 0), [
        .field("prefix", \.prefix, .string),
        .field("last", \.last, .int(in: 0...Int64(IDPrefix.maxNumber))),
    ])
}

public enum Sequences {
    static let file = "sequences.jsonl"

    public static func last(_ prefix: String, in session: Session) throws(InboxError) -> Int {
        Int(try session.records(file, as: SequenceRecord.self).first { $0.prefix == prefix }?.last ?? 0)
    }

    /// Hands out the next `count` numbers for `prefix`.
    public static func next(_ prefix: String, count: Int = 1, in tx: Transaction) throws(InboxError) -> ClosedRange<Int> {
        var records = try tx.records(file, as: SequenceRecord.self)
        let first: Int
        let used = Int(records.first { $0.prefix == prefix }?.last ?? 0)
        // `used` is at most maxNumber (parsing holds it there), so this cannot overflow.
        guard count >= 1, count <= IDPrefix.maxNumber - used else {
            throw InboxError.refused("no \(prefix) ids left: \(prefix)\(used) is the last of \(IDPrefix.maxDigits) digits (\(tx.displayPath(file)))")
        }
        if let i = records.firstIndex(where: { $0.prefix == prefix }) {
            first = Int(records[i].last) + 1
            records[i].last += Int64(count)
        } else {
            first = 1
            records.append(SequenceRecord(prefix: prefix, last: Int64(count)))
            records.sort { $0.prefix < $1.prefix }
        }
        tx.stage(file, records: records)
        return first...(first + count - 1)
    }

    /// Raises a counter to at least `number` (used by fsck --repair).
    static func raise(_ prefix: String, to number: Int, in tx: Transaction) throws(InboxError) {
        var records = try tx.records(file, as: SequenceRecord.self)
        if let i = records.firstIndex(where: { $0.prefix == prefix }) {
            guard records[i].last < number else { return }
            records[i].last = Int64(number)
        } else {
            records.append(SequenceRecord(prefix: prefix, last: Int64(number)))
            records.sort { $0.prefix < $1.prefix }
        }
        tx.stage(file, records: records)
    }
}
