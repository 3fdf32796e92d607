#if canImport(Glibc)
import Glibc
#endif

/// `flock` on `.inbox/lock`, a file that is never renamed or deleted, so the lock always refers
/// to the same inode. The kernel drops it when the process dies, so `kill -9` leaves no stale lock.
public final class RepositoryLock {
    public enum Mode { case shared, exclusive }

    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits up to `timeout` seconds for the lock; `busy` (exit 75) after that.
    public static func acquire(_ path: String, mode: Mode, timeout: Double) throws(InboxError) -> RepositoryLock {
        // Readers open read-only so that a read never creates or modifies anything.
        let flags = (mode == .exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw FileSystem.fail(path, "open lock") }
        let operation = (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        let deadline = monotonicSeconds() + timeout
        var pause = 0.001
        while flock(fd, operation) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw FileSystem.fail(path, "flock", code)
            }
            let left = deadline - monotonicSeconds()
            if left <= 0 {
                close(fd)
                throw InboxError.busy("the repository is busy (another inbox command holds \(path)); try again, or raise --lock-timeout")
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

    /// Tries once, without waiting; nil when someone else holds it.
    public static func tryAcquire(_ path: String) throws(InboxError) -> RepositoryLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileSystem.fail(path, "open lock") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        return RepositoryLock(fd: fd)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
