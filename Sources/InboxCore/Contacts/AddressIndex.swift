/// Which contact has which phone number or email address, so an inbound message or a new
/// contact is matched without reading every contact. Derived from the contacts: `fsck` checks it
/// and `fsck --repair` rebuilds it. Spread over 64 files by a hash of the address.
public struct AddressEntry: StoredRecord, Equatable, Sendable {
    public var address: String
    public var contact: String

    public init(address: String, contact: String) {
        self.address = address
        self.contact = contact
    }

    public static let schema = RecordSchema(blank: AddressEntry(address: "", contact: ""), [
        .field("address", \.address, .string),
        .field("contact", \.contact, .string),
    ])

    static func sorted(_ a: AddressEntry, _ b: AddressEntry) -> Bool {
        a.address != b.address ? a.address < b.address : Contacts.table.ids.order(a.contact) < Contacts.table.ids.order(b.contact)
    }
}

public enum AddressIndex {
    static let directory = "index/addresses"

    /// The matching key of an address: E.164 phones as stored, emails in lower case.
    static func keys(of contact: Contact) -> [String] {
        contact.phones + contact.emails.map(EmailAddress.key)
    }

    static func file(for key: String) -> String {
        // FNV-1a: stable across runs and platforms, unlike Swift's seeded Hasher.
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let bucket = Int(hash % 64)
        let hex = Array("0123456789abcdef")
        return directory + "/" + String(hex[bucket / 16]) + String(hex[bucket % 16]) + ".jsonl"
    }

    /// Contacts that have this phone number (normalized) or email address.
    public static func contacts(with address: String, in session: Session) throws(InboxError) -> [String] {
        let key = address.contains("@") ? EmailAddress.key(address) : address
        return try session.records(file(for: key), as: AddressEntry.self).filter { $0.address == key }.map(\.contact)
    }

    static func refuseDuplicates(of contact: Contact, in session: Session) throws(InboxError) {
        for key in keys(of: contact) {
            if let other = try contacts(with: key, in: session).first(where: { $0 != contact.id }) {
                throw InboxError.refused("\(key) already belongs to contact \(other); \(Remedy.allowDuplicate)")
            }
        }
    }

    /// Moves the index from a contact's old addresses to its new ones.
    static func update(from before: Contact?, to after: Contact, in tx: Transaction) throws(InboxError) {
        let old = Set(before.map(keys) ?? [])
        let new = Set(keys(of: after))
        var byFile: [String: (add: [String], remove: [String])] = [:]
        for key in new.subtracting(old) { byFile[file(for: key), default: ([], [])].add.append(key) }
        for key in old.subtracting(new) { byFile[file(for: key), default: ([], [])].remove.append(key) }
        for (path, change) in byFile {
            var entries = try tx.records(path, as: AddressEntry.self)
            let removed = Set(change.remove)
            entries.removeAll { $0.contact == after.id && removed.contains($0.address) }
            entries += change.add.map { AddressEntry(address: $0, contact: after.id) }
            entries.sort(by: AddressEntry.sorted)
            tx.stage(path, records: entries)
        }
    }

    /// Adds the addresses of new contacts, one rewrite per file (an import of thousands).
    static func add(_ contacts: [Contact], in tx: Transaction) throws(InboxError) {
        var byFile: [String: [AddressEntry]] = [:]
        for contact in contacts {
            for key in Set(keys(of: contact)) { byFile[file(for: key), default: []].append(AddressEntry(address: key, contact: contact.id)) }
        }
        for (path, added) in byFile {
            tx.stage(path, records: (try tx.records(path, as: AddressEntry.self) + added).sorted(by: AddressEntry.sorted))
        }
    }

    /// The whole index as it should be for these contacts, file by file.
    static func derived(from contacts: [Contact]) -> [String: [AddressEntry]] {
        var byFile: [String: [AddressEntry]] = [:]
        for contact in contacts {
            for key in Set(keys(of: contact)) {
                byFile[file(for: key), default: []].append(AddressEntry(address: key, contact: contact.id))
            }
        }
        for key in byFile.keys { byFile[key]!.sort(by: AddressEntry.sorted) }
        return byFile
    }
}
