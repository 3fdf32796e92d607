#if canImport(Glibc)
import Glibc
#endif

/// Pure work on many independent inputs (decoding shard bytes, tallying them) spread over the
/// machine's cores. Only the work runs on other threads: reading files stays with the caller,
/// whose `Session` is not shared.
public enum Parallel {
    /// How many threads `map` uses at most: the online cores, at most 8.
    static let width = max(1, min(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 8))

    /// `body` of every item, in the items' order. The items are cut into one contiguous run per
    /// thread; this thread does the first run. A thread that cannot be started leaves its run
    /// to this thread, so the result never depends on how many threads there were.
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
        let threads = min(width, items.count)
        guard threads > 1 else { return items.map(body) }
        let job = Job(items: items, body: body, runs: threads)
        var started: [pthread_t] = []
        var leftOver: [Int] = []
        for run in 1..<threads {
            let context = Unmanaged.passRetained(RunContext(job: job, run: run)).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { raw in
                let context = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Runnable
                context.run()
                return nil
            }, context) == 0 {
                started.append(thread)
            } else {
                Unmanaged<RunContext<Item, Result>>.fromOpaque(context).release()
                leftOver.append(run)
            }
        }
        job.perform(run: 0)
        for run in leftOver { job.perform(run: run) }
        for thread in started { pthread_join(thread, nil) }
        return job.results()
    }
}

private protocol Runnable: AnyObject { func run() }

private final class RunContext<Item: Sendable, Result: Sendable>: Runnable {
    let job: Job<Item, Result>
    let index: Int
    init(job: Job<Item, Result>, run: Int) { self.job = job; self.index = run }
    func run() { job.perform(run: index) }
}

/// Each run writes only its own slots of `slots`; `pthread_join` orders those writes before
/// `results()` reads them.
private final class Job<Item: Sendable, Result: Sendable>: @unchecked Sendable {
    let items: [Item]
    let body: @Sendable (Item) -> Result
    let runs: Int
    let slots: UnsafeMutableBufferPointer<Result?>

    init(items: [Item], body: @escaping @Sendable (Item) -> Result, runs: Int) {
        self.items = items
        self.body = body
        self.runs = runs
        slots = .allocate(capacity: items.count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func perform(run: Int) {
        let size = (items.count + runs - 1) / runs
        let range = min(items.count, run * size)..<min(items.count, (run + 1) * size)
        for i in range { slots[i] = body(items[i]) }
    }

    func results() -> [Result] { slots.map { $0! } }
}
