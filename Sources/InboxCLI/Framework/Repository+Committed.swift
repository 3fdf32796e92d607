import InboxCore

// STUB, until Repository records this itself. The intended change, in Repository.write
// (Sources/InboxCore/Store/Repository.swift), is a stored property set after the commit:
//     public private(set) var committedChange = false
//     ... let staged = tx.stagedFiles(); warnings += try Journal.commit(staged, in: self)
//         if !staged.isEmpty { committedChange = true }
// Then this file and the `markCommitted()` calls (CommandContext.write, BatchCommand) go.
// Until then only writes made through CommandContext.write and batch are seen.

/// Repositories that saved a change during this process, by identity.
nonisolated(unsafe) private var committedRepositories: Set<ObjectIdentifier> = []

extension Repository {
    /// Whether a write through this repository object saved a change.
    var committedChange: Bool { committedRepositories.contains(ObjectIdentifier(self)) }

    func markCommitted() { committedRepositories.insert(ObjectIdentifier(self)) }
}
