import Foundation
import XCTest

/// Commands run in process (`InProcessInbox`): the command line, its output and exit status,
/// and the repository afterwards, without a process per command.
final class InProcessCommandTests: XCTestCase {
    func testAUsageErrorNamesTheProblemTheUsageAndTheHelpAndExits64() {
        let repo = makeRepositoryInProcess()
        let result = run("contact", "add", "Ada", "--bogus", in: repo, expect: 64)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr.split(separator: "\n").last, "See 'inbox contact add --help'.")
        XCTAssertTrue(result.stderr.hasPrefix("Error: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("--bogus"), result.stderr)
    }

    func testARecordWrittenIsReadBackAsJSON() {
        let repo = makeRepositoryInProcess()
        XCTAssertEqual(run("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo).stdout, "Added contact ct1 Ada Lovelace\n")
        let listed = run("--json", "contact", "list", in: repo).jsonLines()
        XCTAssertEqual(listed.map { $0["id"] as? String }, ["ct1"])
        XCTAssertEqual(listed.first?["emails"] as? [String], ["ada@example.com"])
    }

    /// Issue 13 item 5: a do-not-contact stored some other way than `contact dnd` stores it.
    func testFsckFlagsANonCanonicalDoNotContactAndRepairRewritesIt() throws {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada Lovelace", in: repo)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        // Every channel and calls, out of order: what `contact dnd` stores as "all".
        let every = #"["whatsapp","calls","email","facebook","imessage","instagram","sms","telegram","webchat"]"#
        let original = try String(contentsOfFile: shard, encoding: .utf8)
        XCTAssertTrue(original.contains(#""dnd":[]"#), original)
        try original.replacingOccurrences(of: #""dnd":[]"#, with: #""dnd":"# + every).write(toFile: shard, atomically: false, encoding: .utf8)

        let fsck = run("fsck", in: repo, expect: 65)
        XCTAssertEqual(fsck.stdout, "\(shard):1: contact ct1 has do-not-contact \(every), not as stored by contact dnd: \"all\" (inbox fsck --repair rewrites it)\n")
        let repair = run("fsck", "--repair", in: repo)
        XCTAssertTrue(repair.stderr.contains("rewrote do-not-contact canonically for 1 contact"), repair.stderr)
        XCTAssertTrue(try String(contentsOfFile: shard, encoding: .utf8).contains(#""dnd":"all""#))
        XCTAssertEqual(run("contact", "dnd", "ct1", "--on", "sms", in: repo).stderr, "0 changed, 1 already so\n")
        run("fsck", in: repo)
    }
}
