import Foundation
import XCTest

/// Issue 14 item 1: ids that cannot collide across clones. A shared clone mints ids (prefix and
/// 12 base32 characters, the first a letter) from its own clone id and counter; a repository
/// that is not shared keeps numbering them. People see minted ids at their short length.
final class MintedIDTests: XCTestCase {
    let start = "2026-11-30T09:00:00Z"
    static let minted = #"^(ct|cv|ms|tk|lg|nt)[a-hjkmnp-tv-z][0-9a-hjkmnp-tv-z]{11}$"#

    func isMinted(_ id: String) -> Bool { id.range(of: MintedIDTests.minted, options: .regularExpression) != nil }

    /// Three clones of one bare remote each add a contact, a conversation with a message, a
    /// task and a log entry offline, then sync in different orders: every clone ends with
    /// byte-identical record files, fsck clean, every record present, no id shared.
    func testThreeClonesAddingOfflineConvergeWithEveryRecordAndNoCollision() throws {
        for order in [["b", "c", "a", "b", "c"], ["c", "a", "b", "c", "a"]] {
            _ = try requiredTool("git")
            let team = Team()
            team.create("a", now: start)
            team.inbox("a", ["user", "add", "alice", "--role", "admin"], now: start)
            team.sync("a", now: start)
            team.join("b", now: start)
            team.join("c", now: start)
            var added: [String: [String]] = [:]
            for (i, clone) in ["a", "b", "c"].enumerated() {
                let now = "2026-11-30T09:1\(i):00Z"
                let contact = team.add("ct-" + clone, clone, ["contact", "add", "Person \(clone)", "--email", "\(clone)@example.com"], now: now)
                let conversation = team.add("cv-" + clone, clone, ["conversation", "create", "--contact", contact, "--channel", "email"], now: now)
                let message = team.add("ms-" + clone, clone, ["message", "send", conversation, "Hello from \(clone)", "--note"], now: now)
                let task = team.add("tk-" + clone, clone, ["task", "create", "--contact", contact, "--kind", "question", "Which year, \(clone)?"], now: now)
                let log = team.add("lg-" + clone, clone, ["log", "add", "--contact", contact, "--kind", "call", "Called \(clone)"], now: now)
                for (kind, id) in [("contact", contact), ("conversation", conversation), ("message", message), ("task", task), ("log", log)] {
                    XCTAssertTrue(isMinted(id), "\(kind) \(id) is not a minted id")
                    added[kind, default: []].append(id)
                }
            }
            let all = added.values.flatMap { $0 }
            XCTAssertEqual(Set(all).count, all.count, "an id was issued twice: \(added)")
            for clone in order { team.sync(clone, now: "2026-11-30T09:30:00Z") }
            let at = "2026-11-30T09:40:00Z"
            assertConverged(team, ["a", "b", "c"], now: at)
            for clone in ["a", "b", "c"] {
                func ids(_ args: [String]) -> Set<String> { Set(team.inbox(clone, ["-q"] + args, now: at).lines) }
                XCTAssertEqual(ids(["contact", "list"]), Set(added["contact"]!), "\(clone) \(order)")
                XCTAssertEqual(ids(["conversation", "list", "--status", "all"]), Set(added["conversation"]!), "\(clone) \(order)")
                XCTAssertEqual(ids(["message", "list"]), Set(added["message"]!), "\(clone) \(order)")
                XCTAssertEqual(ids(["task", "list"]), Set(added["task"]!), "\(clone) \(order)")
                XCTAssertEqual(ids(["log", "list"]), Set(added["log"]!), "\(clone) \(order)")
                // Each record resolves by its full id on every clone, and its thread is whole.
                for (name, id) in team.ids where name.hasPrefix("cv-") {
                    let thread = team.inbox(clone, ["--json", "message", "list", "--conversation", id], now: at).jsonLines()
                    XCTAssertEqual(thread.compactMap { $0["id"] as? String }, [team.ids["ms-" + name.dropFirst(3)]!])
                }
            }
        }
    }

    /// A repository that is not shared numbers its ids as it always has, byte for byte.
    func testARepositoryThatIsNotSharedKeepsSequentialIds() throws {
        let repo = makeRepository()
        let env = Inbox.baseEnvironment(now: start)
        XCTAssertEqual(Inbox.run(["-q", "contact", "add", "Ann Lee"], in: repo.path, environment: env).stdout, "ct1\n")
        XCTAssertEqual(Inbox.run(["-q", "contact", "add", "Bob Ray"], in: repo.path, environment: env).stdout, "ct2\n")
        let shard = try String(contentsOfFile: repo.file(".inbox/contacts/0000.jsonl"), encoding: .utf8)
        XCTAssertEqual(shard, """
            {"id":"ct1","first_name":"Ann","last_name":"Lee","phones":[],"emails":[],"company":null,"owner":null,"disposition":null,"tags":[],"dnd":[],"dnd_inbound":false,"fields":{},"created_at":"2026-11-30T09:00:00Z","updated_at":"2026-11-30T09:00:00Z"}
            {"id":"ct2","first_name":"Bob","last_name":"Ray","phones":[],"emails":[],"company":null,"owner":null,"disposition":null,"tags":[],"dnd":[],"dnd_inbound":false,"fields":{},"created_at":"2026-11-30T09:00:00Z","updated_at":"2026-11-30T09:00:00Z"}

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file(".inbox/clone-id")), "an unshared repository needs no clone id")
        XCTAssertEqual(Inbox.run(["contact", "show", "ct2", "-q"], in: repo.path, environment: env).stdout, "ct2\n")
    }

    /// A shared inbox with `count` contacts, and their ids (full, as --json gives them).
    func sharedInbox(contacts count: Int) -> (TempDirectory, [String]) {
        let dir = TempDirectory("minted")
        var env = Inbox.baseEnvironment(now: start)
        env["INBOX_SEED"] = "prefixes"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = dir.path
        for (name, value) in [("NAME", "Alice"), ("EMAIL", "alice@example.com")] {
            env["GIT_AUTHOR_" + name] = value
            env["GIT_COMMITTER_" + name] = value
        }
        XCTAssertEqual(Inbox.run(["init", "--shared", "r"], in: dir.path, environment: env).status, 0)
        let batch = (1...count).map { "contact add \"Person \($0)\"" }.joined(separator: "\n") + "\n"
        let made = Inbox.run(["--repo", "r", "batch"], in: dir.path, stdin: batch, environment: env)
        XCTAssertEqual(made.status, 0, made.stderr)
        let ids = Inbox.run(["--repo", "r", "--json", "contact", "list", "--limit", "1000"], in: dir.path, environment: env)
            .jsonLines().compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, count)
        return (dir, ids)
    }

    func testMintedIdsResolveByPrefixAndAnAmbiguousPrefixListsTheCandidates() throws {
        _ = try requiredTool("git")
        let (dir, ids) = sharedInbox(contacts: 60)
        let env = Inbox.baseEnvironment(now: start)
        func run(_ args: [String]) -> InboxResult { Inbox.run(["--repo", "r"] + args, in: dir.path, environment: env) }
        XCTAssertTrue(ids.allSatisfy(isMinted), "\(ids)")
        // 60 ids over 22 first letters: some letter starts several, some shard holds one alone.
        let byFirst = Dictionary(grouping: ids) { String($0.prefix(3)) }
        let (shared, several) = try XCTUnwrap(byFirst.first { $0.value.count >= 2 })
        let ambiguous = run(["contact", "show", shared])
        XCTAssertEqual(ambiguous.status, 64, ambiguous.stderr)
        for id in several { XCTAssertTrue(ambiguous.stderr.contains(id), "\(id) not listed: \(ambiguous.stderr)") }
        let single = try XCTUnwrap(ids.first { id in ids.filter { $0.hasPrefix(id.prefix(4)) }.count == 1 })
        XCTAssertEqual(run(["-q", "contact", "show", String(single.prefix(4))]).stdout, single + "\n", "a unique prefix resolves")
        XCTAssertEqual(run(["-q", "contact", "show", single.uppercased()]).stdout, single + "\n", "ids are typed in any case")
        let missing = run(["contact", "show", "ctzzzzzz"])
        XCTAssertEqual(missing.status, 66, missing.stderr)
        XCTAssertEqual(run(["contact", "show", "ct999"]).status, 66, "a sequential id that was never issued is not found")
    }

    /// Human output shows each minted id at its shortest unambiguous length, at least 6
    /// characters after the prefix, and every id shown resolves back to its record; JSON and
    /// -q keep ids whole.
    func testShortIdsShownInTablesResolveToTheirRecords() throws {
        _ = try requiredTool("git")
        let (dir, ids) = sharedInbox(contacts: 60)
        let env = Inbox.baseEnvironment(now: start)
        func run(_ args: [String]) -> InboxResult { Inbox.run(["--repo", "r"] + args, in: dir.path, environment: env) }
        let table = run(["contact", "list", "--limit", "1000"]).stdout.split(separator: "\n").dropFirst()
        let shown = table.map { String($0.split(separator: " ").first!) }
        XCTAssertEqual(shown.count, ids.count)
        XCTAssertEqual(run(["--json", "contact", "list", "--limit", "1000"]).jsonLines().compactMap { $0["id"] as? String }, ids)
        for (short, full) in zip(shown, ids) {
            XCTAssertTrue(full.hasPrefix(short) && short.count >= 8 && short.count < full.count, "\(short) for \(full)")
            let unique = ids.filter { $0.hasPrefix(short) }
            XCTAssertEqual(unique, [full], "\(short) is ambiguous")
            // One character shorter is either the minimum or ambiguous: the shortest that works.
            if short.count > 8 { XCTAssertGreaterThan(ids.filter { $0.hasPrefix(short.dropLast()) }.count, 1, short) }
        }
        for short in shown.prefix(10) {
            XCTAssertEqual(run(["-q", "contact", "show", short]).stdout, ids[shown.firstIndex(of: short)!] + "\n")
        }
        // Completion offers whole ids, which begin with whatever prefix was typed.
        let offered = run(["__complete", "contacts"]).stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        XCTAssertEqual(Set(offered), Set(ids))
        let added = run(["contact", "add", "Zed Last"]).stdout
        XCTAssertNotNil(added.range(of: #"^Added contact ct[a-z][0-9a-z]{5,11} Zed Last\n$"#, options: .regularExpression), added)
    }

    /// fsck knows minted ids: each in the shard its first two characters name, in order, once.
    func testFsckFindsAMintedIdInTheWrongShardOrTwice() throws {
        _ = try requiredTool("git")
        let (dir, ids) = sharedInbox(contacts: 3)
        let env = Inbox.baseEnvironment(now: start)
        XCTAssertEqual(Inbox.run(["--repo", "r", "fsck"], in: dir.path, environment: env).status, 0)
        let store = dir.file("r/.inbox/contacts/")
        let id = ids[0]
        let home = store + id.dropFirst(2).prefix(2) + ".jsonl"
        let original = try String(contentsOfFile: home, encoding: .utf8)
        let line = try XCTUnwrap(original.split(separator: "\n").first { $0.contains(id) })
        // Moved to another shard: reported where it belongs (fsck shows ids short, as tables do).
        let stray = store + (id.dropFirst(2).prefix(1) == "z" ? "y0" : "z0") + ".jsonl"
        try (line + "\n").write(toFile: stray, atomically: false, encoding: .utf8)
        try original.replacingOccurrences(of: line + "\n", with: "").write(toFile: home, atomically: false, encoding: .utf8)
        let moved = Inbox.run(["--repo", "r", "fsck"], in: dir.path, environment: env)
        XCTAssertEqual(moved.status, 65, moved.stdout + moved.stderr)
        XCTAssertNotNil((moved.stdout + moved.stderr).range(of: "contact \(id.prefix(8))[0-9a-z]* belongs in contacts/\(id.dropFirst(2).prefix(2)).jsonl", options: .regularExpression),
                        moved.stdout + moved.stderr)
        try FileManager.default.removeItem(atPath: stray)
        // Twice in its shard.
        try (original + line + "\n").write(toFile: home, atomically: false, encoding: .utf8)
        let twice = Inbox.run(["--repo", "r", "fsck"], in: dir.path, environment: env)
        XCTAssertEqual(twice.status, 65, twice.stdout + twice.stderr)
        XCTAssertNotNil((twice.stdout + twice.stderr).range(of: "duplicate contact id \(id.prefix(8))", options: .regularExpression), twice.stdout + twice.stderr)
        try original.write(toFile: home, atomically: false, encoding: .utf8)
        // A minted-looking id with a letter the alphabet leaves out (i) is no id at all.
        let bad = "cti" + id.dropFirst(3)
        try (line.replacingOccurrences(of: id, with: bad) + "\n").write(toFile: store + "0000.jsonl", atomically: false, encoding: .utf8)
        let malformed = Inbox.run(["--repo", "r", "fsck"], in: dir.path, environment: env)
        XCTAssertEqual(malformed.status, 65)
        XCTAssertTrue((malformed.stdout + malformed.stderr).contains("0000.jsonl:1:"), malformed.stdout + malformed.stderr)
    }
}
