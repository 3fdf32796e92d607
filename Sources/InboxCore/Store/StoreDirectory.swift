#if canImport(Glibc)
import Glibc
#endif

/// `.inbox`, opened once, and every path below it reached from that descriptor one component
/// at a time with `O_NOFOLLOW`.
///
/// A repository is shared data: a clone or a hand edit can put a symlink anywhere in it
/// (`.inbox/notes -> /elsewhere`). `O_NOFOLLOW` on a whole path guards only its last
/// component, so every open, rename, unlink and mkdir here works relative to directory
/// descriptors (`openat`, `renameat`, `unlinkat`, `mkdirat`) and refuses a symlink or any
/// other non-directory on the way with exit 74 naming the path. Nothing the store does can
/// touch a file outside `.inbox`.
public final class StoreDirectory {
    /// The path of `.inbox` as the user gave or we found it, for messages only.
    public let path: String
    /// The descriptor every relative path starts from.
    let fd: Int32
    /// Directories opened so far, by relative path ("" is `.inbox`).
    private var opened: [String: Int32] = [:]

    init(path: String) throws(InboxError) {
        self.path = path
        fd = try StoreDirectory.openDirectory(at: AT_FDCWD, path, display: path)
        opened[""] = fd
    }

    deinit {
        for descriptor in opened.values { close(descriptor) }
    }

    public func display(_ relative: String) -> String {
        relative.isEmpty ? path : path + "/" + relative
    }

    /// The entries a relative path is made of; a path that could climb out or is empty is refused.
    static func components(_ relative: String) -> [Substring]? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts where part.isEmpty || part == "." || part == ".." || part.utf8.contains(0) { return nil }
        return parts
    }

    /// True when `relative` names something inside `.inbox` (no `..`, no absolute path): what
    /// `components` accepts, read byte by byte (every file access asks; a batch, 100,000 times).
    public static func isInside(_ relative: String) -> Bool {
        var length = 0, dots = 0  // of the component being read
        func refused() -> Bool { length == 0 || (length == dots && dots <= 2) }
        for byte in relative.utf8 {
            if byte == 0x2F {
                if refused() { return false }
                length = 0
                dots = 0
            } else {
                if byte == 0 { return false }
                length += 1
                if byte == 0x2E { dots += 1 }
            }
        }
        return !refused()
    }

    private func outside(_ relative: String) -> InboxError {
        .io(path: display(relative), operation: "open (path leads outside the repository)", errno: EINVAL)
    }

    // MARK: Directories

    private static func openDirectory(at parent: Int32, _ name: String, display: String) throws(InboxError) -> Int32 {
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR, let kind = entryKind(at: parent, name) {
                let what = kind == .symlink ? "refusing to follow a symlink" : "not a directory"
                throw InboxError.io(path: display, operation: "open (\(what))", errno: kind == .symlink ? ELOOP : ENOTDIR)
            }
            throw FileSystem.fail(display, "open directory", code)
        }
        return descriptor
    }

    /// The descriptor of directory `relative`, opened component by component; nil when it (or
    /// a parent) does not exist and `create` is false.
    func directory(_ relative: String, create: Bool = false) throws(InboxError) -> Int32? {
        if let known = opened[relative] { return known }
        guard let parts = StoreDirectory.components(relative) else { throw outside(relative) }
        var current = fd
        var walked = ""
        for part in parts {
            walked = walked.isEmpty ? String(part) : walked + "/" + part
            if let known = opened[walked] { current = known; continue }
            let name = String(part)
            var made = false
            if create && mkdirat(current, name, 0o700) == 0 {
                made = true
                // A new directory must be durable in its parent before anything names it.
                guard fsync(current) == 0 else { throw FileSystem.fail(display(walked), "fsync directory") }
            } else if create && errno != EEXIST {
                throw FileSystem.fail(display(walked), "mkdir")
            }
            let next: Int32
            do throws(InboxError) {
                next = try StoreDirectory.openDirectory(at: current, name, display: display(walked))
                // A umask that takes the owner's own bits (0277) would leave a directory nobody
                // can write in; DESIGN §4 promises 0700, group and other never in.
                if made, fchmod(next, 0o700) != 0 { throw FileSystem.fail(display(walked), "chmod") }
            } catch {
                if case .io(_, _, let code) = error, code == ENOENT, !create { return nil }
                throw error
            }
            opened[walked] = next
            current = next
        }
        return current
    }

    /// The directory holding `relative` and the entry's name in it.
    private func split(_ relative: String, create: Bool = false) throws(InboxError) -> (dir: Int32, name: String)? {
        guard StoreDirectory.isInside(relative) else { throw outside(relative) }
        let slash = relative.lastIndex(of: "/")
        let parent = slash.map { String(relative[..<$0]) } ?? ""
        let name = slash.map { String(relative[relative.index(after: $0)...]) } ?? relative
        guard let dir = try directory(parent, create: create) else { return nil }
        return (dir, name)
    }

    static func parent(of relative: String) -> String {
        relative.lastIndex(of: "/").map { String(relative[..<$0]) } ?? ""
    }

    // MARK: Entries

    public enum EntryKind: Equatable, Sendable { case file, directory, symlink, other }

    static func entryKind(at dir: Int32, _ name: String) -> EntryKind? {
        var info = stat()
        guard fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// What `relative` is, without following a symlink; nil when it does not exist.
    public func kind(_ relative: String) throws(InboxError) -> EntryKind? {
        if relative.isEmpty { return .directory }
        guard let (dir, name) = try split(relative) else { return nil }
        return StoreDirectory.entryKind(at: dir, name)
    }

    public func exists(_ relative: String) throws(InboxError) -> Bool {
        try kind(relative) != nil
    }

    /// The permission bits of an existing file, or nil when there is none.
    func mode(_ relative: String) throws(InboxError) -> mode_t? {
        guard let (dir, name) = try split(relative) else { return nil }
        var info = stat()
        guard fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Reads a whole regular file, or nil when it does not exist.
    public func read(_ relative: String) throws(InboxError) -> [UInt8]? {
        guard let (dir, name) = try split(relative) else { return nil }
        // O_NONBLOCK: a FIFO planted in a clone must not hang the reader; it is refused below.
        let descriptor = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw InboxError.io(path: display(relative), operation: "open (refusing to follow a symlink)", errno: code) }
            throw FileSystem.fail(display(relative), "open", code)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystem.fail(display(relative), "stat") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw InboxError.io(path: display(relative), operation: "open (not a regular file)", errno: EINVAL)
        }
        return try FileSystem.readAll(descriptor, display(relative))
    }

    /// What `sortedLine` found.
    enum SortedLookup {
        /// The line that starts with the wanted id (without its newline).
        case line([UInt8])
        /// The whole file, read because it is small: the caller scans it as it would have.
        case whole([UInt8])
        /// The search cannot be sure: the caller reads the file whole.
        case unsure
    }

    /// The line of a file sorted by id (a shard as the store writes it) that starts with
    /// `{"id":"WANTED",`, found by bisecting the file a page at a time: a send needs one contact
    /// of the thousand in a 300 KB shard, and reads eight pages of it. Unsure whenever the
    /// search cannot be sure (a line longer than a page, a line that does not start with an id
    /// of this kind, ids out of order, no such line, a missing file, any error): the caller then
    /// reads the file whole, which finds a hand-edited line and reports damage with its line
    /// number.
    func sortedLine(_ relative: String, id wanted: String, key: (String) -> Int?) -> SortedLookup {
        let page = StoreDirectory.page
        guard let target = key(wanted), let (dir, name) = try? split(relative) else { return .unsure }
        let descriptor = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .unsure }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .unsure }
        if info.st_size <= 16 * page {
            return (try? FileSystem.readAll(descriptor, display(relative))).map { .whole($0) } ?? .unsure
        }
        let size = Int(info.st_size)
        func read(_ offset: Int, _ count: Int) -> [UInt8]? {
            let count = min(count, size - offset)
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
                while filled < count {
                    let n = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { failed = true; return }
                    filled += n
                }
            }
            return failed ? nil : bytes
        }
        // The id a line starting at `at` in `bytes` begins with, and its key.
        func leading(_ bytes: [UInt8], at: Int) -> (id: String, key: Int)? {
            bytes.withUnsafeBufferPointer { buffer in
                JSONLines.leadingID(UnsafeBufferPointer(rebasing: buffer[at...])).flatMap { id in key(id).map { (id, $0) } }
            }
        }
        // The wanted line starts in low..<high, and low is where a line starts.
        var low = 0, high = size
        while high - low > 4 * page {
            let mid = (low + high) / 2
            // From the byte before mid, so a line starting at mid itself is seen.
            guard let chunk = read(mid - 1, page), let newline = chunk.firstIndex(of: 0x0A) else { return .unsure }
            let start = mid + newline
            if start >= high { high = mid; continue }
            guard let (id, found) = leading(chunk, at: newline + 1) else { return .unsure }
            if found == target { return id == wanted ? StoreDirectory.line(at: start, read).map { .line($0) } ?? .unsure : .unsure }
            if found < target { low = start } else { high = start }
        }
        // The last pages, and the end of the line that starts last in them.
        guard let tail = read(low, high - low + page) else { return .unsure }
        var start = 0
        while low + start < high {
            guard let newline = tail[start...].firstIndex(of: 0x0A) else { return .unsure }
            if let (id, found) = leading(tail, at: start), found == target {
                return id == wanted ? .line(Array(tail[start..<newline])) : .unsure
            }
            start = newline + 1
        }
        return .unsure
    }

    /// What `sortedLine` reads at a time.
    private static let page = 4096

    /// The line starting at `offset`, read a page at a time; nil when a read fails or no
    /// newline ends it (the last line of a damaged file).
    private static func line(at offset: Int, _ read: (Int, Int) -> [UInt8]?) -> [UInt8]? {
        var bytes: [UInt8] = []
        while true {
            guard let chunk = read(offset + bytes.count, page), !chunk.isEmpty else { return nil }
            if let newline = chunk.firstIndex(of: 0x0A) { return bytes + chunk[..<newline] }
            bytes += chunk
        }
    }

    /// Names in directory `relative` (no "." or ".."), sorted; empty when it does not exist.
    public func list(_ relative: String) throws(InboxError) -> [String] {
        try entries(relative).map(\.name)
    }

    /// Names and kinds in directory `relative`, sorted by name; empty when it does not exist.
    public func entries(_ relative: String) throws(InboxError) -> [(name: String, kind: EntryKind)] {
        guard let dir = try directory(relative) else { return [] }
        // fdopendir takes over the descriptor it is given, so it gets a copy of ours.
        let copy = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let stream = fdopendir(copy) else {
            let code = errno
            throw FileSystem.fail(display(relative), "opendir", code)
        }
        defer { closedir(stream) }
        var found: [(name: String, kind: EntryKind)] = []
        while true {
            // readdir says "end" and "error" both with NULL; only errno tells them apart.
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw FileSystem.fail(display(relative), "readdir") }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard name != "." && name != ".." else { continue }
            let kind: EntryKind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = StoreDirectory.entryKind(at: dir, name) ?? .other
            default: kind = .other
            }
            found.append((name, kind))
        }
        // Byte order (what String's `<` gives for these ASCII names), without its Unicode
        // comparison: a directory of thousands of hour files is sorted on every listing.
        return found.sorted { StoreDirectory.byteOrder($0.name, $1.name) }
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let c = memcmp(p, q, common)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
    }

    // MARK: Changes

    /// Creates a file that must not exist yet, writes it completely and fsyncs it; its
    /// directory (and parents) are created when missing.
    /// `durable: false` only starts the write-back, leaving the fsync to `syncFiles` or
    /// `syncFileSystem()` before the commit is decided.
    func writeNew(_ relative: String, _ bytes: [UInt8], mode: mode_t, durable: Bool = true) throws(InboxError) {
        guard let (dir, name) = try split(relative, create: true) else { throw outside(relative) }
        if let failure = StoreDirectory.create(at: dir, name, bytes, mode: mode, durable: durable, display: display(relative)) {
            throw failure
        }
    }

    /// `writeNew` once its directory is open: touches nothing but its own file, so it can run
    /// on any thread.
    private static func create(at dir: Int32, _ name: String, _ bytes: [UInt8], mode: mode_t, durable: Bool,
                               display: String) -> InboxError? {
        let descriptor = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { return FileSystem.fail(display, "create") }
        do throws(InboxError) {
            // The creation mode is filtered by the umask; an explicit chmod keeps an existing
            // file's mode when it is replaced.
            guard fchmod(descriptor, mode) == 0 else { throw FileSystem.fail(display, "chmod") }
            try FileSystem.writeAll(descriptor, bytes, display)
            if durable {
                guard fsync(descriptor) == 0 else { throw FileSystem.fail(display, "fsync") }
            } else {
                // Only a hint (write-back errors surface at the fsync): its failure is ignored.
                _ = c_sync_file_range(descriptor, 0, 0, syncFileRangeWrite)
            }
        } catch {
            close(descriptor)
            unlinkat(dir, name, 0)
            return error
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlinkat(dir, name, 0)
            return FileSystem.fail(display, "close", code)
        }
        return nil
    }

    /// Writes many new files as `writeNew(durable: false)` does, each with the mode of the file
    /// it will replace (0600 for a new one), on every core: creating a file is mostly the
    /// kernel finding a free inode. Directories are opened (and made) here, on this thread;
    /// only the file calls run on the others. One result per file; a file that failed is
    /// not left behind.
    func writeAllNew(_ files: [(path: String, replacing: String, bytes: [UInt8])]) -> [InboxError?] {
        struct Write: Sendable { let dir: Int32, name: String, target: (Int32, String)?, bytes: [UInt8], display: String }
        var prepared: [Write?] = []
        var results: [InboxError?] = []
        for file in files {
            do throws(InboxError) {
                guard let (dir, name) = try split(file.path, create: true) else { throw outside(file.path) }
                // A target whose directory does not exist yet is a new file (its directory is
                // made at commit, not by a spill that may never be committed).
                let target = try split(file.replacing)
                prepared.append(Write(dir: dir, name: name, target: target, bytes: file.bytes, display: display(file.path)))
                results.append(nil)
            } catch {
                prepared.append(nil)
                results.append(error)
            }
        }
        let outcomes = Parallel.map(prepared) { write -> InboxError? in
            guard let write else { return nil }
            var info = stat()
            var mode: mode_t = 0o600
            if let target = write.target, fstatat(target.0, target.1, &info, AT_SYMLINK_NOFOLLOW) == 0 { mode = info.st_mode & 0o7777 }
            return StoreDirectory.create(at: write.dir, write.name, write.bytes, mode: mode, durable: false, display: write.display)
        }
        for (i, outcome) in outcomes.enumerated() where results[i] == nil { results[i] = outcome }
        return results
    }

    /// Renames `from` over `to`, both inside `.inbox`; the target's directory is created
    /// when missing.
    func rename(_ from: String, _ to: String) throws(InboxError) {
        guard let source = try split(from) else {
            throw InboxError.io(path: display(from), operation: "rename", errno: ENOENT)
        }
        guard let target = try split(to, create: true) else { throw outside(to) }
        guard renameat(source.dir, source.name, target.dir, target.name) == 0 else {
            throw FileSystem.fail(display(to), "rename")
        }
    }

    /// Renames many files, on every core. What a rename over an old file costs is mostly the
    /// kernel freeing the old inode and its blocks (a discard, on a disk mounted with it), and
    /// it does that while it still holds the file system's lock for renames between
    /// directories, so two cores would only take turns. Each old file is held open (O_PATH)
    /// across its rename and closed after, outside that lock: the two cores free inodes side
    /// by side (13,000 renames of 5 KB files into 100 directories here: 1.65 s → 0.91 s).
    /// Directories are opened (and made) here, on this thread; only the file calls run on the
    /// others. One result per move.
    func renameAll(_ moves: [(from: String, to: String)]) -> [InboxError?] {
        struct Move: Sendable { let from: (Int32, String), to: (Int32, String) }
        var prepared: [Move?] = []
        var results: [InboxError?] = []
        for move in moves {
            do throws(InboxError) {
                guard let source = try split(move.from) else {
                    throw InboxError.io(path: display(move.from), operation: "rename", errno: ENOENT)
                }
                guard let target = try split(move.to, create: true) else { throw outside(move.to) }
                prepared.append(Move(from: source, to: target))
                results.append(nil)
            } catch {
                prepared.append(nil)
                results.append(error)
            }
        }
        // A few dozen at a time, so a core holds that many descriptors at most.
        let batches = stride(from: 0, to: prepared.count, by: 64).map { Array(prepared[$0..<min(prepared.count, $0 + 64)]) }
        let codes = Parallel.map(batches) { batch -> [Int32] in
            var held: [Int32] = []
            defer { for descriptor in held { close(descriptor) } }
            return batch.map { move in
                guard let move else { return 0 }
                // O_PATH opens nothing for I/O, so a FIFO or device planted at the target
                // cannot block it. None (a new file, or one we could not open): a plain rename.
                let old = openat(move.to.0, move.to.1, O_PATH | O_NOFOLLOW | O_CLOEXEC)
                if old >= 0 { held.append(old) }
                return renameat(move.from.0, move.from.1, move.to.0, move.to.1) == 0 ? 0 : errno
            }
        }.flatMap { $0 }
        for (i, code) in codes.enumerated() where code != 0 && results[i] == nil {
            results[i] = InboxError.io(path: display(moves[i].to), operation: "rename", errno: code)
        }
        return results
    }

    /// Removes a file; a missing one is not an error.
    func remove(_ relative: String) throws(InboxError) {
        guard let (dir, name) = try split(relative) else { return }
        if unlinkat(dir, name, 0) != 0 && errno != ENOENT { throw FileSystem.fail(display(relative), "unlink") }
    }

    /// Makes a rename or unlink in directory `relative` durable.
    func sync(_ relative: String) throws(InboxError) {
        guard let dir = try directory(relative) else {
            throw InboxError.io(path: display(relative), operation: "fsync directory", errno: ENOENT)
        }
        guard fsync(dir) == 0 else { throw FileSystem.fail(display(relative), "fsync directory") }
    }

    /// fsyncs files written with `durable: false`. Their write-back was started when they were
    /// written; on a journaling file system the first fsync commits the running transaction and
    /// the others find their files already committed. (A change of thousands of files uses
    /// `syncFileSystem` instead: see `Journal.commit`.)
    func syncFiles(_ relatives: [String]) throws(InboxError) {
        for relative in relatives {
            guard let (dir, name) = try split(relative) else { throw outside(relative) }
            let descriptor = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileSystem.fail(display(relative), "open for fsync") }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw FileSystem.fail(display(relative), "fsync") }
        }
    }

    /// Makes every file written without an fsync durable at once (`syncfs` reports write-back
    /// errors of the whole file system since Linux 5.8).
    func syncFileSystem() throws(InboxError) {
        guard c_syncfs(fd) == 0 else { throw FileSystem.fail(display(""), "syncfs") }
    }

    /// The device and inode of `.inbox`, to tell whether a lock holder and we see one directory.
    func identity() -> (dev_t, ino_t)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (info.st_dev, info.st_ino)
    }
}

/// Glibc declares syncfs(2) only under _GNU_SOURCE, which the Swift module map does not set.
@_silgen_name("syncfs")
private func c_syncfs(_ fd: Int32) -> Int32

/// Also declared only under _GNU_SOURCE: starts write-back of a file's dirty pages.
@_silgen_name("sync_file_range")
private func c_sync_file_range(_ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32
private let syncFileRangeWrite: UInt32 = 2  // SYNC_FILE_RANGE_WRITE
/// Also only under _GNU_SOURCE: a descriptor that names a file without opening it for I/O.
private let O_PATH: Int32 = 0o10000000
