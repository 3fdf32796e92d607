/// What a column of a contact CSV fills.
public enum ContactColumn: Equatable, Sendable {
    case firstName, lastName, name, phone, email, company, tags, owner, disposition, field(String), skip

    /// The FIELD of `--map COLUMN=FIELD`.
    public static func parse(_ text: String) throws(InboxError) -> ContactColumn {
        let t = text.trimmingWhitespace().lowercased()
        if t.hasPrefix("field:") { return .field(try CustomFields.validatedKey(String(t.dropFirst(6)))) }
        if let known = named[t] { return known }
        throw InboxError.usage("'\(text)' is not a contact field: use first_name, last_name, name, phone, email, company, tags, owner, disposition, field:KEY or skip")
    }

    static let named: [String: ContactColumn] = [
        "first_name": .firstName, "last_name": .lastName, "name": .name, "phone": .phone, "email": .email, "company": .company,
        "tags": .tags, "owner": .owner, "disposition": .disposition, "skip": .skip,
    ]

    /// Header spellings spreadsheets and CRM exports use, compared after `headerKey`.
    static let synonyms: [String: ContactColumn] = [
        "first name": .firstName, "firstname": .firstName, "given name": .firstName, "first": .firstName,
        "last name": .lastName, "lastname": .lastName, "surname": .lastName, "family name": .lastName, "last": .lastName,
        "name": .name, "full name": .name, "fullname": .name, "contact name": .name,
        "phone": .phone, "phones": .phone, "phone number": .phone, "mobile": .phone, "mobile phone": .phone, "cell": .phone,
        "work phone": .phone, "home phone": .phone, "telephone": .phone, "tel": .phone,
        "email": .email, "emails": .email, "e mail": .email, "email address": .email, "e mail address": .email,
        "company": .company, "organization": .company, "organisation": .company, "company name": .company,
        "tags": .tags, "tag": .tags, "labels": .tags, "owner": .owner, "disposition": .disposition,
    ]

    /// "First_Name", "first-name" and " First  Name " all read as "first name".
    static func headerKey(_ header: String) -> String {
        header.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    var isMultiple: Bool { self == .phone || self == .email || self == .tags || self == .skip }
}

/// One row of an import and what becomes of it.
public struct ContactImportRow: Sendable {
    public enum Action: Sendable, Equatable { case add, update, unchanged, reject(Explanation) }
    public var line: Int
    public var action: Action
    /// The contact the row fills (an index into the plan's contacts); nil for a reject.
    var slot: Int?
}

/// An import worked out against the repository before anything is written: `--dry-run`
/// prints it, a real import applies it in one change.
public struct ContactImportPlan: Sendable {
    public let input: String
    public internal(set) var rows: [ContactImportRow] = []
    /// Contacts the rows fill, as they will be; new ones get their id when applied.
    var contacts: [Contact] = []
    /// Each contact as the repository holds it now; nil for a new one.
    var original: [Contact?] = []

    public var rejected: [ContactImportRow] { rows.filter { if case .reject = $0.action { return true } else { return false } } }
    public var addedCount: Int { original.filter { $0 == nil }.count }
    public var updatedCount: Int { contacts.indices.filter { i in original[i].map { !contacts[i].sameContent(as: $0) } ?? false }.count }

    /// What the command reports, without the contacts themselves: a real import hands this
    /// out of its transaction so the plan is freed before the commit encodes 100,000 records.
    public var outcome: ContactImportOutcome {
        ContactImportOutcome(input: input, rows: rows.map { row in
            (row.line, row.action, row.slot.map { contacts[$0].id }.flatMap { $0.isEmpty ? nil : $0 }, row.slot.map { contacts[$0].displayName })
        }, added: addedCount, updated: updatedCount)
    }
}

public struct ContactImportOutcome: Sendable {
    public let input: String
    /// Each row: its line, what it did, the contact's id (nil before a new one has its) and name.
    public let rows: [(line: Int, action: ContactImportRow.Action, id: String?, name: String?)]
    public let added: Int
    public let updated: Int

    public var rejected: [(line: Int, reason: Explanation)] {
        rows.compactMap { row in if case .reject(let reason) = row.action { return (row.line, reason) } else { return nil } }
    }
}

public enum ContactImport {
    /// Reads the CSV and matches each row against the repository and the rows before it: by a
    /// phone (normalized as `contact add` does) or an email, an update; otherwise an add; a row
    /// that cannot be a contact, a reject with its reason.
    public static func plan(_ bytes: [UInt8], input: String, map: [(column: String, to: ContactColumn)], now: Timestamp,
                            in session: Session) throws(InboxError) -> ContactImportPlan {
        var reader = CSVReader(bytes, input: input)
        guard let header = try reader.next() else { throw InboxError.badData(path: input, line: 1, reason: "the file is empty: it needs a header row") }
        let columns = try self.columns(header.fields, map: map, input: input, line: header.line)
        var planner = ContactImportPlanner(session: session, input: input, now: now, columns: columns)
        planner.config = try Config.load(session)
        planner.users = Set(try Users.all(session).map(\.name))
        while let record = try reader.next() { try planner.take(record.fields, line: record.line) }
        return planner.plan
    }

    static func columns(_ headers: [String], map: [(column: String, to: ContactColumn)], input: String, line: Int) throws(InboxError) -> [ContactColumn] {
        let keys = headers.map(ContactColumn.headerKey)
        for m in map where !keys.contains(ContactColumn.headerKey(m.column)) {
            throw InboxError.usage("\(InputField.importColumnMap) names column '\(m.column)', which the header of \(input) lacks (it has: \(headers.joined(separator: ", ")))")
        }
        var columns: [ContactColumn] = []
        for (header, key) in zip(headers, keys) {
            if let mapped = map.last(where: { ContactColumn.headerKey($0.column) == key }) { columns.append(mapped.to); continue }
            if key.isEmpty { columns.append(.skip); continue }
            if let known = ContactColumn.synonyms[key] { columns.append(known); continue }
            do throws(InboxError) {
                columns.append(.field(try CustomFields.validatedKey(key.replacingSpaces(with: "_"))))
            } catch {
                throw InboxError.badData(path: input, line: line, reason: "column '\(header)' cannot be a custom field name (letters, digits, '_', '-', '.'); name its field with \(Remedy.mapColumn(column: header, field: "FIELD"))")
            }
        }
        for (i, c) in columns.enumerated() where !c.isMultiple {
            if let j = columns[..<i].firstIndex(of: c) {
                throw InboxError.badData(path: input, line: line, reason: "columns '\(headers[j])' and '\(headers[i])' both fill \(describe(c)); skip one with \(Remedy.mapColumn(column: headers[i], field: "skip"))")
            }
        }
        guard columns.contains(where: { [.firstName, .lastName, .name, .phone, .email].contains($0) }) else {
            throw InboxError.badData(path: input, line: line, reason: "no column gives a name, phone or email (header: \(headers.joined(separator: ", "))); use \(Remedy.mapColumn(column: nil, field: "FIELD"))")
        }
        return columns
    }

    static func describe(_ c: ContactColumn) -> String {
        if case .field(let key) = c { return "field '\(key)'" }
        return ContactColumn.named.first { $0.value == c }?.key ?? "that field"
    }

    /// Writes the plan: new contacts take ids in row order, every shard and index file is
    /// rewritten once. Rejected rows are left out (the caller decides whether any may be).
    public static func apply(_ plan: inout ContactImportPlan, now: Timestamp, in tx: Transaction) throws(InboxError) {
        let new = plan.contacts.indices.filter { plan.original[$0] == nil }
        if !new.isEmpty {
            if try IDSpace.mintsMinted(tx) {
                // A shared clone mints each id (it skips any it already holds).
                for slot in new { plan.contacts[slot].id = try Contacts.table.nextID(in: tx) }
            } else {
                let numbers = try Sequences.next(Contacts.table.prefix, count: new.count, in: tx)
                for (slot, n) in zip(new, numbers) { plan.contacts[slot].id = Contacts.table.id(n) }
            }
            try refuseTakenIDs(new.map { plan.contacts[$0].id }, in: tx)
        }
        var changed: [Contact] = []
        changed.reserveCapacity(plan.contacts.count)
        var addresses = AddressIndex.Changes()
        for slot in plan.contacts.indices {
            if let before = plan.original[slot] {
                guard !plan.contacts[slot].sameContent(as: before) else { continue }
                plan.contacts[slot].updatedAt = now
            }
            addresses.note(from: plan.original[slot], to: plan.contacts[slot])
            changed.append(plan.contacts[slot])
        }
        try Contacts.table.put(changed, in: tx)
        try addresses.apply(in: tx)
    }

    /// An id the counter hands out that is already on disk (a hand edit) must not be overwritten.
    static func refuseTakenIDs(_ ids: [String], in tx: Transaction) throws(InboxError) {
        var byShard: [String: [String]] = [:]
        for id in ids { if let file = Contacts.table.shardFile(of: id) { byShard[file, default: []].append(id) } }
        for (file, wanted) in byShard {
            let present = Set(try tx.records(file, as: Contact.self).map(\.id))
            if let taken = wanted.first(where: present.contains) {
                throw InboxError.dataProblems("\(tx.displayPath(Sequences.file)): the contact counter is behind the data: \(taken) already exists (\(Remedy.runRepair))")
            }
        }
    }
}

extension AddressIndex {
    /// Many contacts' address changes, gathered and then written each file once.
    struct Changes {
        private var byFile: [String: (add: [AddressEntry], remove: Set<String>)] = [:]

        mutating func note(from before: Contact?, to after: Contact) {
            let old = Set(before.map(keys) ?? []), new = Set(keys(of: after))
            for key in new.subtracting(old) { byFile[file(for: key), default: ([], [])].add.append(AddressEntry(address: key, contact: after.id)) }
            for key in old.subtracting(new) { byFile[file(for: key), default: ([], [])].remove.insert(key + "\u{0}" + after.id) }
        }

        func apply(in tx: Transaction) throws(InboxError) {
            for (path, change) in byFile {
                let entries = try tx.records(path, as: AddressEntry.self).filter { !change.remove.contains($0.address + "\u{0}" + $0.contact) } + change.add
                tx.stage(path, records: entries.sorted(by: AddressEntry.sorted))
            }
        }
    }
}

extension String {
    func replacingSpaces(with s: String) -> String { split(separator: " ").joined(separator: s) }
}
