import Foundation
import XCTest

/// A command that needs one record of a shard (a task for ct517 needs ct517, not the thousand
/// contacts beside it) reads a few pages of the shard, found by bisecting its sorted lines, and
/// still finds what a whole read would: a hand-edited shard, a damaged line, a missing id.
final class ShardLookupTests: XCTestCase {
    /// The bytes a command read from one store file, from strace's `-y` (each call's
    /// descriptor printed with its path).
    func bytesRead(_ arguments: [String], from file: String, in repo: TempDirectory, expect status: Int32 = 0) throws -> (bytes: Int, result: InboxResult) {
        let strace = try requiredTool("strace")
        let log = repo.file("read-trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=read,pread64", "--", Inbox.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, status, result.stderr)
        var total = 0
        for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") where line.contains(file + ">,") {
            guard let equals = line.range(of: "= ", options: .backwards), let n = Int(line[equals.upperBound...]) else { continue }
            total += n
        }
        return (total, result)
    }

    func testATaskForOneContactReadsAFewPagesOfItsShard() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 999)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: shard)[.size] as? Int)
        XCTAssertGreaterThan(size, 200_000)
        // The first task builds the task agenda, which reads every contact shard whole.
        inbox("task", "create", "--contact", "ct3", "--kind", "notice", "Office closed Friday", in: repo)
        for contact in ["ct1", "ct2", "ct517", "ct998", "ct999"] {
            let (bytes, result) = try bytesRead(["task", "create", "--contact", contact, "--kind", "question", "Please upload your W-2"],
                                                from: "contacts/0000.jsonl", in: repo)
            XCTAssertTrue(result.stdout.contains("for \(contact) "), result.stdout)
            // About 33 KB of 255 KB here; a whole read was all of it.
            XCTAssertLessThan(bytes, size / 4, "\(contact): read \(bytes) of \(size) bytes")
            XCTAssertGreaterThan(bytes, 0, contact)
        }
        let tasks = try String(contentsOfFile: repo.file(".inbox/tasks/0000.jsonl"), encoding: .utf8)
        XCTAssertEqual(tasks.split(separator: "\n").map { $0.contains(#""contact":"ct517""#) }.filter { $0 }.count, 1, tasks)
        inbox("fsck", in: repo)
    }

    func testAShardEditedByHandOutOfOrderStillFindsItsContacts() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 999)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        var lines = try String(contentsOfFile: shard, encoding: .utf8).split(separator: "\n").map(String.init)
        // ct300 moved to the end, and ct700 rewritten with spaces (no longer `{"id":"…` first).
        let moved = lines.remove(at: 299)
        lines.append(moved)
        lines[698] = lines[698].replacingOccurrences(of: #"{"id":"ct700","#, with: #"{ "id": "ct700", "#)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: shard))
        for contact in ["ct300", "ct700", "ct299", "ct301", "ct701"] {
            let created = inbox("task", "create", "--contact", contact, "--kind", "notice", "Office closed Friday", in: repo)
            XCTAssertTrue(created.stdout.contains("for \(contact) "), "\(contact): \(created.stdout)")
        }
        let missing = inbox("task", "create", "--contact", "ct1000", "--kind", "notice", "x", in: repo, expect: 66)
        XCTAssertTrue(missing.stderr.contains("no contact 'ct1000'"), missing.stderr)
    }

    func testADamagedLineOfTheWantedContactIsReportedWithItsLineNumber() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 999)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        var lines = try String(contentsOfFile: shard, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[516] = lines[516].replacingOccurrences(of: #""first_name":"Person""#, with: #""first_name":17"#)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: shard))
        let before = try String(contentsOfFile: repo.file(".inbox/sequences.jsonl"), encoding: .utf8)
        let (_, result) = try bytesRead(["task", "create", "--contact", "ct517", "--kind", "question", "x"],
                                        from: "contacts/0000.jsonl", in: repo, expect: 65)
        XCTAssertTrue(result.stderr.contains(shard + ":517: "), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: repo.file(".inbox/sequences.jsonl"), encoding: .utf8), before, "nothing written")
    }
    /// A commit decided but not finished (its journal names a temp file for the shard): a
    /// reader takes the temp file, as a whole read would, not the old shard still on disk.
    func testAReaderDuringAnUnfinishedCommitSeesTheNewShard() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 999)
        let shard = try String(contentsOfFile: repo.file(".inbox/contacts/0000.jsonl"), encoding: .utf8)
        let renamed = shard.replacingOccurrences(of: #""last_name":"Number 517""#, with: #""last_name":"Renamed 517""#)
        XCTAssertNotEqual(renamed, shard)
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/tmp"), withIntermediateDirectories: true)
        try Data(renamed.utf8).write(to: URL(fileURLWithPath: repo.file(".inbox/tmp/0000.jsonl.tmp.1.0")))
        try Data((#"{"replace":"contacts/0000.jsonl","with":"tmp/0000.jsonl.tmp.1.0"}"# + "\n").utf8)
            .write(to: URL(fileURLWithPath: repo.file(".inbox/journal")))
        let shown = inbox("contact", "show", "ct517", in: repo)
        XCTAssertTrue(shown.stdout.contains("Renamed 517"), shown.stdout)
        XCTAssertFalse(shown.stdout.contains("Number 517"), shown.stdout)
    }
}
