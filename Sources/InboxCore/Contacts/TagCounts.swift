/// Every tag in use with how many contacts carry it. Tags compare case-insensitively; a tag
/// is shown with the spelling of the oldest contact that has it (the spelling first written).
extension Tags {
    public static func counts(in session: Session) throws(InboxError) -> [(tag: String, contacts: Int)] {
        var spelling: [String: String] = [:]
        var count: [String: Int] = [:]
        try Contacts.table.forEachNewestFirst(in: session, created: \.createdAt.seconds) { (contact) throws(InboxError) -> Bool in
            for tag in contact.tags {
                let key = tag.lowercased()
                spelling[key] = tag
                count[key, default: 0] += 1
            }
            return true
        }
        return count.keys.sorted().map { (spelling[$0]!, count[$0]!) }
    }
}
