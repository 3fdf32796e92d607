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

    /// Ids on standard input are one a line, whatever ends the line (LF, CRLF, CR, VT, FF) and
    /// with spaces and tabs around them; blank lines are skipped. Non-ASCII input is split by
    /// characters, so a line separator (U+2028) ends a line there too.
    func testIdsOnStandardInputAreSplitByAnyLineEnd() {
        let repo = makeRepository()
        for name in ["Ada", "Bob", "Cy", "Dee", "Eve"] { inbox("contact", "add", name, in: repo) }
        let ascii = Inbox.shell(#"printf 'ct1\r\n\tct2 \n\n  \rct3\013ct4\014\n' | inbox -q contact tag - --add vip"#, in: repo.path)
        XCTAssertEqual(ascii.status, 0, ascii.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.sorted(), ["ct1", "ct2", "ct3", "ct4"])
        let unicode = Inbox.shell(#"printf 'ct5\342\200\250ct1 \n' | inbox -q contact tag - --add eu"#, in: repo.path)
        XCTAssertEqual(unicode.status, 0, unicode.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "eu", "-q", in: repo).lines.sorted(), ["ct1", "ct5"])
        let bad = Inbox.shell(#"printf 'ct1\nct 2\n' | inbox -q contact tag - --add x"#, in: repo.path)
        XCTAssertNotEqual(bad.status, 0, "an id with a space inside is refused, not split")
    }
    /// A bulk tag hands the search index its contacts in one list; single changes before and
    /// after it in the same batch, a second list and a line undone must still leave each
    /// contact's entry as its latest version (fsck compares every entry with its contact).
    func testBulkTagsAndSingleEditsInOneBatchLeaveTheLatestSearchEntries() {
        let repo = makeRepository()
        seedContacts(repo, count: 2100)
        let script = [
            "contact edit ct500 --first-name Before",
            "contact tag " + (1001...1040).map { "ct\($0)" }.joined(separator: " ") + " --add vip",
            "contact edit ct1010 --first-name Renamed",
            "contact tag " + (2001...2040).map { "ct\($0)" }.joined(separator: " ") + " --add gold",
            "contact show ct99999",
            "contact edit ct2020 --last-name Changed",
            "contact list --search renamed -q",
        ]
        let result = Inbox.run(["batch", "--keep-going"], in: repo.path, stdin: script.joined(separator: "\n") + "\n")
        XCTAssertEqual(result.status, 66, result.stderr)
        XCTAssertTrue(result.stderr.contains("7 commands, 6 done, 1 failed and undone (lines 5)"), result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").last, "ct1010", result.stdout)
        let renamed = inbox("--json", "contact", "list", "--search", "renamed", in: repo).jsonLines()
        XCTAssertEqual(renamed.map { $0["id"] as? String }, ["ct1010"])
        XCTAssertEqual(renamed.first?["tags"] as? [String], ["vip"])
        XCTAssertEqual(inbox("contact", "list", "--search", "before", "-q", in: repo).lines, ["ct500"])
        XCTAssertEqual(inbox("contact", "list", "--search", "person changed", "-q", in: repo).lines, ["ct2020"])
        XCTAssertEqual(inbox("contact", "list", "--tag", "gold", "--search", "changed", "-q", in: repo).lines, ["ct2020"])
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.count, 40)
        inbox("fsck", in: repo)
    }
}

/// A shard named by enough ids is read as the store writes it and its retagged lines are
/// spliced (`ContactShard`): the rules of the strict path hold there too.
final class BulkTaggingStoredFormTests: XCTestCase {
    /// Forty contacts, Grace Hopper second, all in `contacts/0000.jsonl`, and their ids.
    private func fortyContacts(_ repo: TempDirectory) -> String {
        let names = ["Ada Lovelace", "Grace Hopper"] + (3...40).map { "Person \($0)" }
        inbox("batch", "-q", in: repo, stdin: names.map { "contact add '\($0)'" }.joined(separator: "\n") + "\n")
        return (1...40).map { "ct\($0)" }.joined(separator: "\n") + "\n"
    }

    /// Every damage MalformedLineTests lists, in a shard a bulk tag reads whole: `PATH:LINE:
    /// reason`, exit 65, nothing written.
    func testEveryKindOfMalformedLineStopsABulkTagAndNothingIsWritten() throws {
        for damage in MalformedLineTests.damages {
            let repo = makeRepository()
            let ids = fortyContacts(repo)
            let shard = repo.file(".inbox/contacts/0000.jsonl")
            var lines = readBytes(shard)!.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            lines.removeLast()
            damage.apply(&lines)
            try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: shard))
            let before = recordFiles(repo)
            for change in [["--add", "vip"], ["--remove", "vip"]] {
                let result = Inbox.run(["contact", "tag", "-"] + change, in: repo.path, stdin: ids)
                XCTAssertEqual(result.status, 65, "\(damage.name): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix(shard + ":\(damage.line): "), "\(damage.name): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(damage.reasonMentions), "\(damage.name): \(result.stderr)")
            }
            XCTAssertEqual(recordFiles(repo), before, "\(damage.name): nothing written")
        }
    }

    /// Lines not as the store writes them (spaces, another script, an escape) are tagged too,
    /// and the shard comes out as the store writes every line; the search index follows.
    func testLinesInAnyFormAreTaggedAndWrittenAsTheStoreWritesThem() throws {
        let repo = makeRepository()
        let ids = fortyContacts(repo)
        inbox("contact", "edit", "ct3", "--first-name", "Zoë", in: repo)
        inbox("contact", "edit", "ct4", "--company", "Say \"hi\"", in: repo)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        let stored = try String(contentsOfFile: shard, encoding: .utf8)
        let spaced = stored.replacingOccurrences(of: #"{"id":"ct5","first_name":"#, with: #"{"id":"ct5", "first_name": "#)
        XCTAssertNotEqual(spaced, stored)
        try Data(spaced.utf8).write(to: URL(fileURLWithPath: shard))

        let added = inbox("contact", "tag", "-", "--add", "vip", "-q", in: repo, stdin: ids)
        XCTAssertEqual(added.lines, (1...40).map { "ct\($0)" })
        let after = try String(contentsOfFile: shard, encoding: .utf8)
        XCTAssertFalse(after.contains(#""id":"ct5", "#), "written as the store writes it")
        XCTAssertEqual(after.components(separatedBy: #""tags":["vip"]"#).count - 1, 40, after)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "--search", "zoë", "-q", in: repo).lines, ["ct3"])
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "--search", "person 5", "-q", in: repo).lines, ["ct5"])
        inbox("fsck", in: repo)
        inbox("contact", "tag", "-", "--remove", "VIP", in: repo, stdin: ids)
        XCTAssertEqual(try String(contentsOfFile: shard, encoding: .utf8).components(separatedBy: #""tags":[]"#).count - 1, 40)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines, [])
        inbox("fsck", in: repo)
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
