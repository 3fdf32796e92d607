import Foundation
import XCTest

final class BulkTaggingTests: XCTestCase {
    func testTaggingTenThousandContactsFromStdinIsOneRewriteAndTagsEveryOne() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 10_000)
        let ids = (1...10_000).map { "ct\($0)" }.joined(separator: "\n") + "\n"
        let shards = try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/contacts")).count
        XCTAssertEqual(shards, 11)

        let strace = try requiredTool("strace")
        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=rename,renameat,renameat2", "--", Inbox.binary, "contact", "tag", "-", "--add", "VIP"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: ids)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("10000 changed, 0 already so"), result.stderr)
        do {
            let renames = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("rename") && $0.contains(".inbox") }
            // One change: each of the 11 shard files and its search-index file (whose rows show
            // tags) replaced once, plus the journal that made it all-or-nothing.
            XCTAssertEqual(renames.count, 2 * shards + 1, renames.joined(separator: "\n"))
            XCTAssertEqual(renames.filter { $0.contains("\"journal\")") }.count, 1)
        }
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.count, 10_000)
        // Again: nothing to change, nothing written; tags keep their first spelling.
        let again = inbox("contact", "tag", "-", "--add", "vip", in: repo, stdin: ids)
        XCTAssertTrue(again.stderr.contains("0 changed, 10000 already so"), again.stderr)
        XCTAssertEqual((inbox("--json", "contact", "show", "ct5", in: repo).jsonLines().first?["tags"] as? [String]), ["VIP"])
        inbox("fsck", in: repo)
    }

    /// Ids of a shard named often enough to be read whole are found in it by key; the rest
    /// of what an id may be (spaced or upper case, a merged contact's, twice, unknown) still
    /// means what it means for one id.
    func testIdsOfAWholeShardMeanWhatTheyMeanOneByOne() {
        let repo = makeRepository()
        seedContacts(repo, count: 40)
        inbox("contact", "merge", "ct1", "ct2", in: repo)
        let ids = [" CT5 ", "ct7", "ct7", "ct2", "ct1", "ct999"] + (10...40).map { "ct\($0)" }
        let result = inbox("contact", "tag", "-", "--add", "vip", "--keep-going", "-q", in: repo,
                           stdin: ids.joined(separator: "\n") + "\n", expect: 1)
        XCTAssertEqual(result.lines, ["ct5", "ct7", "ct1"] + (10...40).map { "ct\($0)" })
        XCTAssertTrue(result.stderr.contains("skipped ct999: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("the other 34 were changed or already so"), result.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.count, 34)
        inbox("fsck", in: repo)
    }

    func testSelectionsDryRunAndRemoval() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Smith", "--tag", "prospect", in: repo)
        inbox("contact", "add", "Bob Smith", in: repo)
        inbox("contact", "add", "Carol Jones", "--tag", "Prospect", in: repo)
        let dry = inbox("contact", "tag", "--where-tag", "prospect", "--add", "client", "--remove", "prospect", "--dry-run", in: repo)
        XCTAssertTrue(dry.stderr.contains("2 would change"), dry.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "client", "-q", in: repo).lines, [], "a dry run writes nothing")
        inbox("contact", "tag", "--where-tag", "prospect", "--add", "client", "--remove", "prospect", in: repo)
        XCTAssertEqual(inbox("contact", "list", "--tag", "client", "-q", in: repo).lines, ["ct3", "ct1"])
        XCTAssertEqual(inbox("contact", "list", "--tag", "prospect", "-q", in: repo).lines, [])
        let piped = Inbox.shell("inbox contact list --search smith -q | inbox contact tag - --add vip", in: repo.path)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines, ["ct2", "ct1"])
        inbox("contact", "tag", "ct9", "--add", "x", in: repo, expect: 66)
        inbox("contact", "tag", "ct1", in: repo, expect: 64)
    }
}

final class BulkDoNotContactTests: XCTestCase {
    func testDndSelectsByFilterAndCountsWhatChanged() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Smith", "--tag", "late-payer", in: repo)
        inbox("contact", "add", "Bob Smith", "--tag", "late-payer", in: repo)
        inbox("contact", "add", "Carol Jones", in: repo)
        inbox("contact", "dnd", "ct1", "--on", "sms", in: repo)
        let dry = inbox("contact", "dnd", "--where-tag", "LATE-PAYER", "--on", "sms", "email", "--dry-run", in: repo)
        XCTAssertTrue(dry.stderr.contains("2 would change, 0 already so"), dry.stderr)
        XCTAssertEqual(inbox("contact", "list", "--dnd", "email", "-q", in: repo).lines, [])
        let done = inbox("contact", "dnd", "--where-tag", "late-payer", "--on", "sms", in: repo)
        XCTAssertTrue(done.stderr.contains("1 changed, 1 already so"), done.stderr)
        XCTAssertEqual(inbox("contact", "list", "--dnd", "sms", "-q", in: repo).lines, ["ct2", "ct1"])
        let piped = Inbox.shell("inbox contact list -q | inbox contact dnd - --on all --inbound", in: repo.path)
        XCTAssertTrue(piped.stderr.contains("3 changed"), piped.stderr)
        XCTAssertEqual((inbox("--json", "contact", "show", "ct3", in: repo).jsonLines().first?["dnd"] as? String), "all")
        inbox("contact", "dnd", "--off", "all", "--search", "jones", in: repo)
        XCTAssertEqual((inbox("--json", "contact", "show", "ct3", in: repo).jsonLines().first?["dnd"] as? [String]), [])
        inbox("contact", "dnd", "ct1", "--on", "carrier-pigeon", in: repo, expect: 64)
    }
}
