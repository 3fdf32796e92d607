#if canImport(Glibc)
import Glibc
#endif

/// Names a running process as "pid:start-time", which stays unique when pids are reused, so a
/// flush can ask whether the process that marked a message `sending` is still alive.
public enum ProcessIdentity {
    public static func current() -> String {
        let pid = getpid()
        return "\(pid):\(startTime(of: pid) ?? 0)"
    }

    public static func isAlive(_ identity: String) -> Bool {
        let parts = identity.split(separator: ":")
        guard parts.count == 2, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A killed process that its parent has not reaped yet is a zombie: dead all the same.
        guard let (state, started) = stat(of: pid), state != "Z", state != "X" else { return false }
        return started == start
    }

    static func startTime(of pid: Int32) -> UInt64? { stat(of: pid)?.started }

    /// Fields 3 (state) and 22 (start time, in clock ticks since boot) of /proc/PID/stat.
    static func stat(of pid: Int32) -> (state: Substring, started: UInt64)? {
        guard let bytes = try? FileSystem.readOutside("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) may hold spaces; the fields after it follow the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let started = UInt64(fields[19]) else { return nil }
        return (fields[0], started)
    }
}
