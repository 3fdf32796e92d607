import Foundation
@testable import InboxCore
import XCTest

/// `Transaction.limitMemory`: a change of many files keeps at most its budget of them in memory
/// by writing the oldest to `tmp/` before the commit, and the commit is the same either way.
final class MemoryBudgetTests: XCTestCase {
    var dir: String!
    var repo: Repository!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "/budget-\(UUID().uuidString)"
        (repo, _) = try Repository.initialize(at: dir, lockTimeout: 1)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// The same size for every n below 1000.
    func content(_ n: Int) -> [UInt8] {
        let number = String(n)
        return Array(String(repeating: "line " + String(repeating: "0", count: 3 - number.count) + number + "\n", count: 100).utf8)
    }

    func tempFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repo.path("tmp")).filter { !$0.hasPrefix(".") }
    }

    func testPastItsBudgetATransactionSpillsTheOldestFilesAndCommitsTheSameBytes() throws {
        let size = content(0).count
        var spilledBeforeCommit: [String] = []
        var readBack: [UInt8]?
        try repo.write { (tx) throws(InboxError) in
            for n in 0..<20 { tx.stage("notes/\(n).jsonl", content(n)) }
            try tx.limitMemory(to: 10 * size)  // 20 files held, 10 allowed: down to 5
            spilledBeforeCommit = (try? tempFiles()) ?? []
            readBack = try tx.bytes("notes/0.jsonl")  // a spilled file still reads as staged
            tx.stage("notes/0.jsonl", content(100))   // and can be staged again
            try tx.limitMemory(to: 10 * size)
        }
        XCTAssertEqual(spilledBeforeCommit.count, 15, "the 15 oldest of 20 files go to tmp/ (half the budget is left): \(spilledBeforeCommit.sorted())")
        XCTAssertEqual(readBack, content(0))
        for n in 1..<20 {
            XCTAssertEqual(FileManager.default.contents(atPath: repo.path("notes/\(n).jsonl")).map(Array.init), content(n), "notes/\(n)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: repo.path("notes/0.jsonl")).map(Array.init), content(100))
        XCTAssertEqual(try tempFiles(), [], "the commit used every spilled file")
    }

    func testWithinItsBudgetOrAfterASavepointNothingIsSpilled() throws {
        let size = content(0).count
        try repo.write { (tx) throws(InboxError) in
            for n in 0..<5 { tx.stage("notes/\(n).jsonl", content(n)) }
            try tx.limitMemory(to: 10 * size)
            XCTAssertEqual((try? tempFiles())?.count ?? 0, 0, "within the budget")
            _ = tx.savepoint()
            for n in 5..<40 { tx.stage("notes/\(n).jsonl", content(n)) }
            try tx.limitMemory(to: 10 * size)
            XCTAssertEqual((try? tempFiles())?.count ?? 0, 0, "a savepoint may be rolled back to: nothing spilled")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: repo.path("notes/39.jsonl")).map(Array.init), content(39))
    }
    /// Spilling 64 files or more writes them on every core (`spillAll`), to the same bytes.
    func testASpillOfManyFilesCommitsTheSameBytes() throws {
        let size = content(0).count
        try repo.write { (tx) throws(InboxError) in
            for n in 0..<200 { tx.stage("notes/\(n).jsonl", content(n)) }
            try tx.limitMemory(to: 20 * size)  // 200 held, 20 allowed: 190 spilled at once
            XCTAssertEqual((try? self.tempFiles())?.count ?? 0, 190)
        }
        for n in 0..<200 {
            XCTAssertEqual(FileManager.default.contents(atPath: repo.path("notes/\(n).jsonl")).map(Array.init), content(n), "notes/\(n)")
        }
        XCTAssertEqual(try tempFiles(), [])
    }

    /// One temp file of a spill that cannot be made (its name, the target's and a suffix, is
    /// longer than a file name may be) fails the change, and no temp file of the spill is left,
    /// nor the directory its new files were to go in (made at commit, not by a spill).
    func testASpillOfManyFilesThatFailsLeavesNoTempFile() throws {
        let size = content(0).count
        let long = "fresh/" + String(repeating: "n", count: 245) + ".jsonl"
        var failure: InboxError?
        do {
            try repo.write { (tx) throws(InboxError) in
                // Staged first, so it is among the oldest, which are spilled.
                tx.stage(long, content(100))
                for n in 0..<100 { tx.stage("fresh/\(n).jsonl", content(n)) }
                try tx.limitMemory(to: 2 * size)
                XCTFail("the spill went through")
            }
        } catch { failure = error }
        XCTAssertTrue(failure?.message.contains("File name too long") == true, String(describing: failure?.message))
        XCTAssertEqual(try tempFiles(), [], "every temp file of the spill is taken back")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path("fresh")), "nothing was committed, no directory made")
    }
}
