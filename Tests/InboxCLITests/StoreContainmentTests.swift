import Foundation
import XCTest

/// A repository is shared data: what a clone or a hand edit plants inside `.inbox` (symlinks,
/// special files, a tampered journal, a deleted lock file) must never lead a write outside it,
/// hang a reader, or let two writers in at once.
final class StoreContainmentTests: XCTestCase {
    /// Every regular file below `dir`, with its bytes.
    func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: dir) {
            if let data = FileManager.default.contents(atPath: dir + "/" + relative) { files[relative] = data }
        }
        return files
    }

    func testASymlinkedDirectoryInsideTheRepositoryIsNeverWrittenThrough() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        let elsewhere = TempDirectory()
        try FileManager.default.removeItem(atPath: repo.file(".inbox/notes"))
        try FileManager.default.createSymbolicLink(atPath: repo.file(".inbox/notes"), withDestinationPath: elsewhere.path)

        let note = inbox("contact", "note", "ct1", "Prefers email", in: repo, expect: 74)
        XCTAssertTrue(note.stderr.contains(repo.file(".inbox/notes")) && note.stderr.contains("symlink"), note.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [], "nothing was written outside .inbox")
        // Reading through it is refused the same way: the link's target is not ours to read.
        inbox("contact", "show", "ct1", in: repo, expect: 74)

        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains(repo.file(".inbox/notes") + ": symbolic link inside the repository"), fsck.stdout)
    }

    func testAJournalThatLeadsThroughASymlinkRenamesNothingOutside() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        let victim = TempDirectory()
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: victim.file("important.txt")))
        try FileManager.default.createSymbolicLink(atPath: repo.file(".inbox/x"), withDestinationPath: victim.path)
        // What a crafted clone can carry: a decided change whose target is reached through x.
        try Data("anything\n".utf8).write(to: URL(fileURLWithPath: repo.file(".inbox/users.jsonl.new")))
        try Data(#"{"replace":"x/important.txt","with":"users.jsonl.new"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: repo.file(".inbox/journal")))
        let before = try snapshot(repo.file(".inbox"))

        let add = inbox("contact", "add", "Grace Hopper", in: repo, expect: 74)
        XCTAssertTrue(add.stderr.contains(repo.file(".inbox/x")), add.stderr)
        XCTAssertEqual(try String(contentsOfFile: victim.file("important.txt"), encoding: .utf8), "precious\n")
        XCTAssertEqual(try snapshot(repo.file(".inbox")), before, "a refused writer changes nothing")

        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains(repo.file(".inbox/journal") + ":1: x/important.txt cannot be reached inside the repository"), fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains(repo.file(".inbox/x") + ": symbolic link inside the repository"), fsck.stdout)
    }

    func testAFifoPlantedAsAShardIsRefusedInsteadOfHangingTheReader() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        try FileManager.default.removeItem(atPath: repo.file(".inbox/contacts/0000.jsonl"))
        XCTAssertEqual(mkfifo(repo.file(".inbox/contacts/0000.jsonl"), 0o600), 0)
        // timeout(1): a build that blocks in open(2) on the FIFO fails here instead of hanging.
        let list = Inbox.shell("timeout 20 inbox contact list", in: repo.path)
        XCTAssertEqual(list.status, 74, list.stderr)
        XCTAssertTrue(list.stderr.contains("0000.jsonl") && list.stderr.contains("not a regular file"), list.stderr)
        let fsck = Inbox.shell("timeout 20 inbox fsck", in: repo.path)
        XCTAssertEqual(fsck.status, 65, fsck.stderr)
        XCTAssertTrue(fsck.stdout.contains("0000.jsonl: not a regular file or directory"), fsck.stdout)
    }

    func testDirectoriesNamedLikeTempFilesDoNotStopWritersAndFsckReportsThem() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/contacts/.0000.jsonl.tmp.1"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/tmp/0000.jsonl.tmp.1.0"), withIntermediateDirectories: true)
        try Data("stale".utf8).write(to: URL(fileURLWithPath: repo.file(".inbox/tmp/users.jsonl.tmp.99.0")))

        inbox("contact", "add", "Grace Hopper", in: repo)
        inbox("contact", "note", "ct2", "Called", in: repo)
        XCTAssertEqual(Set(inbox("contact", "list", "-q", in: repo).lines), ["ct1", "ct2"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file(".inbox/tmp/users.jsonl.tmp.99.0")), "a dead writer's temp file is removed")

        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains(repo.file(".inbox/contacts/.0000.jsonl.tmp.1") + ": unexpected hidden directory"), fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains(repo.file(".inbox/tmp/0000.jsonl.tmp.1.0") + ": a directory among temp files"), fsck.stdout)
        XCTAssertEqual(fsck.stdout.split(separator: "\n").count, 2, fsck.stdout)
    }

    /// `git clean` or `git stash -u` deleting a lock file must not let a second writer in while
    /// the first is mid-commit: the lock is on the `.inbox` directory, which cannot go away.
    func testDeletingTheOldLockFileUnderAWriterLetsNoSecondWriterIn() throws {
        let strace = try requiredTool("strace")
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        FileManager.default.createFile(atPath: repo.file(".inbox/lock"), contents: Data())
        // The first writer stalls two seconds at its first fsync, holding the lock.
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: strace)
        slow.arguments = ["-f", "-o", "/dev/null", "-e", "inject=fsync:delay_enter=2000000:when=1", Inbox.binary, "contact", "add", "Writer Two"]
        slow.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        slow.environment = Inbox.baseEnvironment()
        try slow.run()
        usleep(700_000)
        try? FileManager.default.removeItem(atPath: repo.file(".inbox/lock"))
        let second = inbox("contact", "add", "Writer Three", "--lock-timeout", "10", in: repo)
        slow.waitUntilExit()
        XCTAssertEqual(slow.terminationStatus, 0)
        XCTAssertEqual(second.status, 0)
        let names = inbox("--json", "contact", "list", in: repo).jsonLines().map { "\($0["first_name"] as? String ?? "") \($0["last_name"] as? String ?? "")" }
        XCTAssertEqual(Set(names), ["Ada Lovelace", "Writer Two", "Writer Three"])
        inbox("fsck", in: repo)
    }

    func testReadersAndFsckNeedNoLockFile() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        try? FileManager.default.removeItem(atPath: repo.file(".inbox/lock"))
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct1"])
        inbox("fsck", in: repo)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file(".inbox/lock")), "a reader creates nothing")
    }
}
