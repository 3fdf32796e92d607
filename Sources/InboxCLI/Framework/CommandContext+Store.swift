import InboxCore

extension CommandContext {
    /// Reads the repository under the shared lock.
    func read<T>(_ body: (Session) throws(InboxError) -> T) throws(InboxError) -> T {
        try repository().read(body)
    }

    /// Changes the repository under the exclusive lock, as the acting user, all or nothing.
    /// A registered viewer is refused; `adminOnly` changes need an admin once one exists.
    func write<T>(adminOnly: Bool = false, _ body: (Transaction, String) throws(InboxError) -> T) throws(InboxError) -> T {
        try repository().write { (tx) throws(InboxError) -> T in
            let actor = try actingUser(tx)
            try Users.authorize(actor, adminOnly: adminOnly, in: tx)
            return try body(tx, actor)
        }
    }
}
