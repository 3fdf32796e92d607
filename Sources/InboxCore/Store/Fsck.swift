/// One thing wrong with the repository, printed `PATH:LINE: reason` (or `PATH: reason`).
public struct FsckProblem: Equatable, Sendable {
    public var path: String
    public var line: Int?
    public var reason: Explanation
    /// True when `fsck --repair` can rebuild what is wrong from the source records.
    public var derivable: Bool

    public var description: String { explanation.description }

    /// `PATH:LINE: reason`, its remedy still data.
    public var explanation: Explanation { "\(path + (line.map { ":\($0)" } ?? "")): \(reason)" }
}

/// Checks every line of every file, every reference between records, and every derived file
/// against its sources; reports every problem, not just the first.
public enum Fsck {
    public struct Report: Sendable {
        public var problems: [FsckProblem] = []
        public var filesChecked = 0
        public var recordsChecked = 0
        public var repaired: [String] = []
        /// The highest id number in use for each prefix, for the counter check and its repair.
        public var highestInUse: [String: Int] = [:]
    }

    public static func check(_ session: Session) throws(InboxError) -> Report {
        // A change being prepared (an import checks itself before it commits) is checked as
        // it will be written, derived files included.
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        var checker = Checker(session: session)
        try checker.run()
        return checker.report
    }

    /// Rebuilds what is derivable (the address index, id counters), when the sources are sound.
    public static func repair(_ tx: Transaction) throws(InboxError) -> Report {
        var report = try check(tx)
        // Rebuilding from sources that are themselves broken would bake the damage in.
        guard report.problems.contains(where: \.derivable), !report.problems.contains(where: { !$0.derivable }) else {
            return report
        }
        releaseFreedMemory()
        let canonicalised = try Contacts.canonicaliseDoNotContact(in: tx)
        if canonicalised > 0 { report.repaired.append("rewrote do-not-contact canonically for \(canonicalised) contact\(canonicalised == 1 ? "" : "s")") }
        try rebuildDerived(tx, &report)
        try tx.limitMemory()
        releaseFreedMemory()
        report.problems = try check(tx).problems
        return report
    }

    /// Rebuilds every derived file, the id counters (past `report.highestInUse` too) and the
    /// conversation summaries from the records, without checking them first: `repair` checks
    /// around it; a shared clone calls it alone after a merge, whose records the merge driver
    /// has already parsed (issue 14), leaving out the conversation indexes and summaries when no
    /// conversation or message changed (they cost a read of every message).
    static func rebuildDerived(_ tx: Transaction, _ report: inout Report, conversations: Bool = true) throws(InboxError) {
        let contacts = try Contacts.table.all(in: tx)
        let derived = AddressIndex.derived(from: contacts)
        let present = Set(try tx.list(AddressIndex.directory).map { AddressIndex.directory + "/" + $0 })
        for file in present.union(derived.keys).sorted() {
            let want = derived[file] ?? []
            if try tx.records(file, as: AddressEntry.self) != want {
                tx.stage(file, records: want as [AddressEntry])
                report.repaired.append("rebuilt \(tx.displayPath(file))")
            }
        }
        for file in try ContactSearchIndex.rebuild(from: contacts, in: tx) { report.repaired.append("rebuilt \(tx.displayPath(file))") }
        let maxContact = contacts.compactMap { Contacts.table.number(of: $0.id) }.max() ?? 0
        if maxContact > (try Sequences.last(Contacts.table.prefix, in: tx)) {
            try Sequences.raise(Contacts.table.prefix, to: maxContact, in: tx)
            report.repaired.append("raised the contact id counter to \(maxContact)")
        }
        var maxNote = 0
        for file in try tx.list(ContactNotes.directory) {
            for note in try tx.records(ContactNotes.directory + "/" + file, as: ContactNote.self) {
                maxNote = max(maxNote, IDPrefix.number(of: note.id, prefix: ContactNotes.prefix) ?? 0)
            }
        }
        if maxNote > (try Sequences.last(ContactNotes.prefix, in: tx)) {
            try Sequences.raise(ContactNotes.prefix, to: maxNote, in: tx)
            report.repaired.append("raised the note id counter to \(maxNote)")
        }
        for file in try TaskAgenda.rebuild(in: tx, contacts: contacts) { report.repaired.append("rebuilt \(tx.displayPath(file))") }
        // The session keeps every file it parsed; the contacts and their index are not read again.
        try forgetParsed(Contacts.table.shardFiles(in: tx) + tx.list(AddressIndex.directory).map { AddressIndex.directory + "/" + $0 }, in: tx)
        if conversations {
            releaseFreedMemory()
            try repairConversations(tx, &report)
        } else {
            // Rows carry contact names, which a merge of contacts alone may have changed.
            for file in try ActivityIndex.rebuild(in: tx) { report.repaired.append("rebuilt \(tx.displayPath(file))") }
        }
        try repairCounters(tx, &report)
    }
}

extension Fsck {
    /// Gives the pages freed by one phase of a repair back to the system before the next: a
    /// phase's records are freed when it ends, but the heap keeps their pages, and the next
    /// phase's (on another thread's arena) would be counted on top of them.
    /// Lets the session drop the records it parsed of `files` (a staged file keeps its new
    /// content; a later read parses again), so a repair's phases do not hold each other's.
    static func forgetParsed(_ files: [String], in tx: Transaction) {
        for file in files { tx.forget(file) }
    }

    static func releaseFreedMemory() {
        #if canImport(Glibc)
        _ = mallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `malloc_trim`, which Swift's Glibc module does not declare.
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
#endif

struct Checker {
    let session: Session
    var report = Fsck.Report()

    init(session: Session) { self.session = session }

    mutating func problem(_ relative: String, _ line: Int?, _ reason: Explanation, derivable: Bool = false) {
        report.problems.append(FsckProblem(path: session.displayPath(relative), line: line, reason: reason, derivable: derivable))
    }

    /// Parses a file, noting each bad line; gives the good records with their line numbers.
    mutating func load<R: StoredRecord>(_ relative: String, as type: R.Type) throws(InboxError) -> [(record: R, line: Int)] {
        guard let bytes = try session.bytes(relative) else { return [] }
        report.filesChecked += 1
        var problems: [(Int, String)] = []
        var records: [(record: R, line: Int)] = []
        try JSONLines.decodeNumbered(bytes, path: relative, as: type, onProblem: { (line, reason) throws(InboxError) in
            problems.append((line, reason))
        }) { record, line in records.append((record, line)) }
        for (line, reason) in problems { problem(relative, line, Explanation(reason)) }
        report.recordsChecked += records.count
        return records
    }

    mutating func run() throws(InboxError) {
        guard try checkLayout() else { return }
        let config = try load(Config.file, as: ConfigEntry.self)
        checkSorted(Config.file, config.map { ($0.record.key, $0.line) }, what: "setting")
        let users = try load(Users.file, as: User.self)
        checkSorted(Users.file, users.map { ($0.record.name, $0.line) }, what: "user")
        let userNames = Set(users.map(\.record.name))
        let beforeSequences = report.problems.count
        let sequences = try load(Sequences.file, as: SequenceRecord.self)
        let sequencesParsed = report.problems.count == beforeSequences
        checkSorted(Sequences.file, sequences.map { ($0.record.prefix, $0.line) }, what: "counter")
        let lastIssued = Dictionary(sequences.map { ($0.record.prefix, Int($0.record.last)) }, uniquingKeysWith: max)

        let problemsBefore = report.problems.count
        let contacts = try checkContacts(lastIssued: lastIssued[Contacts.table.prefix] ?? 0, users: userNames)
        let contactsSound = report.problems.count == problemsBefore
        try checkContactMerges(contacts: contacts.ids, lastIssued: lastIssued[Contacts.table.prefix] ?? 0)
        let closingNotes = try checkNotes(contacts: contacts.ids, lastIssued: lastIssued[ContactNotes.prefix] ?? 0)
        // An index checked against contacts that did not all parse would only echo those lines.
        if contactsSound {
            try checkAddressIndex(contacts.addresses)
            try checkSearchIndex(contacts.search)
        }
        let templates = try load(Templates.file, as: Template.self)
        checkSorted(Templates.file, templates.map { ($0.record.name, $0.line) }, what: "template")
        try checkConversations(contacts: contacts.ids, contactNames: contacts.names, users: userNames, lastIssued: lastIssued, closingNotes: closingNotes)
        try checkTasksAndLog(contacts: contacts.ids, names: contactsSound ? contacts.names : nil, users: userNames, lastIssued: lastIssued)
        // A counter line that did not parse is reported already; comparing against it would only echo it.
        if sequencesParsed { checkCounters(sequences) }
    }

    mutating func checkSorted(_ file: String, _ keys: [(String, Int)], what: String) {
        var seen: [String: Int] = [:]
        var previous: String?
        for (key, line) in keys {
            if let first = seen[key] {
                problem(file, line, "duplicate \(what) \"\(key)\" (also on line \(first))")
            } else if let previous, key < previous {
                problem(file, line, "\(what) \"\(key)\" is out of order (files are sorted so they diff cleanly)")
            }
            seen[key] = seen[key] ?? line
            previous = key
        }
    }

    mutating func shardFiles(_ directory: String) throws(InboxError) -> [String] {
        var files: [String] = []
        for name in try session.list(directory) {
            let stem = name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : ""
            if IDSpace.isShardName(stem) {
                files.append(directory + "/" + name)
            } else {
                problem(directory + "/" + name, nil, "unexpected file (shards are named NNNN.jsonl for sequential ids, or by two letters and digits, k3.jsonl, for minted ones)")
            }
        }
        return files
    }

    /// What the later checks need of the contacts, kept small: contacts are not held whole.
    struct ContactFacts {
        var ids = Set<String>()
        /// The name of each contact (the first, for an id used twice), for the activity index.
        var names: [String: String] = [:]
        /// The address index as the contacts say it should be, by file.
        var addresses: [String: [AddressEntry]] = [:]
        var search = LineDigest()
    }

    /// What a contact gives the indexes: its name, its address keys, its search index file and
    /// the hash of its line there.
    struct ContactDerived: Sendable {
        var name: String
        /// Each distinct address key, with its index file.
        var addresses: [(file: String, key: String)]
        var search: (path: String, line: UInt64)?
        var place: Placement
        /// Tags met again (ignoring case), in the contact's order.
        var repeatedTags: [String]
        var dndCanonical: Bool
    }

    mutating func checkContacts(lastIssued: Int, users: Set<String>) throws(InboxError) -> ContactFacts {
        let table = Contacts.table
        var facts = ContactFacts()
        var files: [String] = []
        var seen: [String: (file: Int, line: Int)] = [:]
        // What each contact gives the indexes is made on the decoding threads.
        try decodeEach(try shardFiles(table.directory), as: Contact.self, extra: { contact in
            var tags = Set<String>()
            return ContactDerived(name: contact.displayName, addresses: Array(Set(AddressIndex.keys(of: contact))).map { (AddressIndex.file(for: $0), $0) },
                                  search: ContactSearchIndex.file(for: contact.id).map { ($0, LineDigest.hash(JSONLines.encode([ContactSearchEntry(contact)])[...])) },
                                  place: Placement(contact.id, of: table), repeatedTags: contact.tags.filter { !tags.insert($0.lowercased()).inserted },
                                  dndCanonical: contact.dnd == contact.dnd.canonical)
        }) { (checker, file, contacts) throws(InboxError) in
            files.append(file)
            var previous: Int?
            for (contact, line, derived) in contacts {
                if let other = seen[contact.id] {
                    checker.problem(file, line, "duplicate contact id \(contact.id) (also in \(files[other.file]):\(other.line))")
                    continue
                }
                seen[contact.id] = (files.count - 1, line)
                checker.checkPlacement(contact.id, derived.place, of: table, file, line, after: &previous,
                                       above: "(\(table.prefix)\(lastIssued) in \(Sequences.file)); a new contact would reuse it", lastIssued: lastIssued)
                if let owner = contact.owner, !users.isEmpty, !users.contains(owner) {
                    checker.problem(file, line, "contact \(contact.id) is owned by '\(owner)', who is not a user")
                }
                if !derived.dndCanonical {
                    checker.problem(file, line, "contact \(contact.id) has do-not-contact \(JSONWriter.string(contact.dnd.json)), not as stored by contact dnd: \(JSONWriter.string(contact.dnd.canonical.json)) (\(Remedy.repair(effect: "rewrites it")))", derivable: true)
                }
                for tag in derived.repeatedTags {
                    checker.problem(file, line, "contact \(contact.id) has tag '\(tag)' twice (tags ignore case)")
                }
                facts.ids.insert(contact.id)
                facts.names[contact.id] = derived.name
                for (index, key) in derived.addresses {
                    facts.addresses[index, default: []].append(AddressEntry(address: key, contact: contact.id))
                }
                if let (path, line) = derived.search {
                    facts.search.add(line: line, to: path, at: table.ids.order(contact.id))
                }
            }
        }
        // Each file sorted on both cores, each entry's contact id parsed once.
        facts.addresses = Dictionary(uniqueKeysWithValues: Parallel.map(Array(facts.addresses)) { (file, entries) in
            let order = entries.map { Contacts.table.ids.order($0.contact) }
            return (file, entries.indices.sorted { a, b in
                entries[a].address != entries[b].address ? entries[a].address < entries[b].address : order[a] < order[b]
            }.map { entries[$0] })
        })
        return facts
    }

    /// Checks every note; returns those that name a conversation, for checkConversations.
    mutating func checkNotes(contacts: Set<String>, lastIssued: Int) throws(InboxError) -> [(file: String, line: Int, note: ContactNote)] {
        var seen = Set<String>()
        var naming: [(file: String, line: Int, note: ContactNote)] = []
        for file in try shardFiles(ContactNotes.directory) {
            for (note, line) in try load(file, as: ContactNote.self) {
                if !seen.insert(note.id).inserted { problem(file, line, "duplicate note id \(note.id)") }
                if note.conversation != nil { naming.append((file, line, note)) }
                if !contacts.contains(note.contact) {
                    problem(file, line, "note \(note.id) refers to contact \(note.contact), which does not exist")
                } else if ContactNotes.file(for: note.contact) != file {
                    problem(file, line, "note \(note.id) belongs in \(ContactNotes.file(for: note.contact)!)")
                }
                let n = ContactNotes.ids.number(of: note.id) ?? 0
                noteInUse(ContactNotes.prefix, n)
                if !ContactNotes.ids.isValid(note.id) {
                    problem(file, line, "\"\(note.id)\" is not a note id")
                } else if n > lastIssued {
                    problem(file, line, "note \(note.id) is above the last id issued (\(ContactNotes.prefix)\(lastIssued))", derivable: true)
                }
            }
        }
        return naming
    }

    /// `derived`: the index as the contacts say it should be, by file. A file that is exactly
    /// that is compared as bytes; only one that differs is parsed to say how.
    mutating func checkAddressIndex(_ derived: [String: [AddressEntry]]) throws(InboxError) {
        var present = Set<String>()
        let files = try session.list(AddressIndex.directory).map { AddressIndex.directory + "/" + $0 }
        let judged = try judgeEach(files) { file, bytes in
            let want = derived[file] ?? []
            return bytes == JSONLines.encode(want) ? want.count : nil
        }
        for (file, matched) in zip(files, judged) {
            present.insert(file)
            let want = derived[file] ?? []
            if let matched {
                report.filesChecked += 1
                report.recordsChecked += matched
                continue
            }
            let entries = try load(file, as: AddressEntry.self)
            let wanted = Set(want.map { "\($0.address) \($0.contact)" })
            let have = Set(entries.map { "\($0.record.address) \($0.record.contact)" })
            for (entry, line) in entries where !wanted.contains("\(entry.address) \(entry.contact)") {
                problem(file, line, "stale index entry: \(entry.contact) has no address \(entry.address) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
            }
            for entry in want where !have.contains("\(entry.address) \(entry.contact)") {
                problem(file, nil, "index lacks \(entry.address) → \(entry.contact) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
            }
            if wanted == have, entries.map(\.record) != want {
                problem(file, nil, "index entries are out of order (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
            }
        }
        for file in derived.keys.sorted() where !present.contains(file) {
            for entry in derived[file]! {
                problem(file, nil, "index lacks \(entry.address) → \(entry.contact) (\(Remedy.repair(effect: "rebuilds the index")))", derivable: true)
            }
        }
    }
}

extension Checker {
    /// One entry per contact, as the contact says, in its shard's file, in id order.
    mutating func checkSearchIndex(_ wanted: LineDigest) throws(InboxError) {
        var present = Set<String>()
        let files = try session.list(ContactSearchIndex.directory).map { ContactSearchIndex.directory + "/" + $0 }
        let judged = try judgeEach(files) { file, bytes in
            let want = wanted.wanted(file)
            return LineDigest.lines(bytes ?? []) == want ? want.count : nil
        }
        for (file, matched) in zip(files, judged) {
            present.insert(file)
            let want = wanted.wanted(file)
            if let matched {
                report.filesChecked += 1
                report.recordsChecked += matched
                continue
            }
            let entries = try load(file, as: ContactSearchEntry.self)
            if entries.map({ LineDigest.hash(JSONLines.encode([$0.record])[...]) }) != want {
                problem(file, nil, "the search index does not match the contacts (\(Remedy.repair(effect: "rebuilds it")))", derivable: true)
            }
        }
        for file in wanted.paths.sorted() where !present.contains(file) {
            problem(file, nil, "the search index lacks \(wanted.wanted(file).count) contact(s) (\(Remedy.repair(effect: "rebuilds it")))", derivable: true)
        }
    }
}

/// What an id of an id-keyed table says of its record's place: its number (0 for a minted
/// one), its shard file and its sort key.
struct Placement: Sendable {
    var number: Int
    var home: String?
    var key: Int

    init<R: IdentifiedRecord>(_ id: String, of table: ShardedTable<R>) {
        number = table.number(of: id) ?? 0
        home = table.shardFile(of: id)
        key = table.ids.key(of: id) ?? 0
    }
}

/// Shard names and id counters (issue 10, item 8), apart from the record checks.
extension Checker {
    /// A record of an id-keyed table: in the shard its id names, after the record before it
    /// (`previous`: that record's `IDSpace.key`), and a sequential id no higher than its counter.
    /// Record decoding has already refused an id of neither shape.
    mutating func checkPlacement<R: IdentifiedRecord>(_ id: String, of table: ShardedTable<R>, _ file: String, _ line: Int,
                                                      after previous: inout Int?, above: String = "", lastIssued: Int) {
        checkPlacement(id, Placement(id, of: table), of: table, file, line, after: &previous, above: above, lastIssued: lastIssued)
    }

    /// `place`: what the id says, worked out on a decoding thread.
    mutating func checkPlacement<R: IdentifiedRecord>(_ id: String, _ place: Placement, of table: ShardedTable<R>, _ file: String, _ line: Int,
                                                      after previous: inout Int?, above: String = "", lastIssued: Int) {
        let n = place.number
        noteInUse(table.prefix, n)
        if let home = place.home, home != file { problem(file, line, "\(table.noun) \(id) belongs in \(home)") }
        let key = place.key
        if let previous, key <= previous { problem(file, line, "\(table.noun) \(id) is out of order (ids ascend)") }
        previous = key
        if n > lastIssued {
            problem(file, line, "\(table.noun) \(id) is above the last id issued\(above.isEmpty ? "" : " " + above)", derivable: true)
        }
    }

    mutating func noteInUse(_ prefix: String, _ number: Int) {
        report.highestInUse[prefix] = max(report.highestInUse[prefix] ?? 0, number)
    }

    /// Each counter must be at least the highest id of its kind in use, or the next record of
    /// that kind would take an id that already exists.
    mutating func checkCounters(_ sequences: [(record: SequenceRecord, line: Int)]) {
        for (prefix, highest) in report.highestInUse.sorted(by: { $0.key < $1.key }) {
            let entry = sequences.first { $0.record.prefix == prefix }
            let last = Int(entry?.record.last ?? 0)
            if highest > last {
                problem(Sequences.file, entry?.line, "the \(prefix) counter is \(last) but \(prefix)\(highest) is in use; a new record would reuse an id (\(Remedy.repair(effect: "raises it")))", derivable: true)
            }
        }
    }
}

extension Fsck {
    /// Raises every counter that is behind the ids in use.
    static func repairCounters(_ tx: Transaction, _ report: inout Report) throws(InboxError) {
        for (prefix, highest) in report.highestInUse.sorted(by: { $0.key < $1.key }) {
            if highest > (try Sequences.last(prefix, in: tx)) {
                try Sequences.raise(prefix, to: highest, in: tx)
                report.repaired.append("raised the \(prefix) id counter to \(highest)")
            }
        }
    }
}
