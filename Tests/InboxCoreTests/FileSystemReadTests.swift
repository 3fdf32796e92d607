@testable import InboxCore
import Foundation
import XCTest

/// `FileSystem.readAll` reads a file straight into the array it returns, sized by the file:
/// every size comes back whole, a file whose size says nothing (procfs) or that grew is read
/// to its end, and the limit still holds.
final class FileSystemReadTests: XCTestCase {
    func testEverySizeComesBackWholeAndTheLimitHolds() throws {
        let dir = NSTemporaryDirectory() + "inbox-read-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in [0, 1, 4095, 65536, 65537, 300_001] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = dir + "/\(size)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try FileSystem.read(path), bytes, "\(size)")
            XCTAssertEqual(try FileSystem.readOutside(path, maxBytes: size), bytes, "\(size)")
            if size > 0 { XCTAssertThrowsError(try FileSystem.readOutside(path, maxBytes: size - 1), "\(size)") }
        }
        // procfs says 0 bytes and holds more.
        let status = try XCTUnwrap(FileSystem.readOutside("/proc/self/status"))
        XCTAssertTrue(String(decoding: status, as: UTF8.self).hasPrefix("Name:"), String(decoding: status.prefix(40), as: UTF8.self))
        XCTAssertThrowsError(try FileSystem.readOutside("/proc/self/status", maxBytes: 10))
    }
}
