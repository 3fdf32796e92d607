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

extension ProcessEdgeTests {
    /// Bytes that are not UTF-8 are refused in an argument as they are on standard input,
    /// instead of being stored as U+FFFD.
    func testArgumentThatIsNotUTF8IsRefusedNamingItsPosition() {
        let repo = makeRepository()
        let added = Inbox.shell("inbox contact add \"$(printf 'B\\377ob')\"", in: repo.path)
        XCTAssertEqual(added.status, 64, added.stderr)
        XCTAssertTrue(added.stderr.contains("argument 3 ('B\\xFFob') is not valid UTF-8"), added.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "")

        let option = Inbox.shell("inbox contact add Bob --company \"$(printf '\\300\\257')\"", in: repo.path)
        XCTAssertEqual(option.status, 64, option.stderr)
        XCTAssertTrue(option.stderr.contains("argument 5 ('\\xC0\\xAF') is not valid UTF-8"), option.stderr)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "")
    }

    /// INBOX_USER, INBOX_NOW and INBOX_REPO are values too: not guessed at when not UTF-8.
    func testValueVariableThatIsNotUTF8IsRefused() {
        let repo = makeRepository()
        for name in ["INBOX_USER", "INBOX_NOW", "INBOX_REPO"] {
            let result = Inbox.shell("\(name)=\"$(printf 'x\\377')\" inbox contact add Bob", in: repo.path)
            XCTAssertEqual(result.status, 64, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("environment variable \(name) ('x\\xFF') is not valid UTF-8"), result.stderr)
        }
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).stdout, "")
    }
}
