extension TaskAgenda {
    /// The agenda file `bytes` with the row of `task`, a task it does not hold yet (one just
    /// created), put in its place: the other lines are kept as they are, none decoded into a
    /// row or written again. Nil when the file is not lines in order exactly as
    /// `AgendaRow.encode` writes them (then `update` reads and rewrites it all): the result is
    /// byte for byte what that rewrite gives.
    static func inserting(_ task: ClientTask, into bytes: [UInt8], known: [String: String], in tx: Transaction) throws(InboxError) -> [UInt8]? {
        var lines: [AgendaLine] = []
        guard AgendaLine.read(bytes, appendingTo: &lines), String(validating: bytes, as: UTF8.self) != nil else { return nil }
        let listing = AgendaListing(bytes: bytes, lines: lines)
        var keys: [AgendaKey] = []
        keys.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            guard line.plainNumbers, encodesAsWritten(line, in: bytes) else { return nil }
            let key = listing.key(i)
            // In order, ids unique: each key above the one before.
            guard keys.last.map({ $0 < key }) ?? true else { return nil }
            guard line.id.text(in: bytes) != task.id else { return nil }
            keys.append(key)
        }
        var name = known[task.contact]
        if name == nil { name = try Contacts.table.lookup(task.contact, in: tx)?.displayName }
        let row = AgendaRow(task, contactName: name ?? task.contact)
        let key = row.key
        // The first line after it; its line starts two bytes before its id's text (`["`).
        let at = keys.firstIndex { key < $0 }.map { Int(lines[$0].id.start) - 2 } ?? bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        out += bytes[..<at]
        row.encode(into: &out)
        out += bytes[at...]
        return out
    }

    /// The line's strings are as `JSONWriter` writes their text: those without an escape
    /// always are (they hold no quote, backslash or control byte); one with an escape is when
    /// writing its text gives the same escapes.
    private static func encodesAsWritten(_ line: AgendaLine, in bytes: [UInt8]) -> Bool {
        for span in [line.id, line.contact, line.contactName, line.assignee, line.text] where span.escaped {
            var written: [UInt8] = []
            JSONWriter.writeString(span.text(in: bytes), into: &written)
            guard written[...] == bytes[Int(span.start) - 1...Int(span.end)] else { return false }
        }
        return true
    }
}
