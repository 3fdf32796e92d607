#if canImport(Glibc)
import Glibc
#endif

/// `index/contact-search/NNNN.jsonl`: for each contact, beside its shard (1000 ids a file), the
/// text `contact list --search` matches, lower-cased: full name, emails, phone digits, handles,
/// and the contact's `row`: what a listing row shows and what the search rule reads. A search
/// scans the `text` of these lines for the query's bytes, parses only the lines that hold them
/// and confirms each with `ContactQuery` on its row, so a listing for people never opens a
/// contact shard. Derived: kept at commit, checked by fsck, rebuilt by `fsck --repair`.
///
/// An entry written before rows were kept (`{"id","text"}`, main before this change) still
/// reads: its contact is then read from its shard, and the next change to the contact, or
/// `fsck --repair`, writes the row.
public struct ContactSearchEntry: StoredRecord, Equatable {
    public var id: String
    public var text: String
    public var row: ContactRow?

    public init(_ contact: Contact) {
        id = contact.id
        text = Self.text(of: contact)
        row = ContactRow(contact)
    }

    /// Full name, emails, phone digits and handles, lower-cased, joined by " | " (appended
    /// to one string: a bulk tag checks the text of 100,000 entries).
    static func text(of contact: Contact) -> String {
        var text = contact.fullName.lowercased()
        for email in contact.emails { text += " | " + email.lowercased() }
        for phone in contact.phones { text += " | " + PhoneNumber.digits(phone) }
        for channel in Handle.channels { if let handle = contact.handles[channel] { text += " | " + handle } }
        return text
    }

    /// Whether two versions of a contact have different entries, without building them (a tag
    /// on 100,000 contacts asks it 100,000 times): the row holds every field `init(_:)` reads
    /// (the full name is made of the first and last), so any of them differing is a different
    /// entry. Tags first: what a bulk tag changes; no full name built: it cost two strings a contact.
    static func differ(_ a: Contact, _ b: Contact) -> Bool {
        a.tags != b.tags || a.firstName != b.firstName || a.lastName != b.lastName || a.emails != b.emails
            || a.phones != b.phones || a.handles != b.handles || a.company != b.company || a.owner != b.owner
            || a.createdAt != b.createdAt
    }

    init(id: String, text: String, row: ContactRow? = nil) {
        self.id = id
        self.text = text
        self.row = row
    }

    public static let schema = RecordSchema(blank: ContactSearchEntry(id: "", text: ""), [
        .field("id", \.id, .string),
        .field("text", \.text, .string),
        .optional("row", \.row, .record(), whenNil: .omitted),
    ])
}

/// The part of a contact a listing row shows (name, first phone and email, company, tags,
/// owner, when added) and the search rule reads (names, every email, phone and handle),
/// stored as the contact has it.
public struct ContactRow: StoredRecord, Equatable {
    var firstName = ""
    var lastName = ""
    var phones: [String] = []
    var emails: [String] = []
    var company: String?
    var owner: String?
    var tags: [String] = []
    var handles: [Channel: String] = [:]
    var createdAt = Timestamp.earliest

    init() {}

    init(_ c: Contact) {
        (firstName, lastName, phones, emails) = (c.firstName, c.lastName, c.phones, c.emails)
        (company, owner, tags, handles, createdAt) = (c.company, c.owner, c.tags, c.handles, c.createdAt)
    }

    /// The contact as far as this row knows it: what a search checks and a row shows are
    /// its own; the rest (dnd, custom fields, disposition) is blank, and updated is created.
    func contact(_ id: String) -> Contact {
        var c = Contact(id: id, firstName: firstName, lastName: lastName, createdAt: createdAt)
        (c.phones, c.emails, c.company, c.owner, c.tags, c.handles) = (phones, emails, company, owner, tags, handles)
        return c
    }

    public static let schema = RecordSchema(blank: ContactRow(), [
        .field("first_name", \.firstName, .string),
        .field("last_name", \.lastName, .string),
        .field("phones", \.phones, .strings),
        .field("emails", \.emails, .strings),
        .optional("company", \.company, .string),
        .optional("owner", \.owner, .string),
        .field("tags", \.tags, .strings),
    ] + Handle.channels.map { channel in .optional(channel.rawValue, \.handles[channel], .string, whenNil: .omitted) } + [
        .field("created_at", \.createdAt, .timestamp),
    ])
}

public enum ContactSearchIndex {
    static let directory = "index/contact-search"

    static func file(for id: String) -> String? {
        Contacts.table.ids.shard(of: id).map { directory + "/" + $0 + ".jsonl" }
    }

    /// Brings the entries of changed contacts up to date, one rewrite per file. The other
    /// lines are kept as bytes (a tag on every contact changes every entry's row, and parsing
    /// 100,000 rows to write them back unchanged would double its cost); a file with a line
    /// whose id cannot be read that way is parsed.
    static func update(_ contacts: [Contact], in tx: Transaction) throws(InboxError) {
        // Grouped by index into `contacts`: copying 100,000 contacts into lists per file cost
        // more than the grouping.
        var byShard: [String: [Int]] = [:]
        // By index, not `enumerated()`: that copied every contact to read its id.
        var namer = ContactShardNamer()
        for i in contacts.indices { if let (_, shard) = namer.place(of: contacts[i].id) { byShard[shard, default: []].append(i) } }
        // A bulk tag changes every entry of a hundred files: they are spliced on every core,
        // a few files at a time (reading stays on this thread; each file's old bytes are held
        // only while its batch is spliced).
        let shards = byShard.keys.sorted()
        for batch in stride(from: 0, to: shards.count, by: 16).map({ shards[$0..<min(shards.count, $0 + 16)] }) {
            var work: [(path: String, before: [UInt8], changed: [Int])] = []
            for shard in batch {
                let path = directory + "/" + shard + ".jsonl"
                work.append((path, try tx.bytes(path) ?? [], byShard[shard]!))
            }
            let splice: @Sendable ((path: String, before: [UInt8], changed: [Int])) -> [UInt8]? = { spliced($0.before, $0.changed, of: contacts) }
            let results = work.count < 2 ? work.map(splice) : Parallel.map(work, splice)
            for ((path, before, changed), after) in zip(work, results) {
                try write(path, before: before, spliced: after, changed, of: contacts, in: tx)
            }
        }
    }

    /// Stages one file's spliced bytes, or when it could not be spliced its parsed entries
    /// with the changed ones replaced.
    private static func write(_ path: String, before: [UInt8], spliced after: [UInt8]?, _ indices: [Int], of all: [Contact],
                              in tx: Transaction) throws(InboxError) {
        if let after {
            if after != before { tx.stage(path, after) }
            return
        }
        let changed = indices.map { all[$0] }
        var entries = try tx.records(path, as: ContactSearchEntry.self)
        let replaced = Set(changed.map(\.id))
        let old = entries
        entries.removeAll { replaced.contains($0.id) }
        entries += changed.map(ContactSearchEntry.init)
        entries = ordered(entries)
        if entries != old { tx.stage(path, records: entries) }
    }

    /// `bytes` with the lines of the contacts of `all` at `changed` written anew and the rest
    /// as they were, in id order; nil when a line's id cannot be read without parsing it. A
    /// changed contact's line is what the schema writes for its entry whatever the old line
    /// said, so the old line is not parsed: the new one is written straight from the contact.
    /// Runs on both cores at once: lines are found with memchr and held as ranges, and
    /// contacts are read in place (an array's element passed on is a copy, all of it retained).
    static func spliced(_ bytes: [UInt8], _ changed: [Int], of all: [Contact]) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { bytes in all.withUnsafeBufferPointer { all in spliced(bytes, changed, of: all) } }
    }

    private static func spliced(_ bytes: UnsafeBufferPointer<UInt8>, _ changed: [Int], of all: UnsafeBufferPointer<Contact>) -> [UInt8]? {
        // Each line kept: its place in the old bytes, or (`fresh`) in the new lines.
        var lines: [(order: IDOrder, fresh: Bool, range: Range<Int>)] = []
        var pending: [String: Int] = [:]
        pending.reserveCapacity(changed.count)
        for i in changed { pending[all[i].id] = i }
        // The new lines, one after another.
        var fresh: [UInt8] = []
        fresh.reserveCapacity(changed.count * 320)
        var freshLines: [(order: IDOrder, fresh: Bool, range: Range<Int>)] = []
        var written = Set<String>()
        var start = 0
        while start < bytes.count, let base = bytes.baseAddress {
            let end = memchr(base + start, 0x0A, bytes.count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
            guard let id = lineID(UnsafeBufferPointer(rebasing: bytes[start..<end])) else { return nil }
            let order = Contacts.table.ids.order(id)
            if let i = pending.removeValue(forKey: id) {
                let from = fresh.count
                ContactSearchLine.line(for: all[i], into: &fresh)
                freshLines.append((order, true, from..<fresh.count))
                written.insert(id)
            } else if !written.contains(id) {
                lines.append((order, false, start..<min(end + 1, bytes.count)))
            }
            start = end + 1
        }
        for i in pending.values.sorted() {
            let from = fresh.count
            ContactSearchLine.line(for: all[i], into: &fresh)
            freshLines.append((Contacts.table.ids.order(all[i].id), true, from..<fresh.count))
        }
        lines += freshLines
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 512)
        for line in lines.sorted(by: { $0.order < $1.order }) {
            if line.fresh {
                out += fresh[line.range]
            } else {
                out += UnsafeBufferPointer(rebasing: bytes[line.range])
                // A last line without its newline gets one, as every line the store writes has.
                if bytes[line.range.upperBound - 1] != 0x0A { out.append(0x0A) }
            }
        }
        return out
    }

    /// `JSONLines.leadingID`, with its opening a static string: that function's opening is an
    /// array, retained and released for every line by both cores at once.
    private static func lineID(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        let opening: StaticString = #"{"id":""#
        let count = opening.utf8CodeUnitCount
        guard line.count > count + 1 else { return nil }
        for i in 0..<count where line[i] != opening.utf8Start[i] { return nil }
        var end = count
        while end < line.count && line[end] != 0x22 {
            guard line[end] != 0x5C, line[end] >= 0x20, line[end] < 0x7F else { return nil }
            end += 1
        }
        guard end + 1 < line.count, line[end + 1] == 0x2C || line[end + 1] == 0x7D else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: line[count..<end]), as: UTF8.self)
    }

    static func ordered(_ entries: [ContactSearchEntry]) -> [ContactSearchEntry] {
        entries.map { (Contacts.table.ids.order($0.id), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func derived(from contacts: [Contact]) -> [String: [ContactSearchEntry]] {
        var byFile: [String: [ContactSearchEntry]] = [:]
        for c in contacts { if let path = file(for: c.id) { byFile[path, default: []].append(ContactSearchEntry(c)) } }
        for path in byFile.keys { byFile[path] = ordered(byFile[path]!) }
        return byFile
    }

    /// Rewrites every file that differs from what the contacts say; returns those rewritten.
    @discardableResult
    static func rebuild(from contacts: [Contact], in tx: Transaction) throws(InboxError) -> [String] {
        try DerivedFiles.rewrite(directory, to: derived(from: contacts).mapValues { JSONLines.encode($0) }, in: tx)
    }

    private static let textLabel = Array(#","text":""#.utf8)

    /// Where the value of `text` lies in `line` when it starts as the store writes it,
    /// `{"id":"…","text":"…"`; nil otherwise.
    static func textRange(in buffer: UnsafeBufferPointer<UInt8>, line: Range<Int>) -> Range<Int>? {
        guard let idEnd = JSONLines.leadingIDEnd(UnsafeBufferPointer(rebasing: buffer[line])) else { return nil }
        var at = line.lowerBound + idEnd + 1
        guard line.upperBound - at > textLabel.count else { return nil }
        for byte in textLabel {
            guard buffer[at] == byte else { return nil }
            at += 1
        }
        let start = at
        // The first quote closes the text unless a backslash is right before it (an escape
        // further back covers only the byte after it, which is not this quote).
        if let base = buffer.baseAddress, let quote = memchr(base + start, 0x22, line.upperBound - start) {
            let end = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
            if end == start || buffer[end - 1] != 0x5C { return start..<end }
        }
        while at < line.upperBound {
            switch buffer[at] {
            case 0x5C: at += 2  // an escape: the byte after it is not the closing quote
            case 0x22: return start..<at
            default: at += 1
            }
        }
        return nil
    }

    /// The first place `needle` occurs in `haystack` at or after `from`, ending before `end`
    /// (the end of `haystack` when nil).
    static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int, before end: Int? = nil) -> Int? {
        let count = end ?? haystack.count
        guard let base = haystack.baseAddress, from < count, needle.count <= count - from else { return nil }
        let first = Int32(needle[0])
        var at = from
        let last = count - needle.count
        while at <= last {
            guard let p = memchr(base + at, first, last - at + 1) else { return nil }
            let offset = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            var i = 1
            while i < needle.count && haystack[offset + i] == needle[i] { i += 1 }
            if i == needle.count { return offset }
            at = offset + 1
        }
        return nil
    }

    /// What to look for: the lower-cased query, and its digits when it looks like a phone
    /// number, each as its bytes appear inside a JSON string.
    static func needles(for query: String) -> [[UInt8]] {
        let q = query.trimmingWhitespace().lowercased()
        var out = [jsonBytes(q)]
        // "@ada.l" looks for a handle, stored without its @.
        if q.hasPrefix("@"), q.count > 1 { out.append(jsonBytes(String(q.dropFirst()))) }
        if q.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }) {
            let digits = PhoneNumber.digits(q)
            if !digits.isEmpty { out.append(jsonBytes(digits)) }
        }
        return out
    }

    private static func jsonBytes(_ s: String) -> [UInt8] {
        let quoted = JSONWriter.bytes(.string(s))
        return Array(quoted.dropFirst().dropLast())
    }
}
