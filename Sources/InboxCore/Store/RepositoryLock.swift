#if canImport(Glibc)
import Glibc
#endif

/// `flock` on the `.inbox` directory itself: readers share it, writers take it exclusively.
///
/// A lock file can be deleted from under its holder (`git clean`, `git stash -u`), after which a
/// second writer would lock a new file and both would write at once. The directory cannot be
/// removed while it holds the repository, and a lock on it needs no file at all, so readers
/// work in a repository with nothing to lock but its directory. The kernel drops the lock when
/// the process dies, so `kill -9` leaves no stale lock.
public final class RepositoryLock {
    public enum Mode { case shared, exclusive }

    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits up to `timeout` seconds for the lock; `busy` (exit 75) after that.
    static func acquire(_ store: StoreDirectory, mode: Mode, timeout: Double) throws(InboxError) -> RepositoryLock {
        // A second open of the same directory: flock belongs to the open file description, so
        // this lock is independent of the descriptor the store reads through.
        let fd = openat(store.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystem.fail(store.path, "open for locking") }
        let operation = (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        let deadline = monotonicSeconds() + timeout
        var pause = 0.001
        while flock(fd, operation) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw FileSystem.fail(store.path, "flock", code)
            }
            let left = deadline - monotonicSeconds()
            if left <= 0 {
                close(fd)
                throw InboxError.busy("the repository is busy (another inbox command holds the lock on \(store.path)); \(Remedy.waitForLock)")
            }
            // Back off gently: short waits keep parallel writers fast, longer ones keep a
            // blocked cron job from spinning.
            let step = min(pause, max(left, 0.0005))
            var request = timespec(tv_sec: Int(step), tv_nsec: Int((step - Double(Int(step))) * 1e9))
            nanosleep(&request, nil)
            pause = min(pause * 2, 0.01)
        }
        return RepositoryLock(fd: fd)
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Tries once, without waiting, to lock the file `name` in `.inbox` (the flush lock); nil
    /// when someone else holds it.
    static func tryAcquire(_ name: String, in store: StoreDirectory) throws(InboxError) -> RepositoryLock? {
        // A lock file deleted and re-created between our open and our flock would leave us
        // holding a lock nobody else sees: lock, then check the name still leads to our file.
        for _ in 0..<8 {
            let fd = openat(store.fd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw FileSystem.fail(store.display(name), "open lock") }
            // 0600 whatever the umask: a 0400 lock file could not be opened for writing next time.
            guard fchmod(fd, 0o600) == 0 else { let code = errno; close(fd); throw FileSystem.fail(store.display(name), "chmod", code) }
            var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            while !locked && errno == EINTR { locked = flock(fd, LOCK_EX | LOCK_NB) == 0 }
            if !locked {
                let code = errno
                close(fd)
                // Only "someone holds it" means busy; anything else is an I/O error to report.
                if code == EWOULDBLOCK { return nil }
                throw FileSystem.fail(store.display(name), "flock", code)
            }
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, fstatat(store.fd, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
               held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return RepositoryLock(fd: fd)
            }
            close(fd)
        }
        throw InboxError.busy("\(store.display(name)) keeps being replaced; is another program deleting it?")
    }

    /// The descriptor of a held file lock, for writing who holds it.
    var descriptor: Int32 { fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
