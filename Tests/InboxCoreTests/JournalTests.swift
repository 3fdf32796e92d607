import Foundation
@testable import InboxCore
import XCTest

/// The all-or-nothing protocol, with a crash staged at each point by hand.
final class JournalTests: XCTestCase {
    var dir: String!
    var repo: Repository!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "/journal-\(UUID().uuidString)"
        (repo, _) = try Repository.initialize(at: dir, lockTimeout: 1)
        try repo.write { (tx) throws(InboxError) in tx.stage("users.jsonl", Array("old-users\n".utf8)) }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func file(_ relative: String) -> String? {
        FileManager.default.contents(atPath: repo.path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    func makeTempDirectory() {
        try? FileManager.default.createDirectory(atPath: repo.path("tmp"), withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) {
        XCTAssertTrue(FileManager.default.createFile(atPath: repo.path(relative), contents: Data(text.utf8)))
    }

    func testADecidedCommitIsSeenByReadersAndFinishedByTheNextWriter() throws {
        // A writer died after making its journal durable, before renaming anything.
        makeTempDirectory()
        write("tmp/users.jsonl.tmp.99.0", "new-users\n")
        write("tmp/0000.jsonl.tmp.99.1", "new-contacts\n")
        write("journal", #"{"replace":"users.jsonl","with":"tmp/users.jsonl.tmp.99.0"}"# + "\n" +
              #"{"replace":"contacts/0000.jsonl","with":"tmp/0000.jsonl.tmp.99.1"}"# + "\n")
        let seen = try repo.read { (s) throws(InboxError) in
            (try s.bytes("users.jsonl"), try s.bytes("contacts/0000.jsonl"), try s.list("contacts"))
        }
        XCTAssertEqual(seen.0.map { String(decoding: $0, as: UTF8.self) }, "new-users\n")
        XCTAssertEqual(seen.1.map { String(decoding: $0, as: UTF8.self) }, "new-contacts\n")
        XCTAssertEqual(seen.2, ["0000.jsonl"])
        XCTAssertNotNil(file("journal"), "a reader changes nothing")

        try repo.write { (_) throws(InboxError) in }
        XCTAssertEqual(file("users.jsonl"), "new-users\n")
        XCTAssertEqual(file("contacts/0000.jsonl"), "new-contacts\n")
        XCTAssertNil(file("journal"))
        XCTAssertNil(file("tmp/users.jsonl.tmp.99.0"))
    }

    func testAJournalWrittenByTheEarlierLayoutIsStillFinished() throws {
        // Before tmp/, temp files sat beside their targets; a journal left by that build is
        // finished all the same.
        write(".users.jsonl.tmp.99.0", "new-users\n")
        write("contacts/.0000.jsonl.tmp.99.1", "new-contacts\n")
        write("journal", #"{"replace":"users.jsonl","with":".users.jsonl.tmp.99.0"}"# + "\n" +
              #"{"replace":"contacts/0000.jsonl","with":"contacts/.0000.jsonl.tmp.99.1"}"# + "\n")
        try repo.write { (_) throws(InboxError) in }
        XCTAssertEqual(file("users.jsonl"), "new-users\n")
        XCTAssertEqual(file("contacts/0000.jsonl"), "new-contacts\n")
        XCTAssertNil(file("journal"))
    }

    func testAPartlyAppliedCommitIsFinished() throws {
        // Died after the first rename: one temp file already moved into place.
        makeTempDirectory()
        write("users.jsonl", "new-users\n")
        write("tmp/0000.jsonl.tmp.99.1", "new-contacts\n")
        write("journal", #"{"replace":"users.jsonl","with":"tmp/users.jsonl.tmp.99.0"}"# + "\n" +
              #"{"replace":"contacts/0000.jsonl","with":"tmp/0000.jsonl.tmp.99.1"}"# + "\n")
        try repo.write { (_) throws(InboxError) in }
        XCTAssertEqual(file("users.jsonl"), "new-users\n")
        XCTAssertEqual(file("contacts/0000.jsonl"), "new-contacts\n")
    }

    func testAJournalLeftAfterItsCommitFinishedChangesNothing() throws {
        // A commit that only replaced files does not fsync its journal's removal, so a crash
        // may bring the journal back after every rename is durable; later commands have
        // changed a target since. Its temp files are gone: recovery renames nothing.
        makeTempDirectory()
        write("users.jsonl", "users-changed-since\n")
        write("journal", #"{"replace":"users.jsonl","with":"tmp/users.jsonl.tmp.99.0"}"# + "\n" +
              #"{"replace":"contacts/0000.jsonl","with":"tmp/0000.jsonl.tmp.99.1"}"# + "\n")
        try repo.write { (_) throws(InboxError) in }
        XCTAssertEqual(file("users.jsonl"), "users-changed-since\n")
        XCTAssertNil(file("contacts/0000.jsonl"))
        XCTAssertNil(file("journal"))
    }

    func testTempFilesWithoutAJournalWereNeverDecidedAndAreDiscarded() throws {
        makeTempDirectory()
        write("tmp/users.jsonl.tmp.99.0", "half-written")
        write("tmp/0000.jsonl.tmp.99.1", "new-contacts\n")
        let seen = try repo.read { (s) throws(InboxError) in try s.bytes("users.jsonl") }
        XCTAssertEqual(seen.map { String(decoding: $0, as: UTF8.self) }, "old-users\n")
        try repo.write { (_) throws(InboxError) in }
        XCTAssertEqual(file("users.jsonl"), "old-users\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.path("tmp")), [])
        XCTAssertNil(file("contacts/0000.jsonl"))
    }

    func testAJournalCannotNameAPathOutsideTheRepository() throws {
        write("journal", #"{"replace":"../../etc/passwd","with":".x.tmp.1.0"}"# + "\n")
        XCTAssertThrowsError(try repo.write { (_) throws(InboxError) in }) { error in
            guard case InboxError.badData(_, 1, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("outside the repository"))
        }
    }

    func testAFailedCommitLeavesEveryTargetAsItWas() throws {
        // Occupy the name the second temp file will take, so its O_EXCL create fails midway.
        let blocker = repo.path("tmp/users.jsonl.tmp.\(getpid()).1")
        XCTAssertThrowsError(try repo.write { (tx) throws(InboxError) in
            try? FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
            tx.stage("contacts/0000.jsonl", Array("changed\n".utf8))
            tx.stage("users.jsonl", Array("changed\n".utf8))
        }) { error in
            guard case InboxError.io(let path, "create", EEXIST) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, blocker)
        }
        try FileManager.default.removeItem(atPath: blocker)
        XCTAssertEqual(file("users.jsonl"), "old-users\n")
        XCTAssertNil(file("contacts/0000.jsonl"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.path("contacts")), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.path("tmp")), [], "the first temp file was taken back")
        XCTAssertNil(file("journal"))
    }
}
