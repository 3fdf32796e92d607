/// Turns CSV rows into adds and updates, one row at a time, remembering which contact each
/// phone and email belongs to (in the repository or in an earlier row), so a file of 100,000
/// rows looks each address up once and never holds its rows.
struct ContactImportPlanner {
    let session: Session
    let input: String
    let now: Timestamp
    let columns: [ContactColumn]
    var config = Config(entries: [])
    var users: Set<String> = []
    var plan: ContactImportPlan
    /// Address key → the contact (slot) that has it, for addresses seen so far.
    private var owners: [String: Int] = [:]
    /// Existing contact id → its slot.
    private var slotOf: [String: Int] = [:]
    /// Address index files already read: key → contact ids.
    private var book: [String: [String: [String]]] = [:]
    /// The line of the row that added each new contact, to name it before it has an id.
    private var addedOn: [Int: Int] = [:]

    init(session: Session, input: String, now: Timestamp, columns: [ContactColumn]) {
        self.session = session
        self.input = input
        self.now = now
        self.columns = columns
        self.plan = ContactImportPlan(input: input)
    }

    /// What one row says, before it is matched.
    struct Cells {
        var first: String?, last: String?
        var phones: [String] = [], emails: [String] = [], tags: [String] = []
        var company: String?, owner: String?, disposition: String?
        var fields: [(key: String, value: String)] = []
        var keys: [String] { phones + emails.map(EmailAddress.key) }
    }

    mutating func take(_ cells: [String], line: Int) throws(InboxError) {
        guard cells.contains(where: { !$0.trimmingWhitespace().isEmpty }) else { return }
        do throws(InboxError) {
            guard cells.count <= columns.count else {
                throw InboxError.usage("\(cells.count) cells, but the header has \(columns.count) columns")
            }
            let row = try read(cells)
            guard row.first != nil || row.last != nil || !row.keys.isEmpty else {
                throw InboxError.usage("no name, phone or email")
            }
            try place(row, line: line)
        } catch {
            switch error {
            case .usage(let reason), .refused(let reason), .notFound(let reason):
                plan.rows.append(ContactImportRow(line: line, action: .reject(reason)))
            default:
                throw error
            }
        }
    }

    func read(_ cells: [String]) throws(InboxError) -> Cells {
        var row = Cells()
        for (column, raw) in zip(columns, cells) {
            let value = raw.trimmingWhitespace()
            guard !value.isEmpty else { continue }
            let parts = value.split(whereSeparator: { $0 == ";" || $0 == "," }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            switch column {
            case .firstName: row.first = value
            case .lastName: row.last = value
            case .name:
                let (first, last) = Contacts.splitName(value)
                row.first = first
                row.last = last
            case .phone:
                for p in value.split(separator: ";") where !String(p).trimmingWhitespace().isEmpty {
                    row.phones.append(try PhoneNumber.normalize(String(p), config: config))
                }
            case .email: row.emails += try parts.map { (e) throws(InboxError) in try EmailAddress.normalize(e) }
            case .tags: row.tags += try parts.map { (t) throws(InboxError) in try Tags.validated(t) }
            case .company: row.company = value
            case .disposition: row.disposition = value
            case .owner:
                let name = try UserName.validated(value)
                guard users.isEmpty || users.contains(name) else { throw InboxError.notFound("no user '\(name)' (owner)") }
                row.owner = name
            case .field(let key): row.fields.append((key, value))
            case .skip: break
            }
        }
        return row
    }

    /// Matches the row to the one contact its addresses lead to (or none: a new contact) and
    /// fills that contact in.
    mutating func place(_ row: Cells, line: Int) throws(InboxError) {
        var matched: [Int] = []
        for key in row.keys {
            for slot in try slots(having: key) where !matched.contains(slot) { matched.append(slot) }
        }
        guard matched.count <= 1 else {
            throw InboxError.refused("its phones and emails belong to different contacts: \(matched.map(name(of:)).joined(separator: ", "))")
        }
        let slot = matched.first
        var contact = slot.map { plan.contacts[$0] } ?? Contact(id: "", firstName: "", lastName: "", createdAt: now)
        if let v = row.first { contact.firstName = v }
        if let v = row.last { contact.lastName = v }
        contact.phones = try Contacts.unique(contact.phones + row.phones)
        contact.emails = Contacts.uniqueEmails(contact.emails + row.emails)
        contact.tags = Tags.merge(contact.tags, adding: row.tags)
        if let v = row.company { contact.company = v }
        if let v = row.owner { contact.owner = v }
        if let v = row.disposition { contact.disposition = v }
        contact.fields = try CustomFields.apply(row.fields, removing: [], to: contact.fields)
        let target: Int
        if let slot {
            let before = plan.contacts[slot]
            plan.contacts[slot] = contact
            let changed = !contact.sameContent(as: before)
            plan.rows.append(ContactImportRow(line: line, action: changed ? .update : .unchanged, slot: slot))
            target = slot
        } else {
            target = plan.contacts.count
            plan.contacts.append(contact)
            plan.original.append(nil)
            addedOn[target] = line
            plan.rows.append(ContactImportRow(line: line, action: .add, slot: target))
        }
        for key in row.keys { owners[key] = target }
    }

    /// The contacts (slots) that have an address: seen in this file, else in the index.
    mutating func slots(having key: String) throws(InboxError) -> [Int] {
        if let slot = owners[key] { return [slot] }
        let file = AddressIndex.file(for: key)
        if book[file] == nil {
            var entries: [String: [String]] = [:]
            for e in try session.records(file, as: AddressEntry.self) { entries[e.address, default: []].append(e.contact) }
            book[file] = entries
        }
        var out: [Int] = []
        for id in book[file]?[key] ?? [] {
            if let slot = slotOf[id] { out.append(slot); continue }
            guard let contact = try Contacts.table.get(id, in: session) else { continue }
            slotOf[id] = plan.contacts.count
            out.append(plan.contacts.count)
            plan.contacts.append(contact)
            plan.original.append(contact)
        }
        if out.count == 1 { owners[key] = out[0] }
        return out
    }

    func name(of slot: Int) -> String {
        if let line = addedOn[slot] { return "the contact added on line \(line)" }
        return plan.contacts[slot].id
    }
}
