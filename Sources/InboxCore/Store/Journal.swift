#if canImport(Glibc)
import Glibc
#endif

/// Makes a change to several files all-or-nothing.
///
/// Each new file is written to a temp file beside its target and fsynced. For a change to more
/// than one file, `.inbox/journal` then records which temp replaces which target; once the
/// journal is durable the change has happened. The renames follow, each directory is fsynced,
/// and the journal is removed. A writer that finds a journal finishes those renames; a reader
/// reads the temp files in place of their targets. Without a journal, temp files are leftovers
/// of a writer that died before deciding, and the next writer removes them.
enum Journal {
    static let name = "journal"

    struct Entry: StoredRecord {
        var target: String
        var temp: String

        init(target: String, temp: String) {
            self.target = target
            self.temp = temp
        }

        init(fields: inout FieldReader) throws(JSONParseError) {
            target = try fields.string("replace")
            temp = try fields.string("with")
            guard Journal.isSafe(target), Journal.isSafe(temp) else {
                throw JSONParseError("journal names a path outside the repository")
            }
        }

        var json: JSONObject { JSONObject([("replace", .string(target)), ("with", .string(temp))]) }
    }

    /// Paths in the journal are relative, without `..`: a tampered journal cannot rename
    /// anything outside `.inbox`.
    static func isSafe(_ relative: String) -> Bool {
        !relative.isEmpty && !relative.hasPrefix("/") && !relative.split(separator: "/").contains("..")
    }

    static func entries(in repo: Repository) throws(InboxError) -> [Entry]? {
        let path = repo.path(name)
        guard let data = try FileSystem.read(path) else { return nil }
        return try JSONLines.decode(data, path: path)
    }

    /// For readers: target → temp of a decided but unfinished commit.
    static func pending(in repo: Repository) throws(InboxError) -> [String: String] {
        guard let entries = try entries(in: repo) else { return [:] }
        var overlay: [String: String] = [:]
        for entry in entries where FileSystem.exists(repo.path(entry.temp)) {
            overlay[entry.target] = entry.temp
        }
        return overlay
    }

    /// For writers, under the exclusive lock: finish a decided commit, drop undecided leftovers.
    static func recover(in repo: Repository) throws(InboxError) {
        if let entries = try entries(in: repo) {
            var directories = Set<String>()
            for entry in entries where FileSystem.exists(repo.path(entry.temp)) {
                try FileSystem.rename(repo.path(entry.temp), repo.path(entry.target))
                directories.insert(parent(of: repo.path(entry.target)))
            }
            for dir in directories.sorted() { try FileSystem.syncDirectory(dir) }
            try FileSystem.remove(repo.path(name))
            try FileSystem.syncDirectory(repo.storePath)
        }
        try removeStaleTemps(in: repo)
    }

    static func isTemp(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp.")
    }

    private static func removeStaleTemps(in repo: Repository) throws(InboxError) {
        var directories = [repo.storePath]
        var index = 0
        while index < directories.count {
            let dir = directories[index]
            index += 1
            for name in try FileSystem.list(dir) {
                let path = dir + "/" + name
                if isTemp(name) {
                    try FileSystem.remove(path)
                } else if !name.hasPrefix("."), FileSystem.isDirectory(path), !FileSystem.isSymlink(path) {
                    directories.append(path)
                }
            }
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// Creates `directory` and any missing parents below `root`, each made durable in its parent.
    static func makeDirectories(_ directory: String, within root: String) throws(InboxError) {
        guard directory.count > root.count, !FileSystem.isDirectory(directory) else { return }
        try makeDirectories(parent(of: directory), within: root)
        try FileSystem.makeDirectory(directory)
        try FileSystem.syncDirectory(parent(of: directory))
    }

    private static func tempPath(for target: String, serial: Int) -> String {
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[...$0]) } ?? ""
        let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        return directory + "." + base + ".tmp.\(getpid()).\(serial)"
    }

    /// Writes `files` (paths relative to `.inbox`) durably and all-or-nothing.
    ///
    /// Throws only while nothing has changed. Once the change is decided (the journal, or the
    /// only file, renamed into place) it stands: readers see it and the next writer finishes
    /// it, so a failure after that point comes back as a warning, not an error a script would
    /// answer by running the command again.
    static func commit(_ files: [(path: String, content: [UInt8])], in repo: Repository) throws(InboxError) -> [String] {
        guard !files.isEmpty else { return [] }
        var written: [Entry] = []
        let journalTemp = "." + name + ".tmp.\(getpid())"
        func takeBack() {
            for entry in written { try? FileSystem.remove(repo.path(entry.temp)) }
            try? FileSystem.remove(repo.path(journalTemp))
        }
        do throws(InboxError) {
            for (serial, file) in files.enumerated() {
                guard isSafe(file.path) else {
                    throw InboxError.io(path: repo.path(file.path), operation: "write (path outside the repository)", errno: EINVAL)
                }
                let entry = Entry(target: file.path, temp: tempPath(for: file.path, serial: serial))
                let targetPath = repo.path(entry.target)
                let directory = parent(of: targetPath)
                try makeDirectories(directory, within: repo.storePath)
                let mode = FileSystem.mode(targetPath) ?? 0o600
                try FileSystem.writeNew(repo.path(entry.temp), file.content, mode: mode)
                written.append(entry)
            }
            if written.count > 1 {
                // The temp files must be durable in their directories before a journal names them.
                for dir in Set(written.map { parent(of: repo.path($0.temp)) }).sorted() { try FileSystem.syncDirectory(dir) }
                try FileSystem.writeNew(repo.path(journalTemp), JSONLines.encode(written), mode: 0o600)
                try FileSystem.rename(repo.path(journalTemp), repo.path(name))
            } else {
                try FileSystem.rename(repo.path(written[0].temp), repo.path(written[0].target))
            }
        } catch {
            takeBack()
            throw error
        }

        // Decided.
        var problems: [String] = []
        func attempt(_ step: () throws(InboxError) -> Void) -> Bool {
            do throws(InboxError) { try step(); return true } catch { problems.append(error.message); return false }
        }
        if written.count == 1 {
            _ = attempt { () throws(InboxError) in try FileSystem.syncDirectory(parent(of: repo.path(written[0].target))) }
        } else {
            var finished = attempt { () throws(InboxError) in try FileSystem.syncDirectory(repo.storePath) }
            for entry in written {
                finished = attempt { () throws(InboxError) in try FileSystem.rename(repo.path(entry.temp), repo.path(entry.target)) } && finished
            }
            for dir in Set(written.map { parent(of: repo.path($0.target)) }).sorted() {
                finished = attempt { () throws(InboxError) in try FileSystem.syncDirectory(dir) } && finished
            }
            // The journal goes only once every rename is durable; until then recovery needs it.
            if finished {
                _ = attempt { () throws(InboxError) in
                    try FileSystem.remove(repo.path(name))
                    try FileSystem.syncDirectory(repo.storePath)
                }
            }
        }
        return problems.map { "the change was saved, but finishing the write failed (\($0)); the next inbox command completes it" }
    }
}
