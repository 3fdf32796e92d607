#if canImport(Glibc)
import Glibc
#endif

/// Pure work on bytes already read (decoding shards, tallying them) done on other cores. Only
/// the work leaves this thread: reading files stays with the caller, whose `Session` is not
/// shared. Two shapes: `BackgroundWork` runs one piece beside this thread (fsck and export
/// decode the next batch while this one checks or writes the last); `Parallel.map` cuts many
/// items into one run per core (report).
public enum Parallel {
    /// How many threads `map` uses at most: the online cores, at most 8.
    static let width = max(1, min(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 8))

    /// `body` of every item, in the items' order: one contiguous run per core, the first on
    /// this thread.
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
        let threads = min(width, items.count)
        guard threads > 1 else { return items.map(body) }
        let size = (items.count + threads - 1) / threads
        let others = stride(from: size, to: items.count, by: size).map { start in
            let run = Array(items[start..<min(items.count, start + size)])
            return BackgroundWork { run.map(body) }
        }
        var out = items[0..<size].map(body)
        for run in others { out += run.wait() }
        return out
    }
}

/// Work done on a thread of its own and waited for. When no thread can be started the work
/// runs here, so results never depend on how many threads there were.
final class BackgroundWork<Result: Sendable>: Runnable, @unchecked Sendable {
    private var thread = pthread_t()
    private let work: @Sendable () -> Result
    private var result: Result?
    private var running = false

    init(_ work: @escaping @Sendable () -> Result) {
        self.work = work
        super.init()
        let context = Unmanaged.passRetained(self as Runnable).toOpaque()
        running = pthread_create(&thread, nil, { context in
            Unmanaged<Runnable>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context) == 0
        if !running {
            Unmanaged<Runnable>.fromOpaque(context).release()
            result = work()
        }
    }

    override func run() { result = work() }

    /// The result, once the thread has finished (pthread_join orders its writes before ours).
    func wait() -> Result {
        if running {
            pthread_join(thread, nil)
            running = false
        }
        return result!
    }
}

/// What a C thread entry point can call without knowing the result type.
class Runnable {
    func run() {}
}

/// Items shared out between this thread and one other, each taking the next item nobody has
/// taken: neither waits while the other still has work, whatever each item costs (a thread
/// file of one message beside one of fifty). The other thread starts at once; this one joins
/// in when it calls `finish`, having done its own work meanwhile. Results in the items' order.
final class SharedWork<Item: Sendable, Result: Sendable>: Runnable, @unchecked Sendable {
    private let items: [Item]
    private let body: @Sendable (Item) -> Result
    /// Guarded by `lock`, as is `next`.
    private var results: [Result?]
    private var next = 0
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var thread = pthread_t()
    private var running = false

    init(_ items: [Item], _ body: @escaping @Sendable (Item) -> Result) {
        self.items = items
        self.body = body
        results = Array(repeating: nil, count: items.count)
        super.init()
        pthread_mutex_init(lock, nil)
        guard items.count > 1 else { return }
        let context = Unmanaged.passRetained(self as Runnable).toOpaque()
        running = pthread_create(&thread, nil, { context in
            Unmanaged<Runnable>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context) == 0
        if !running { Unmanaged<Runnable>.fromOpaque(context).release() }
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    override func run() { help() }

    private func help() {
        while true {
            pthread_mutex_lock(lock)
            let i = next
            next += 1
            pthread_mutex_unlock(lock)
            guard i < items.count else { return }
            let result = body(items[i])
            pthread_mutex_lock(lock)
            results[i] = result
            pthread_mutex_unlock(lock)
        }
    }

    /// Takes items until none is left, waits for the other thread's last, gives every result.
    func finish() -> [Result] {
        help()
        if running {
            pthread_join(thread, nil)
            running = false
        }
        return results.map { $0! }
    }
}
