import Foundation
import XCTest

/// The activity and response indexes are changed line by line (`SortedLines`): the rows a change
/// moves are taken out and put in as bytes, the others kept as they are. What comes out must be
/// what a rebuild from the records makes, and a line not as the store writes it is read the
/// strict way, as before.
final class DerivedSpliceTests: XCTestCase {
    var env: [String: String] {
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"  // the fixture's admin
        return env
    }

    func makeFixture() -> TempDirectory {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "40", "--conversations", "150", "--messages", "900", "--seed", "5", in: repo, environment: env)
        return repo
    }

    /// Every file under `.inbox/DIRECTORY`, by name.
    func files(_ repo: TempDirectory, _ directory: String) throws -> [String: Data] {
        let path = repo.file(".inbox/" + directory)
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            out[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return out
    }

    /// Open conversations a message can go into without a refusal (see Tests/Benchmarks/run).
    func openTargets(_ repo: TempDirectory) -> [(conversation: String, contact: String, channel: String, last: String)] {
        inbox("--json", "conversation", "list", "--limit", "1000", in: repo, environment: env).jsonLines().compactMap { row in
            guard let id = row["id"] as? String, let contact = row["contact"] as? String, let channel = row["channel"] as? String,
                  ["email", "webchat"].contains(channel), let last = row["last_message_at"] as? String else { return nil }
            return (id, contact, channel, last)
        }
    }

    /// fsck finds the repository sound, and a copy whose activity and response indexes are
    /// deleted and rebuilt by `fsck --repair` has the same files, byte for byte.
    func assertIndexesAsRebuilt(_ repo: TempDirectory, _ label: String, line: UInt = #line) throws {
        inbox("fsck", in: repo, environment: env, line: line)
        let copy = TempDirectory()
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: repo.path, toPath: copy.path)
        try FileManager.default.removeItem(atPath: copy.file(".inbox/index/activity"))
        try FileManager.default.removeItem(atPath: copy.file(".inbox/index/responses"))
        inbox("fsck", "--repair", in: copy, environment: env, line: line)
        XCTAssertEqual(try files(repo, "index/activity"), try files(copy, "index/activity"), "\(label): the activity index as a rebuild makes it", line: line)
        XCTAssertEqual(try files(repo, "index/responses"), try files(copy, "index/responses"), "\(label): the response index as a rebuild makes it", line: line)
    }

    func testIndexesChangedLineByLineAreWhatARebuildMakes() throws {
        let repo = makeFixture()
        let targets = openTargets(repo)
        XCTAssertGreaterThanOrEqual(targets.count, 20)
        // Schedules in every open conversation, sent by one flush with those the fixture had
        // scheduled; then replies into a few.
        let schedules = targets.map { "message schedule \($0.conversation) 'Reminder for \($0.conversation)' --at 2026-06-02T11:00:00Z" }
        inbox("-q", "batch", "--keep-going", in: repo, stdin: schedules.joined(separator: "\n") + "\n", environment: env)
        let responses = try files(repo, "index/responses")
        inbox("--now", "2026-06-02T12:00:00Z", "-q", "message", "flush", in: repo, environment: env)
        XCTAssertNotNil(try files(repo, "index/activity")["2026-06-02T12.jsonl"], "the flush moved rows to its hour")
        XCTAssertNotEqual(try files(repo, "index/responses"), responses, "the flush answered waits")
        try assertIndexesAsRebuilt(repo, "after the flush")
        let replies = targets.prefix(10).map { "message receive --contact \($0.contact) --channel \($0.channel) 'Thanks, uploaded'" }
        inbox("--now", "2026-06-02T13:30:00Z", "-q", "batch", in: repo, stdin: replies.joined(separator: "\n") + "\n", environment: env)
        try assertIndexesAsRebuilt(repo, "after the replies")
    }

    /// The hour file of an open conversation that holds another row too, and that row's line.
    func hourFileWithNeighbour(_ repo: TempDirectory) throws -> (target: (conversation: String, contact: String, channel: String, last: String), path: String, lines: [String], neighbour: Int) {
        for target in openTargets(repo) {
            let path = repo.file(".inbox/index/activity/" + target.last.prefix(13) + ".jsonl")
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            if let other = lines.firstIndex(where: { !$0.contains(#""conversation":{"id":"\#(target.conversation)""#) }) {
                return (target, path, lines, other)
            }
        }
        throw XCTSkip("no hour file with two rows")
    }

    func testADamagedRowBesideAMovedOneIsReportedWithItsLineAndNothingIsWritten() throws {
        let repo = makeFixture()
        let found = try hourFileWithNeighbour(repo)
        var lines = found.lines
        lines[found.neighbour] = String(lines[found.neighbour].dropLast())  // its closing brace gone
        try (lines.joined(separator: "\n") + "\n").write(toFile: found.path, atomically: false, encoding: .utf8)
        let before = try files(repo, "index/activity")
        let result = inbox("message", "send", found.target.conversation, "Any news?", in: repo, expect: 65, environment: env)
        XCTAssertTrue(result.stderr.contains("\(found.path):\(found.neighbour + 1):"), result.stderr)
        XCTAssertEqual(try files(repo, "index/activity"), before)
    }

    func testARowNotAsTheStoreWritesItIsReadTheStrictWayAndRewritten() throws {
        let repo = makeFixture()
        let found = try hourFileWithNeighbour(repo)
        var lines = found.lines
        let stored = lines[found.neighbour]
        lines[found.neighbour] = stored.replacingOccurrences(of: #"{"at":"#, with: #"{ "at" : "#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: found.path, atomically: false, encoding: .utf8)
        inbox("message", "send", found.target.conversation, "Any news?", in: repo, environment: env)
        let after = try String(contentsOfFile: found.path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(after.contains(stored), "the row is written back as the store writes it")
        XCTAssertFalse(after.contains { $0.contains(#""conversation":{"id":"\#(found.target.conversation)""#) }, "the moved row left")
        inbox("fsck", in: repo, environment: env)
    }
}
