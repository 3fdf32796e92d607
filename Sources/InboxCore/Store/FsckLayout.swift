/// fsck's walk over the entries of `.inbox` themselves, before any record is read: what a
/// clone or a hand edit can plant that the store refuses to use.
extension Checker {
    /// The names allowed at the top of `.inbox`.
    static let topLevel: Set<String> = [
        "config.jsonl", "sequences.jsonl", CloneID.file, "users.jsonl", "templates.jsonl", ContactMerges.file, "lock", "flush.lock", "journal",
        Journal.tempDirectory, "outcomes",
        "contacts", "notes", "conversations", "messages", "tasks", "log", "index", "hooks", "attachments",
    ]

    /// Hidden names git itself may keep in a directory it tracks.
    static let gitFiles: Set<String> = [".gitignore", ".gitattributes", ".gitkeep"]

    /// Reports symlinks, special files, stray temp files and anything in `tmp/` that is not a
    /// temp file. Returns false when something the store would refuse to pass through was
    /// found, in which case the records are not read (every read would stop at it).
    mutating func checkLayout() throws(InboxError) -> Bool {
        let store = session.repository.store
        var sound = true
        var directories = [""]
        while let directory = directories.popLast() {
            for entry in try store.entries(directory) {
                let relative = directory.isEmpty ? entry.name : directory + "/" + entry.name
                switch entry.kind {
                case .symlink:
                    problem(relative, nil, "symbolic link inside the repository: inbox never follows one (remove it, and put the real file or directory here)")
                    sound = false
                case .other:
                    problem(relative, nil, "not a regular file or directory (remove it)")
                    sound = false
                case .directory where directory == Journal.tempDirectory:
                    problem(relative, nil, "a directory among temp files: writers leave it alone (remove it)")
                case _ where entry.name.hasPrefix(".") && !Checker.gitFiles.contains(entry.name):
                    if entry.kind == .file && entry.name.contains(".tmp.") {
                        problem(relative, nil, "temp file left by an interrupted write of an older inbox (it was never part of the repository; delete it)")
                    } else {
                        problem(relative, nil, "unexpected hidden \(entry.kind == .directory ? "directory" : "file"): inbox ignores it (remove it)")
                    }
                case .directory:
                    directories.append(relative)
                case .file:
                    break
                }
                if directory.isEmpty, !entry.name.hasPrefix("."), !Checker.topLevel.contains(entry.name) {
                    problem(relative, nil, "unexpected file in the repository")
                }
            }
        }
        return try checkJournalPaths(store) && sound
    }

    /// A journal names files the next writer will rename: each must be reachable inside `.inbox`.
    private mutating func checkJournalPaths(_ store: StoreDirectory) throws(InboxError) -> Bool {
        let entries: [Journal.Entry]?
        do throws(InboxError) {
            entries = try Journal.entries(in: store)
        } catch {
            if case .badData(_, let line, let reason) = error { problem(Journal.name, line, Explanation(reason)) } else { throw error }
            return false
        }
        var sound = true
        for (index, entry) in (entries ?? []).enumerated() {
            for path in [entry.target, entry.temp].compactMap({ $0 }) {
                do throws(InboxError) {
                    _ = try store.kind(path)
                } catch {
                    problem(Journal.name, index + 1, "\(path) cannot be reached inside the repository (\(error.message)); no writer can finish this change")
                    sound = false
                }
            }
        }
        return sound
    }
}
