#if canImport(Glibc)
import Glibc
#endif

/// Who holds `.inbox/flush.lock`, written into the lock file itself (it is never renamed, so
/// this never touches the lock): the process, when it took the lock and when it last started
/// a delivery, in wall-clock seconds. A second flush, or `message list --scheduled`, can then
/// tell a flush that is working from one that is stuck.
final class FlushHolder {
    private let fd: Int32
    private let started: Int64
    private let identity = ProcessIdentity.current()

    /// `lock` is the flush lock just taken: its descriptor is the lock file, opened for writing.
    init(_ lock: RepositoryLock) {
        fd = lock.descriptor
        started = Int64(time(nil))
        progress()
    }

    /// Notes that the flush is still making progress (before each delivery).
    func progress() {
        let record = JSONObject([("process", .string(identity)), ("started", .int(started)), ("progress", .int(Int64(time(nil))))])
        let bytes = JSONWriter.bytes(.object(record)) + [0x0A]
        // Advisory only: a reader that catches it half-written just learns nothing.
        _ = ftruncate(fd, 0)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Clears the record before the lock (which owns the descriptor) is released.
    func release() {
        _ = ftruncate(fd, 0)
    }

    /// A warning when a live flush holds the lock and has made no progress for more than three
    /// delivery timeouts (its hook cannot legitimately run that long), else nil.
    static func stuck(_ repository: Repository, timeout: Double? = nil) -> String? {
        guard let bytes = try? repository.store.read(Flush.lockName), !bytes.isEmpty,
              case .object(let record)? = try? JSONParser.parse(bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes),
              case .string(let process)? = record["process"], case .int(let started)? = record["started"],
              case .int(let progress)? = record["progress"], ProcessIdentity.isAlive(process) else { return nil }
        let limit = timeout ?? ((try? repository.read { (s) throws(InboxError) in try DeliveryHook.timeout(s) }) ?? 30)
        let now = Int64(time(nil))
        guard Double(now - progress) > 3 * limit else { return nil }
        let pid = process.split(separator: ":").first.map(String.init) ?? process
        return "a flush (pid \(pid)) has held \(repository.path(Flush.lockName)) for \(DurationText.format(max(0, now - started))) "
            + "with no progress for \(DurationText.format(max(0, now - progress))), more than 3 delivery timeouts; "
            + "deliveries wait until it ends (check it, or kill \(pid): its message becomes in-doubt)"
    }
}

extension Flush {
    /// For listings: the warning about a stuck flush, if any.
    public static func stuckFlush(_ repository: Repository, timeout: Double) -> String? {
        FlushHolder.stuck(repository, timeout: timeout)
    }
}
