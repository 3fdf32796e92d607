@testable import InboxCore
import XCTest

/// `Parallel.map` hands work to other threads: every item must be done once, results must come
/// back in the items' order whatever the number of threads, and the work must really leave this
/// thread when there is more than one core (otherwise `report` gains nothing from it).
final class ParallelTests: XCTestCase {
    func testEveryItemOnceInOrder() {
        for count in [0, 1, 2, 3, 7, 64, 1001] {
            let items = Array(0..<count)
            XCTAssertEqual(Parallel.map(items) { $0 * 3 + 1 }, items.map { $0 * 3 + 1 }, "\(count) items")
        }
    }

    func testWorkRunsOnMoreThanOneThreadWhenThereAreCores() throws {
        try XCTSkipIf(Parallel.width < 2, "one core: nothing to spread")
        let threads = Parallel.map(Array(0..<8)) { _ -> UInt in
            usleep(20_000)  // long enough that one thread cannot take every item
            return UInt(pthread_self())
        }
        XCTAssertGreaterThan(Set(threads).count, 1, "all items ran on one thread")
        XCTAssertTrue(threads.contains(UInt(pthread_self())), "this thread takes the first run")
    }

    /// fsck and export share each batch's files out between this thread and one other: every
    /// file once, results in file order, whatever the count, and both threads take some.
    func testSharedWorkDoesEveryItemOnceInOrder() {
        for count in [0, 1, 2, 3, 7, 64, 1001] {
            let items = Array(0..<count)
            XCTAssertEqual(SharedWork(items) { $0 * 3 + 1 }.finish(), items.map { $0 * 3 + 1 }, "\(count) items")
        }
    }

    func testSharedWorkRunsOnTwoThreads() throws {
        try XCTSkipIf(Parallel.width < 2, "one core: nothing to share")
        let work = SharedWork(Array(0..<8)) { _ -> UInt in
            usleep(20_000)  // long enough that one thread cannot take every item
            return UInt(pthread_self())
        }
        usleep(30_000)  // this thread is busy elsewhere meanwhile: the other has started
        let threads = work.finish()
        XCTAssertGreaterThan(Set(threads).count, 1, "all items ran on one thread")
        XCTAssertTrue(threads.contains(UInt(pthread_self())), "this thread joins in when it finishes")
    }
}
