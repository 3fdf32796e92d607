@testable import InboxCore
import XCTest

/// `StoreDirectory.isInside` reads a path byte by byte; it must accept exactly the paths whose
/// components `StoreDirectory.components` accepts (no empty, `.` or `..` component, no NUL).
final class StorePathTests: XCTestCase {
    func testIsInsideAcceptsExactlyThePathsWhoseComponentsAreAccepted() {
        let parts = ["", ".", "..", "...", "a", ".a", "a.", "..a", "a..", "tmp", "x.tmp.1.2", "a\u{0}b", "é", "0000.jsonl"]
        var paths: [String] = ["/", "//", "/a", "a/", "a//b"]
        for a in parts {
            paths.append(a)
            for b in parts { paths.append(a + "/" + b) }
        }
        var accepted = 0
        for path in paths {
            let expected = !path.isEmpty && StoreDirectory.components(path) != nil
            XCTAssertEqual(StoreDirectory.isInside(path), expected, "'\(path.debugDescription)'")
            if expected { accepted += 1 }
        }
        XCTAssertEqual(StoreDirectory.isInside("index/activity/2026-06-01T10.jsonl"), true)
        XCTAssertEqual(StoreDirectory.isInside("../outside"), false)
        XCTAssertGreaterThan(accepted, 50, "the walk covers accepted paths too")
    }
}
