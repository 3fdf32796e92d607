import Foundation
import XCTest

/// A clone's derived data after plain git commands (issue 14 item 2), and the one delivery host
/// (item 5).
final class SharedCloneTests: XCTestCase {
    let start = "2026-11-30T09:00:00Z"

    func makeTeam() throws -> Team {
        _ = try requiredTool("git")
        let team = Team()
        team.create("a", now: start)
        team.inbox("a", ["user", "add", "alice", "--role", "admin"], now: start)
        team.add("ct1", "a", ["contact", "add", "Ann Lee", "--phone", "+12125550100"], now: start)
        team.sync("a", now: start)
        return team
    }

    /// A fresh `git clone` (no `inbox sync init`, no index/) and a plain `git pull`: the next
    /// inbox command rebuilds the index and raises the id counters, so fsck is clean and the
    /// next contact gets a new id.
    func testDerivedDataIsRebuiltAfterAPlainCloneAndPull() throws {
        let team = try makeTeam()
        XCTAssertEqual(Team.git(["clone", "-q", team.remote, "b"], in: team.dir.path).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: team.path("b") + "/.inbox/index"))
        team.inbox("b", ["fsck"], now: start)
        let bea = team.add("ct2", "a", ["contact", "add", "Bea Two", "--phone", "+12125550101"], now: "2026-11-30T09:10:00Z")
        team.sync("a", now: "2026-11-30T09:10:00Z")
        let pulled = Team.git(["-C", team.path("b"), "pull", "-q", "--no-rebase", "origin", "main"], in: team.dir.path)
        XCTAssertEqual(pulled.status, 0, pulled.stderr)
        team.inbox("b", ["fsck"], now: "2026-11-30T09:11:00Z")
        // The address index knows the pulled contact: a message from her number finds her.
        let received = team.inbox("b", ["message", "receive", "Hi", "--from", "+12125550101", "--channel", "sms", "--json"],
                                  now: "2026-11-30T09:12:00Z").jsonLines()
        XCTAssertEqual(received.first?["contact"] as? String, bea)
        let added = team.add("ct3", "b", ["contact", "add", "Cid Three"], now: "2026-11-30T09:13:00Z")
        XCTAssertFalse([team.ids["ct1"], bea].contains(added), "the next contact gets a new id")
    }

    func testOnlyTheDeliveryHostFlushesOrSendsThroughTheHook() throws {
        let team = try makeTeam()
        let a = { (args: [String], status: Int32, host: String) -> InboxResult in
            var env = team.environment("a", now: "2026-11-30T10:01:00Z")
            env["INBOX_HOST"] = host
            let result = Inbox.run(args.map { team.ids[$0] ?? $0 }, in: team.path("a"), environment: env)
            XCTAssertEqual(result.status, status, "inbox \(args.joined(separator: " ")) on \(host): \(result.stderr)")
            return result
        }
        _ = a(["config", "set", "sms.from", "+12125550199"], 0, "office")
        team.ids["cv1"] = a(["-q", "conversation", "create", "--contact", "ct1", "--channel", "sms"], 0, "office").stdout.trimmingCharacters(in: .newlines)
        // Unset: any machine delivers, as before.
        _ = a(["message", "send", "cv1", "Before"], 0, "laptop")
        _ = a(["config", "set", "delivery.host", "bad host!"], 64, "office")
        _ = a(["config", "set", "delivery.host", "office"], 0, "office")
        XCTAssertEqual(a(["config", "get", "delivery.host"], 0, "laptop").stdout, "office\n")
        let later = a(["-q", "--now", "2026-11-30T09:00:00Z", "message", "schedule", "cv1", "Later", "--at", "2026-11-30T09:30:00Z"], 0, "laptop").stdout
        let before = recordFiles(team.path("a"))
        let flush = a(["message", "flush"], 1, "laptop")
        XCTAssertTrue(flush.stderr.contains("delivery.host is 'office'") && flush.stderr.contains("'laptop'"), flush.stderr)
        // With a hook, a send from the laptop would run it: refused, nothing written.
        try FileManager.default.createDirectory(atPath: team.path("a") + "/.inbox/hooks", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: team.path("a") + "/.inbox/hooks/deliver",
                                       contents: Data("#!/bin/sh\ncat >/dev/null\necho \"$INBOX_MESSAGE_ID\" >> \"$DELIVERY_LOG\"\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        _ = a(["hook", "trust"], 0, "laptop")
        let send = a(["message", "send", "cv1", "Now"], 1, "laptop")
        XCTAssertTrue(send.stderr.contains("office"), send.stderr)
        let close = a(["conversation", "close", "cv1", "--message", "Bye"], 1, "laptop")
        XCTAssertTrue(close.stderr.contains("office"), close.stderr)
        var after = recordFiles(team.path("a"))
        after["hooks/deliver"] = nil
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted())
        for (name, bytes) in before where !name.hasPrefix("index/") { XCTAssertEqual(after[name], bytes, name) }
        // A note runs no hook and is allowed anywhere; the delivery host flushes.
        _ = a(["message", "send", "cv1", "Called her", "--note"], 0, "laptop")
        XCTAssertEqual(a(["message", "flush", "-q"], 0, "office").stdout, later)
        XCTAssertEqual(team.deliveries().map { $0 + "\n" }, [later])
    }

    /// Someone pushes between our fetch and our push: git rejects ours, and sync fetches, merges
    /// and pushes again. A `git` wrapper first on the PATH makes clone c sync just before b's
    /// first push.
    func testARejectedPushIsFetchedMergedAndRetried() throws {
        let git = try requiredTool("git")
        let team = try makeTeam()
        team.join("b", now: start)
        team.join("c", now: start)
        team.inbox("b", ["contact", "tag", "ct1", "--add", "vip"], now: "2026-11-30T09:10:00Z")
        team.inbox("c", ["contact", "edit", "ct1", "--company", "Acme"], now: "2026-11-30T09:11:00Z")
        let bin = team.dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let wrapper = """
            #!/bin/sh
            if [ "$3" = push ] && [ ! -e "$RACE_DONE" ]; then
              touch "$RACE_DONE"
              inbox --repo "$RACE_CLONE" sync >/dev/null 2>&1 || echo "race sync failed" >&2
            fi
            exec \(git) "$@"
            """
        FileManager.default.createFile(atPath: bin + "/git", contents: Data(wrapper.utf8), attributes: [.posixPermissions: 0o755])
        var env = team.environment("b", now: "2026-11-30T09:12:00Z")
        env["PATH"] = bin + ":" + URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        env["RACE_DONE"] = team.dir.file("race-done")
        env["RACE_CLONE"] = team.path("c")
        let result = Inbox.run(["sync"], in: team.path("b"), environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: team.dir.file("race-done")), "the wrapper never ran")
        XCTAssertTrue(result.stderr.contains("1 push was rejected and retried"), result.stderr)
        team.sync("c", now: "2026-11-30T09:13:00Z")
        team.sync("a", now: "2026-11-30T09:13:00Z")
        assertConverged(team, ["a", "b", "c"], now: "2026-11-30T09:14:00Z")
        let contact = try XCTUnwrap(team.inbox("a", ["contact", "show", "ct1", "--json"], now: "2026-11-30T09:14:00Z").jsonLines().first)
        XCTAssertEqual(contact["tags"] as? [String], ["vip"])
        XCTAssertEqual(contact["company"] as? String, "Acme")
    }

    private func recordFiles(_ root: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let store = root + "/.inbox"
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: store)) ?? [] {
            if path == "journal" || path.hasPrefix("tmp") || path.hasSuffix(".lock") || path.hasPrefix("outcomes") { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: store + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: store + "/" + path)
            }
        }
        return files
    }
}
