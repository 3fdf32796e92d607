import Foundation
import XCTest

/// Formats 2 and 3 of the store (issue 9): thread files, the activity, search and response indexes,
/// and `inbox upgrade` from format 1.
final class StoreFormatTests: XCTestCase {
    /// Alice is the fixture's admin (fsck --repair is for admins).
    var env: [String: String] {
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        return env
    }

    func makeFixture(conversations: Int = 250, messages: Int = 900) -> TempDirectory {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "40", "--conversations", String(conversations), "--messages", String(messages), "--seed", "5", in: repo)
        return repo
    }

    /// Rewrites a repository the way format 2 laid it out: 1000 conversations a shard, and a
    /// response index file (format 3 has 100), `repository.format` 2.
    func downgradeToFormatTwo(_ repo: TempDirectory, format: Int = 2) throws {
        let fm = FileManager.default
        let root = repo.file(".inbox")
        // Conversations and their response index, both keyed by conversation id first.
        for directory in ["conversations", "index/responses"] {
            var shards: [Int: [(Int, Substring)]] = [:]
            for name in try fm.contentsOfDirectory(atPath: root + "/" + directory) {
                let text = try String(contentsOfFile: root + "/\(directory)/\(name)", encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let id = try XCTUnwrap(line.split(separator: "\"").dropFirst(3).first)
                    let n = try XCTUnwrap(Int(id.dropFirst(2)), String(id))
                    shards[n / 1000, default: []].append((n, line))
                }
                try fm.removeItem(atPath: root + "/\(directory)/\(name)")
            }
            for (shard, lines) in shards {
                let text = lines.sorted { $0.0 < $1.0 }.map { $0.1 + "\n" }.joined()
                XCTAssertTrue(fm.createFile(atPath: root + "/\(directory)/" + String(format: "%04d", shard) + ".jsonl", contents: Data(text.utf8)))
            }
        }
        let config = try String(contentsOfFile: root + "/config.jsonl", encoding: .utf8)
        let old = config.replacingOccurrences(of: #"{"key":"repository.format","value":3}"#, with: #"{"key":"repository.format","value":\#(format)}"#)
        XCTAssertNotEqual(old, config)
        try old.write(toFile: root + "/config.jsonl", atomically: false, encoding: .utf8)
    }

    /// Rewrites a repository the way format 1 laid it out: format 2's conversation shards, the
    /// messages of 100 conversations a file, no activity, search or response index.
    func downgradeToFormatOne(_ repo: TempDirectory) throws {
        try downgradeToFormatTwo(repo, format: 1)
        let fm = FileManager.default
        let root = repo.file(".inbox")
        var shards: [Int: Data] = [:]
        for dir in try fm.contentsOfDirectory(atPath: root + "/messages").sorted() {
            for name in try fm.contentsOfDirectory(atPath: root + "/messages/" + dir) {
                let n = try XCTUnwrap(Int(name.dropFirst(2).dropLast(6)), name)
                shards[n / 100, default: Data()].append(try XCTUnwrap(fm.contents(atPath: root + "/messages/\(dir)/\(name)")))
            }
            try fm.removeItem(atPath: root + "/messages/" + dir)
        }
        for (shard, data) in shards {
            XCTAssertTrue(fm.createFile(atPath: root + "/messages/" + String(format: "%04d", shard) + ".jsonl", contents: data))
        }
        for index in ["activity", "contact-search", "responses", "words"] { try fm.removeItem(atPath: root + "/index/" + index) }
    }

    func views(_ repo: TempDirectory) -> [String] {
        [["--json", "conversation", "list", "--status", "all"], ["--json", "message", "list"], ["report"],
         ["contact", "list", "--search", "hopper"], ["message", "list", "--scheduled"], ["message", "list", "--conversation", "cv7"]].map {
            let result = Inbox.run($0, in: repo.path, environment: env)
            XCTAssertEqual(result.status, 0, "\($0): \(result.stderr)")
            return result.stdout
        }
    }

    func testAFormatOneRepositoryIsRefusedUntilUpgradedOnceAndThenReadsTheSame() throws {
        let repo = makeFixture()
        let before = views(repo)
        let files = recordFiles(repo)
        try downgradeToFormatOne(repo)
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo.file(".inbox/messages/0002.jsonl")))
        let downgraded = recordFiles(repo)
        for command in [["conversation", "list"], ["contact", "add", "Grace"], ["fsck"]] {
            let refused = Inbox.run(command, in: repo.path, environment: env)
            XCTAssertEqual(refused.status, 65, "\(command): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("format 1") && refused.stderr.contains("inbox upgrade"), refused.stderr)
        }
        XCTAssertEqual(recordFiles(repo), downgraded, "a refused command changed nothing")

        let upgraded = inbox("upgrade", in: repo, environment: env)
        XCTAssertTrue((upgraded.stdout + upgraded.stderr).contains("from format 1 to 3: 250 conversations in shards of 100, 900 messages in 250 thread files"), upgraded.stdout + upgraded.stderr)
        XCTAssertEqual(recordFiles(repo), files, "the upgrade gives the files format 3 writes")
        inbox("fsck", in: repo, environment: env)
        XCTAssertEqual(views(repo), before)
        let again = inbox("upgrade", in: repo, expect: 1, environment: env)
        XCTAssertTrue(again.stderr.contains("already has format 3"), again.stderr)
    }

    /// Format 3 keeps 100 conversations a shard, so a send rewrites a small file: a format-2
    /// repository (1000 a shard) is refused until upgraded, and upgrades to the same bytes.
    func testAFormatTwoRepositoryUpgradesToShardsOfAHundredConversations() throws {
        let repo = makeFixture(conversations: 1234, messages: 1500)
        let before = views(repo)
        let files = recordFiles(repo)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/conversations")).count, 13)
        try downgradeToFormatTwo(repo)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/conversations")).sorted(),
                       ["0000.jsonl", "0001.jsonl"])
        let refused = Inbox.run(["message", "send", "cv7", "hello"], in: repo.path, environment: env)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("format 2") && refused.stderr.contains("inbox upgrade"), refused.stderr)

        let upgraded = inbox("upgrade", in: repo, environment: env)
        XCTAssertEqual(upgraded.stdout + upgraded.stderr, "Upgraded \(repo.file(".inbox")) from format 2 to 3: 1234 conversations in shards of 100\n")
        XCTAssertEqual(recordFiles(repo), files, "the upgrade gives the files format 3 writes")
        inbox("fsck", in: repo, environment: env)
        XCTAssertEqual(views(repo), before)
        inbox("upgrade", in: repo, expect: 1, environment: env)
    }

    /// A shared clone of format 2 (30 conversations: one shard in either format) upgrades to
    /// minting ids: the format and its .gitignore change (the clone id stays out of git); every
    /// id stays and resolves.
    func testAFormatTwoRepositoryUpgradesToThreeOnceAndStaysTheSame() throws {
        let repo = makeFixture(conversations: 30, messages: 90)
        let before = views(repo)
        let files = recordFiles(repo)
        let root = repo.file(".inbox")
        let config = try String(contentsOfFile: root + "/config.jsonl", encoding: .utf8)
        let two = config.replacingOccurrences(of: #"{"key":"repository.format","value":3}"#, with: #"{"key":"repository.format","value":2}"#)
        XCTAssertNotEqual(two, config)
        try two.write(toFile: root + "/config.jsonl", atomically: false, encoding: .utf8)
        // A shared clone of format 2: its .gitignore predates the clone id.
        try "*.jsonl merge=inbox\n".write(toFile: root + "/.gitattributes", atomically: false, encoding: .utf8)
        try "/index/\n/sequences.jsonl\n".write(toFile: root + "/.gitignore", atomically: false, encoding: .utf8)
        let refused = Inbox.run(["contact", "add", "Grace"], in: repo.path, environment: env)
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("format 2") && refused.stderr.contains("inbox upgrade"), refused.stderr)

        let upgraded = inbox("upgrade", in: repo, environment: env)
        XCTAssertTrue((upgraded.stdout + upgraded.stderr).contains("from format 2 to 3"), upgraded.stdout + upgraded.stderr)
        func records() -> [String: Data] { recordFiles(repo).filter { !$0.key.hasPrefix(".git") } }
        XCTAssertEqual(records(), files, "format 2's records are format 3's")
        let ignore = try String(contentsOfFile: root + "/.gitignore", encoding: .utf8)
        XCTAssertTrue(ignore.contains("/clone-id\n"), ignore)
        inbox("fsck", in: repo, environment: env)
        XCTAssertEqual(views(repo), before)
        let again = inbox("upgrade", in: repo, expect: 1, environment: env)
        XCTAssertTrue(again.stderr.contains("already has format 3"), again.stderr)
        XCTAssertEqual(records(), files)
    }

    func testAnUpgradeThatMeetsABadLineChangesNothing() throws {
        let repo = makeFixture()
        try downgradeToFormatOne(repo)
        let shard = repo.file(".inbox/messages/0001.jsonl")
        var lines = try XCTUnwrap(String(contentsOfFile: shard, encoding: .utf8)).components(separatedBy: "\n")
        lines[2] = String(lines[2].prefix(30))
        try lines.joined(separator: "\n").write(toFile: shard, atomically: false, encoding: .utf8)
        let damaged = recordFiles(repo)
        let failed = inbox("upgrade", in: repo, expect: 65, environment: env)
        XCTAssertTrue(failed.stderr.contains(shard + ":3: "), failed.stderr)
        XCTAssertEqual(recordFiles(repo), damaged)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/tmp")), [], "spilled files are taken back")
    }

    func testConversationListReadsTheNewestHoursOfTheActivityIndexAndNoShard() throws {
        let repo = makeFixture(conversations: 400, messages: 1200)
        let all = Inbox.run(["--json", "conversation", "list", "--status", "all"], in: repo.path, environment: env).jsonLines()
        XCTAssertEqual(all.count, 400)
        // Newest activity first, ties by id number: computed here from the records alone.
        func activity(_ c: [String: Any]) -> String { (c["last_message_at"] as? String) ?? (c["created_at"] as! String) }
        func number(_ c: [String: Any]) -> Int { Int((c["id"] as! String).dropFirst(2))! }
        let expected = all.filter { $0["status"] as? String == "open" }
            .sorted { (activity($0), number($0)) > (activity($1), number($1)) }.prefix(5).map { $0["id"] as! String }
        XCTAssertEqual(expected.count, 5)

        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=openat", "--", Inbox.binary, "-q", "conversation", "list", "--limit", "5"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = env
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), expected)
        let opened = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(".inbox/") && !$0.contains("ENOENT") }
        XCTAssertFalse(opened.contains { $0.contains("/conversations/") || $0.contains("/messages/") || $0.contains("/contacts/") },
                       opened.joined(separator: "\n"))
        let hours = opened.filter { $0.contains("/index/activity/") && $0.contains(".jsonl") }
        let total = try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/index/activity")).count
        XCTAssertGreaterThan(hours.count, 0)
        XCTAssertLessThan(hours.count * 10, total, "read \(hours.count) of \(total) hour files")
    }

    func testSearchFollowsEveryChangeAndFsckRebuildsItsIndex() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Zoë Ångström", "--email", "Zoe@Example.com", "--phone", "+1 555 0100", in: repo)
        inbox("contact", "add", #"Pat "Bob" O'Brien\Jr"#, in: repo)
        inbox("contact", "add", "Grace Hopper", "--phone", "+1 555 0199", in: repo)
        func search(_ text: String) -> [String] {
            Inbox.run(["-q", "contact", "list", "--search", text], in: repo.path).stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(search("zoë"), ["ct1"])
        XCTAssertEqual(search("ÅNGSTRÖM"), ["ct1"])
        XCTAssertEqual(search("zoe@example"), ["ct1"])
        XCTAssertEqual(search("555-0100"), ["ct1"])
        XCTAssertEqual(search("555"), ["ct3", "ct1"])
        XCTAssertEqual(search(#""bob" o'b"#), ["ct2"])
        XCTAssertEqual(search(#"brien\jr"#), ["ct2"])
        XCTAssertEqual(search("grace hop"), ["ct3"])
        XCTAssertEqual(search("hopper grace"), [])
        inbox("contact", "edit", "ct3", "--last-name", "Brewster", in: repo)
        XCTAssertEqual(search("hopper"), [])
        XCTAssertEqual(search("brewster"), ["ct3"])
        inbox("contact", "edit", "ct3", "--add-email", "amazing@navy.example", in: repo)
        XCTAssertEqual(search("amazing"), ["ct3"])

        let index = repo.file(".inbox/index/contact-search/0000.jsonl")
        let lines = try XCTUnwrap(String(contentsOfFile: index, encoding: .utf8)).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: index, atomically: false, encoding: .utf8)
        XCTAssertEqual(search("brewster"), [], "a search finds what the index holds")
        let broken = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(broken.stdout.contains(index + ": the search index does not match the contacts"), broken.stdout)
        inbox("fsck", "--repair", in: repo)
        inbox("fsck", in: repo)
        XCTAssertEqual(search("brewster"), ["ct3"])
    }

    func testDamagedActivityAndResponseIndexesAreFoundAndRebuilt() throws {
        let repo = makeFixture(conversations: 120, messages: 600)
        let report = inbox("report", in: repo, environment: env).stdout
        let listing = inbox("conversation", "list", "--status", "all", in: repo, environment: env).stdout
        let activity = repo.file(".inbox/index/activity")
        let hour = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: activity).sorted().last)
        try FileManager.default.removeItem(atPath: activity + "/" + hour)
        let responses = repo.file(".inbox/index/responses/0000.jsonl")
        let text = try String(contentsOfFile: responses, encoding: .utf8)
        try text.replacingOccurrences(of: #""missed":false"#, with: #""missed":true"#).write(toFile: responses, atomically: false, encoding: .utf8)
        let broken = inbox("fsck", in: repo, expect: 65, environment: env)
        XCTAssertTrue(broken.stdout.contains(activity + "/" + hour + ": index lacks conversation"), broken.stdout)
        XCTAssertTrue(broken.stdout.contains(responses + ": the response times the report reads do not match"), broken.stdout)
        inbox("fsck", "--repair", in: repo, environment: env)
        inbox("fsck", in: repo, environment: env)
        XCTAssertEqual(inbox("report", in: repo, environment: env).stdout, report)
        XCTAssertEqual(inbox("conversation", "list", "--status", "all", in: repo, environment: env).stdout, listing)
    }

    func testAStrayFileAmongTheThreadsIsReported() throws {
        let repo = makeFixture(conversations: 20, messages: 40)
        XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/messages/0000/notes.txt"), contents: Data("x\n".utf8)))
        XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/messages/0000.jsonl"), contents: Data()))
        let result = inbox("fsck", in: repo, expect: 65, environment: env)
        XCTAssertTrue(result.stdout.contains(repo.file(".inbox/messages/0000/notes.txt") + ": unexpected file"), result.stdout)
        XCTAssertTrue(result.stdout.contains(repo.file(".inbox/messages/0000.jsonl") + ": unexpected file"), result.stdout)
    }
}
