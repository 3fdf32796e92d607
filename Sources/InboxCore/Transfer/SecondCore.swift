#if canImport(Glibc)
import Glibc
#endif

/// Work done on a thread of its own and waited for. The bulk readers (fsck, export) decode the
/// next files on a second core while this one checks or writes those decoded before: decoding
/// is pure on bytes, and most of their time. When no thread can be started the work runs here.
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
