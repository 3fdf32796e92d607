#if canImport(Glibc)
import Glibc
#endif

/// Makes a change to several files all-or-nothing.
///
/// Each new file is written to `.inbox/tmp/` and fsynced. For a change to more than one file,
/// `.inbox/journal` then records which temp file replaces which target; once the journal is
/// durable the change has happened. The renames follow, each directory is fsynced, and the
/// journal is removed. A writer that finds a journal finishes those renames; a reader reads the
/// temp files in place of their targets. Without a journal, files in `tmp/` are leftovers of a
/// writer that died before deciding, and the next writer removes them: one `readdir`, whatever
/// the size of the repository.
enum Journal {
    static let name = "journal"
    static let tempDirectory = "tmp"
    /// From this many files a commit writes and renames them on every core (see `commit`).
    static let parallelFiles = 64

    /// One step of a decided commit: replace `target` with `temp`, or (temp nil) remove it.
    struct Entry: StoredRecord {
        /// As written: `{"remove":T}` or `{"replace":T,"with":TEMP}`.
        private var remove: String?
        private var replace: String?
        private var with: String?

        var target: String { remove ?? replace ?? "" }
        var temp: String? { with }

        /// Nothing set: what decoding starts from.
        private init() {}

        init(target: String, temp: String?) {
            if let temp { (replace, with) = (target, temp) } else { remove = target }
        }

        static let schema = RecordSchema(blank: Entry(), [
            .optional("remove", \.remove, .string, whenNil: .omitted),
            .optional("replace", \.replace, .string, whenNil: .omitted),
            .optional("with", \.with, .string, whenNil: .omitted),
        ]) { entry throws(JSONParseError) in
            guard (entry.remove != nil) != (entry.replace != nil), (entry.replace != nil) == (entry.with != nil) else {
                throw JSONParseError("a journal entry is {\"remove\":PATH} or {\"replace\":PATH,\"with\":TEMP}")
            }
            guard StoreDirectory.isInside(entry.target), entry.temp.map(StoreDirectory.isInside) ?? true else {
                throw JSONParseError("journal names a path outside the repository")
            }
        }
    }

    /// What a commit does to one file: new content, a temp file already written (a bulk change
    /// spills its files as it goes, so its memory stays bounded), or removal.
    enum Change {
        case content([UInt8])
        case written(temp: String)
        case removal
    }

    static func entries(in store: StoreDirectory) throws(InboxError) -> [Entry]? {
        guard let data = try store.read(name) else { return nil }
        return try JSONLines.decode(data, path: store.display(name))
    }

    /// Stands in an overlay for a file the decided commit removes.
    static let removedMarker = ""

    /// For readers: target → temp of a decided but unfinished commit (`removedMarker` for a removal). An entry whose temp file
    /// cannot be reached inside `.inbox` is left out: no writer can finish it (each stops with
    /// exit 74 naming the path), and fsck reports it.
    static func pending(in store: StoreDirectory) throws(InboxError) -> [String: String] {
        guard let entries = try entries(in: store) else { return [:] }
        var overlay: [String: String] = [:]
        for entry in entries {
            guard let temp = entry.temp else { overlay[entry.target] = Journal.removedMarker; continue }
            if (try? store.exists(temp)) == true { overlay[entry.target] = temp }
        }
        return overlay
    }

    /// For writers, under the exclusive lock: finish a decided commit, drop undecided leftovers.
    static func recover(in store: StoreDirectory) throws(InboxError) {
        if let entries = try entries(in: store) {
            var directories = Set<String>()
            for entry in entries {
                if let temp = entry.temp {
                    guard try store.exists(temp) else { continue }
                    try store.rename(temp, entry.target)
                } else {
                    try store.remove(entry.target)
                }
                directories.insert(StoreDirectory.parent(of: entry.target))
            }
            for dir in directories.sorted() { try store.sync(dir) }
            try store.remove(name)
            try store.sync("")
        }
        try removeStaleTemps(in: store)
    }

    /// Empties `tmp/` of the files a dead writer left. Anything else found there (a directory,
    /// a symlink) is not ours to delete: writers step around it and fsck reports it.
    private static func removeStaleTemps(in store: StoreDirectory) throws(InboxError) {
        for entry in try store.entries(tempDirectory) where entry.kind == .file {
            try store.remove(tempDirectory + "/" + entry.name)
        }
    }

    /// The name of a temp file in `tmp/` (the target's base name keeps a trace readable).
    static func tempPath(for target: String, serial: Int) -> String {
        let base = target.split(separator: "/").last.map(String.init) ?? target
        return tempDirectory + "/" + base + ".tmp.\(getpid()).\(serial)"
    }

    /// Writes `files` (paths relative to `.inbox`) durably and all-or-nothing.
    ///
    /// Throws only while nothing has changed. Once the change is decided (the journal, or the
    /// only file, renamed into place) it stands: readers see it and the next writer finishes
    /// it, so a failure after that point comes back as a warning, not an error a script would
    /// answer by running the command again.
    static func commit(_ files: [(path: String, change: Change)], in store: StoreDirectory) throws(InboxError) -> [String] {
        guard !files.isEmpty else { return [] }
        var written: [Entry] = []
        var spilled = false
        var unsynced: [String] = []
        let journalTemp = tempDirectory + "/" + name + ".tmp.\(getpid())"
        func takeBack() {
            for entry in written { if let temp = entry.temp { try? store.remove(temp) } }
            try? store.remove(journalTemp)
        }
        do throws(InboxError) {
            var contents: [(path: String, replacing: String, bytes: [UInt8])] = []
            for (serial, file) in files.enumerated() {
                guard StoreDirectory.isInside(file.path) else {
                    throw InboxError.io(path: store.display(file.path), operation: "write (path outside the repository)", errno: EINVAL)
                }
                switch file.change {
                case .removal:
                    written.append(Entry(target: file.path, temp: nil))
                case .written(let temp):
                    _ = try store.directory(StoreDirectory.parent(of: file.path), create: true)
                    written.append(Entry(target: file.path, temp: temp))
                    spilled = true
                case .content(let bytes):
                    let entry = Entry(target: file.path, temp: tempPath(for: file.path, serial: serial))
                    // The target's directory must exist, and be a real directory, before we decide.
                    _ = try store.directory(StoreDirectory.parent(of: entry.target), create: true)
                    contents.append((entry.temp!, entry.target, bytes))
                    // Listed before it is written: taking back removes a temp file that is not there.
                    written.append(entry)
                    unsynced.append(entry.temp!)
                }
            }
            // A command's few files are written here; thousands (a batch's threads) on every core.
            if contents.count >= parallelFiles {
                if case let failure?? = store.writeAllNew(contents).first(where: { $0 != nil }) { throw failure }
            } else {
                for content in contents {
                    let mode = try store.mode(content.replacing) ?? 0o600
                    try store.writeNew(content.path, content.bytes, mode: mode, durable: false)
                }
            }
            // A command's few files are fsynced. Thousands (spilled during the change, or a
            // batch's ten thousand threads) take one syncfs: on a file system without a journal
            // each fsync also flushes the disk's cache, and reopening each file costs a lookup.
            if spilled || unsynced.count > 64 { try store.syncFileSystem() } else { try store.syncFiles(unsynced) }
            if written.count > 1 || written[0].temp == nil {
                // The temp files must be durable in their directory before a journal names them.
                try store.sync(tempDirectory)
                try store.writeNew(journalTemp, JSONLines.encode(written), mode: 0o600)
                try store.rename(journalTemp, name)
            } else {
                try store.rename(written[0].temp!, written[0].target)
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
        if written.count == 1 && written[0].temp != nil {
            _ = attempt { () throws(InboxError) in try store.sync(StoreDirectory.parent(of: written[0].target)) }
        } else {
            var finished = attempt { () throws(InboxError) in try store.sync("") }
            // Thousands of renames (a batch, a flush) go on every core; a command's few, here.
            let moves = written.compactMap { entry in entry.temp.map { (from: $0, to: entry.target) } }
            let renamedTogether = moves.count >= parallelFiles
            if renamedTogether {
                for case let failure? in store.renameAll(moves) {
                    problems.append(failure.message)
                    finished = false
                }
            }
            for entry in written where entry.temp == nil || !renamedTogether {
                finished = attempt { () throws(InboxError) in
                    if let temp = entry.temp { try store.rename(temp, entry.target) } else { try store.remove(entry.target) }
                } && finished
            }
            // The renames of a change spread over many directories (ten thousand threads in a
            // hundred) are made durable by one syncfs too.
            let directories = Set(written.map { StoreDirectory.parent(of: $0.target) })
            if directories.count > 16 {
                finished = attempt { () throws(InboxError) in try store.syncFileSystem() } && finished
            } else {
                for dir in directories.sorted() {
                    finished = attempt { () throws(InboxError) in try store.sync(dir) } && finished
                }
            }
            // The journal goes only once every rename is durable; until then recovery needs it.
            // When it only replaced files its removal is not fsynced (a task create's tenth
            // fsync, saved): if a crash loses the removal, the journal names temp files that are
            // gone and `recover` renames nothing. A removal would be done again, and the file
            // may have been made again since, so a journal that removed files is removed durably.
            if finished {
                let onlyReplaced = written.allSatisfy { $0.temp != nil }
                _ = attempt { () throws(InboxError) in
                    try store.remove(name)
                    if !onlyReplaced { try store.sync("") }
                }
            }
        }
        return problems.map { "the change was saved, but finishing the write failed (\($0)); the next inbox command completes it" }
    }
}
