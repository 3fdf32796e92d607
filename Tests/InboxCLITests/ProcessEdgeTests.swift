import Foundation
import XCTest

/// The edges of the process: standard output that cannot be written, arguments and
/// environment values that are not UTF-8.
final class ProcessEdgeTests: XCTestCase {
    /// Exit 74 promises the repository is as it was; a change that was saved before its
    /// output failed must not be reported as 74 (a caller would retry and add it twice).
    func testOutputFailureAfterASavedChangeIsAWarningAndExitZero() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let repo = makeRepository()
        let added = Inbox.shell("inbox contact add Bob > /dev/full", in: repo.path)
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stderr.contains("warning: <stdout>: write failed"), added.stderr)
        XCTAssertTrue(added.stderr.contains("the change was saved"), added.stderr)
        let listed = inbox("contact", "list", "-q", in: repo)
        XCTAssertEqual(listed.lines, ["ct1"])

        // The same for a batch: its lines were written together.
        let batch = Inbox.shell("printf 'contact add Ada\\n' | inbox batch > /dev/full", in: repo.path)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        XCTAssertTrue(batch.stderr.contains("the change was saved"), batch.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines.sorted(), ["ct1", "ct2"])
    }

    /// A read-only command changed nothing, so 74 is still true; the message says so.
    func testOutputFailureOfAReadOnlyCommandIsExit74() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let repo = makeRepository()
        inbox("contact", "add", "Bob", in: repo)
        let listed = Inbox.shell("inbox contact list > /dev/full", in: repo.path)
        XCTAssertEqual(listed.status, 74, listed.stderr)
        XCTAssertTrue(listed.stderr.contains("Error: <stdout>: write failed"), listed.stderr)
        XCTAssertTrue(listed.stderr.contains("nothing was changed"), listed.stderr)
        let version = Inbox.shell("inbox --version > /dev/full", in: repo.path)
        XCTAssertEqual(version.status, 74, version.stderr)
    }
}
