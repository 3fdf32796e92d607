/// `contact-merges.jsonl`: one line per contact merged into another (`contact merge`), so the
/// ids people and scripts already hold keep working: `Contacts.resolve("ct7")` finds ct3 once
/// ct7 was merged into ct3. Shared and committed like the contacts themselves; sorted by the
/// merged id's number; `into` always names a contact that exists (merges are flattened, and
/// deleting a contact drops the lines that lead to it). fsck checks all of it.
public struct ContactMerge: StoredRecord, Equatable, Sendable {
    /// The id that no longer exists.
    public var merged: String
    /// The contact it was merged into.
    public var into: String
    public var at: Timestamp
    public var by: String

    public init(merged: String, into: String, at: Timestamp, by: String) {
        self.merged = merged
        self.into = into
        self.at = at
        self.by = by
    }

    public static let schema = RecordSchema(blank: ContactMerge(merged: "", into: "", at: .earliest, by: ""), [
        .field("merged", \.merged, .string),
        .field("into", \.into, .string),
        .field("at", \.at, .timestamp),
        .field("by", \.by, .string),
    ]) { m throws(JSONParseError) in
        for (name, id) in [("merged", m.merged), ("into", m.into)] where !Contacts.table.ids.isValid(id) {
            throw JSONParseError("field \"\(name)\" is not a contact id: \"\(id)\"")
        }
    }

    var order: IDOrder { Contacts.table.ids.order(merged) }
}

public enum ContactMerges {
    public static let file = "contact-merges.jsonl"

    public static func all(in session: Session) throws(InboxError) -> [ContactMerge] {
        try session.records(file, as: ContactMerge.self)
    }

    /// The contact a merged id now stands for, following chains a shared merge of two clones may
    /// have left (a loop ends the walk).
    public static func target(of id: String, in session: Session) throws(InboxError) -> String? {
        let merges = try all(in: session)
        guard !merges.isEmpty else { return nil }
        var seen: Set<String> = [id]
        var current = id
        while let next = merges.first(where: { $0.merged == current })?.into, seen.insert(next).inserted { current = next }
        return current == id ? nil : current
    }

    /// Records that `others` were merged into `keep`; lines that led to an `other` now lead to `keep`.
    static func record(_ others: [String], into keep: String, at: Timestamp, by: String, in tx: Transaction) throws(InboxError) {
        let gone = Set(others)
        var merges = try all(in: tx).filter { !gone.contains($0.merged) }
        for i in merges.indices where gone.contains(merges[i].into) { merges[i].into = keep }
        merges += others.map { ContactMerge(merged: $0, into: keep, at: at, by: by) }
        tx.stage(file, records: merges.sorted { $0.order < $1.order })
    }

    /// Drops the lines that lead to deleted contacts: their old ids then resolve to nothing.
    static func forget(_ deleted: Set<String>, in tx: Transaction) throws(InboxError) {
        let merges = try all(in: tx)
        let kept = merges.filter { !deleted.contains($0.into) }
        guard kept.count != merges.count else { return }
        if kept.isEmpty { tx.remove(file) } else { tx.stage(file, records: kept) }
    }
}

extension Checker {
    /// Each merged id is a contact id issued once and gone now; each `into` exists; one line per
    /// merged id, in order.
    mutating func checkContactMerges(contacts: Set<String>, lastIssued: Int) throws(InboxError) {
        let lines = try load(ContactMerges.file, as: ContactMerge.self)
        var seen: [String: Int] = [:]
        var previous: IDOrder?
        for (merge, line) in lines {
            let f = ContactMerges.file
            let order = merge.order
            if let first = seen[merge.merged] {
                problem(f, line, "contact \(merge.merged) is recorded as merged twice (also on line \(first))")
            } else if let previous, order <= previous {
                problem(f, line, "merge of \(merge.merged) is out of order (merged ids ascend)")
            }
            seen[merge.merged] = seen[merge.merged] ?? line
            previous = max(previous ?? order, order)
            if contacts.contains(merge.merged) { problem(f, line, "contact \(merge.merged) is recorded as merged into \(merge.into) but still exists") }
            if merge.merged == merge.into {
                problem(f, line, "contact \(merge.merged) is recorded as merged into itself")
            } else if !contacts.contains(merge.into) {
                problem(f, line, "contact \(merge.merged) is recorded as merged into \(merge.into), which does not exist")
            }
            // Numbered ids come from this clone's counter; a minted one has no counter to pass.
            if let n = Contacts.table.number(of: merge.merged) {
                if n > lastIssued { problem(f, line, "merged contact \(merge.merged) is above the last id issued (\(Contacts.table.prefix)\(lastIssued))", derivable: true) }
                noteInUse(Contacts.table.prefix, n)
            }
        }
    }
}
