/// Removing a user who has left. The repository must stay whole: fsck requires every
/// assignee and contact owner to be a user, so a user who still has work is refused, with what
/// they have and the commands that hand it over. Messages, notes and log entries they wrote
/// keep their name as history.
extension Users {
    public static func remove(_ name: String, in tx: Transaction) throws(InboxError) -> User {
        var users = try all(tx)
        guard let index = users.firstIndex(where: { $0.name == name }) else {
            throw InboxError.notFound("no user '\(name)' (see '\(CommandReference.listUsers)')")
        }
        let user = users[index]
        if user.role == .admin, users.count > 1, !users.contains(where: { $0.name != name && $0.role == .admin }) {
            throw InboxError.refused("'\(name)' is the only admin; \(Remedy.makeAnotherAdmin)")
        }
        if try Config.load(tx).userName == name {
            throw InboxError.refused("'\(name)' is this repository's user.name; change it first ('\(CommandReference.setConfig(key: "user.name", value: "NAME"))')")
        }
        var held: [Explanation] = []
        var conversations = ConversationFilter()
        conversations.ownership = .assignee(name)
        conversations.status = .all
        let assigned = try Conversations.list(conversations, actor: name, in: tx).conversations
        if !assigned.isEmpty {
            held.append("\(assigned.count) conversation(s) assigned (\(Remedy.reassignConversations(user: name)))")
        }
        var contacts = ContactFilter()
        contacts.owner = name
        let owned = try Contacts.list(contacts, in: tx)
        if !owned.isEmpty { held.append("\(owned.count) contact(s) owned (\(owned.prefix(5).map(\.id).joined(separator: ", "))\(owned.count > 5 ? ", …" : ""); \(Remedy.reassignContacts))") }
        var tasks = TaskFilter()
        tasks.assignee = name
        tasks.states = Set(ClientTask.State.allCases)
        let following = try Tasks.list(tasks, now: Timestamp(seconds: 0), in: tx)
        if !following.isEmpty { held.append("\(following.count) task(s) assigned (\(following.prefix(5).map(\.id).joined(separator: ", "))\(following.count > 5 ? ", …" : ""); \(Remedy.reassignTasks))") }
        guard held.isEmpty else {
            throw InboxError.refused("user '\(name)' still has work: \(Explanation(joining: held, separator: "; ")); hand it over, then remove the user")
        }
        users.remove(at: index)
        tx.stage(file, records: users)
        return user
    }
}
