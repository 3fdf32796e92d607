#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SystemError {
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// File-system calls by path: creating a repository, the user's own files (attachments, import
/// input) and the hook trust records in the user's data directory. Everything inside `.inbox`
/// goes through `StoreDirectory` instead. Every failure becomes `InboxError.io` naming the file,
/// so the caller can stop with nothing changed.
public enum FileSystem {
    static func fail(_ path: String, _ operation: String, _ code: Int32 = errno) -> InboxError {
        .io(path: path, operation: operation, errno: code)
    }

    /// Reads a whole file, or nil when it does not exist. Never follows a symlink.
    public static func read(_ path: String) throws(InboxError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw InboxError.io(path: path, operation: "open (refusing to follow a symlink)", errno: ELOOP) }
            throw fail(path, "open")
        }
        defer { close(fd) }
        return try readAll(fd, path)
    }

    /// Reads a file the user named outside the repository (an attachment): symlinks there are
    /// the user's own and are followed. A file larger than `maxBytes` (by fstat, before
    /// reading, or as it is read) is a usage error.
    public static func readOutside(_ path: String, maxBytes: Int = Int.max) throws(InboxError) -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw fail(path, "stat")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw InboxError.usage("'\(path)' is not a regular file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(path, "open") }
        defer { close(fd) }
        return try readAll(fd, path, maxBytes: maxBytes)
    }

    static func readAll(_ fd: Int32, _ path: String, maxBytes: Int = Int.max) throws(InboxError) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail(path, "stat") }
        func tooLarge() -> InboxError { .usage("'\(path)' is larger than \(maxBytes) bytes, the most accepted here") }
        guard info.st_size <= maxBytes else { throw tooLarge() }
        // Read straight into the array, sized by the file and one byte more to see it grew (a
        // search reads 29 MB of index files: a copy through a chunk cost a tenth of it).
        var failure: InboxError?
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(info.st_size) + 1) { buffer, count in
            while count < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = fail(path, "read")
                    return
                }
                if n == 0 { return }
                count += n
            }
        }
        if let failure { throw failure }
        if bytes.count > maxBytes { throw tooLarge() }
        guard bytes.count > Int(info.st_size) else { return bytes }
        // It grew while being read: the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(path, "read")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { throw tooLarge() }  // it grew while being read
        }
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory: false when nothing (or a non-directory) is there; an error
    /// when the answer cannot be had (a permission or I/O failure is not "no repository here").
    public static func directoryExists(_ path: String) throws(InboxError) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return false }
            throw fail(path, "stat")
        }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    public static func makeDirectory(_ path: String) throws(InboxError) {
        let made = mkdir(path, 0o700) == 0
        if !made && errno != EEXIST {
            throw fail(path, "mkdir")
        }
        guard !isSymlink(path) else {
            throw InboxError.io(path: path, operation: "mkdir (refusing to follow a symlink)", errno: ELOOP)
        }
        // 0700 whatever the umask took from the owner (as in StoreDirectory).
        if made, chmod(path, 0o700) != 0 { throw fail(path, "chmod") }
    }

    /// Creates a new file that must not exist yet, writes it completely and fsyncs it.
    public static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(InboxError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw fail(path, "create") }
        do throws(InboxError) {
            // The creation mode is filtered by the umask; an explicit chmod keeps an existing
            // file's mode when it is replaced.
            guard fchmod(fd, mode) == 0 else { throw fail(path, "chmod") }
            try writeAll(fd, bytes, path)
            guard fsync(fd) == 0 else { throw fail(path, "fsync") }
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(path)
            throw fail(path, "close", code)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(InboxError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(path, "write")
            }
            offset += n
        }
    }

    public static func rename(_ from: String, _ to: String) throws(InboxError) {
        guard Glibc.rename(from, to) == 0 else { throw fail(to, "rename") }
    }

    public static func remove(_ path: String) throws(InboxError) {
        if unlink(path) != 0 && errno != ENOENT { throw fail(path, "unlink") }
    }

    /// Makes a rename or unlink in the directory durable.
    public static func syncDirectory(_ path: String) throws(InboxError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(path, "open directory") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw fail(path, "fsync directory") }
    }

    /// Names in a directory (no "." or ".."), sorted; empty when the directory does not exist.
    public static func list(_ path: String) throws(InboxError) -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw fail(path, "opendir")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            // readdir says "end" and "error" both with NULL; only errno tells them apart.
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw fail(path, "readdir") }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
