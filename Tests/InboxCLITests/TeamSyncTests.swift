import Foundation
import XCTest

/// Issue 14: a team shares one inbox through git. Three clones of one bare remote make
/// conflicting offline changes, sync in different orders, and must end byte-identical, fsck
/// clean, with every change kept or resolved by the documented rule and each message delivered
/// once. Records added offline on several clones: MintedIDTests.
final class TeamSyncTests: XCTestCase {
    let start = "2026-11-30T09:00:00Z"

    /// A shared inbox on clone a (delivery host, with a logging hook), cloned to b and c:
    /// contact ct1 (tagged old), conversation cv1 open, cv2 closed, ms1 scheduled for 10:00.
    func makeTeam() throws -> Team {
        _ = try requiredTool("git")
        let team = Team()
        team.create("a", now: start)
        let a = { (args: [String]) in team.inbox("a", args, now: self.start) }
        a(["user", "add", "alice", "--role", "admin"])
        a(["user", "add", "bob"])
        a(["user", "add", "carol"])
        team.add("ct1", "a", ["contact", "add", "Ann Lee", "--phone", "+12125550100", "--tag", "old"], now: start)
        team.add("cv1", "a", ["conversation", "create", "--contact", "ct1", "--channel", "sms", "--subject", "Return"], now: start)
        team.add("cv2", "a", ["conversation", "create", "--contact", "ct1", "--channel", "email", "--subject", "Old"], now: start)
        a(["conversation", "close", "cv2"])
        a(["config", "set", "sms.from", "+12125550199"])
        team.add("ms1", "a", ["message", "schedule", "cv1", "Your return is ready", "--at", "2026-11-30T10:00:00Z"], now: start)
        a(["config", "set", "delivery.host", "host-a"])
        try FileManager.default.createDirectory(atPath: team.path("a") + "/.inbox/hooks", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: team.path("a") + "/.inbox/hooks/deliver",
                                       contents: Data("#!/bin/sh\ncat >/dev/null\necho \"$INBOX_MESSAGE_ID\" >> \"$DELIVERY_LOG\"\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        a(["hook", "trust"])
        team.sync("a", now: start)
        team.join("b", now: start)
        team.join("c", now: start)
        return team
    }

    /// The offline day: a (the delivery host) tags, reopens and assigns cv2 and flushes ms1
    /// through the hook; b retags, edits the company, closes cv1 and edits ms1; c sets a
    /// disposition, assigns cv2 later than a did, and cancels ms1.
    func workOffline(_ team: Team) {
        team.inbox("a", ["contact", "tag", "ct1", "--add", "vip"], now: "2026-11-30T09:10:00Z")
        team.inbox("a", ["conversation", "reopen", "cv2"], now: "2026-11-30T09:05:00Z")
        team.inbox("a", ["conversation", "assign", "cv2", "alice"], now: "2026-11-30T09:10:00Z")
        team.inbox("b", ["contact", "tag", "ct1", "--add", "lead", "--remove", "old"], now: "2026-11-30T09:20:00Z", user: "bob")
        team.inbox("b", ["contact", "edit", "ct1", "--company", "Acme"], now: "2026-11-30T09:21:00Z", user: "bob")
        team.inbox("b", ["conversation", "close", "cv1"], now: "2026-11-30T09:22:00Z", user: "bob")
        team.inbox("b", ["message", "edit", "ms1", "Your return is ready, come by"], now: "2026-11-30T09:23:00Z", user: "bob")
        team.inbox("c", ["contact", "edit", "ct1", "--disposition", "Callback"], now: "2026-11-30T09:30:00Z", user: "carol")
        team.inbox("c", ["conversation", "assign", "cv2", "bob"], now: "2026-11-30T09:31:00Z", user: "carol")
        team.inbox("c", ["message", "cancel", "ms1"], now: "2026-11-30T09:32:00Z", user: "carol")
        // Only the delivery host flushes; c is refused, naming the host.
        let refused = team.inbox("c", ["message", "flush"], now: "2026-11-30T10:01:00Z", user: "carol", expect: 1)
        XCTAssertTrue(refused.stderr.contains("host-a"), refused.stderr)
        team.inbox("a", ["message", "flush"], now: "2026-11-30T10:01:00Z")
    }

    func checkOutcome(_ team: Team) throws {
        let now = "2026-11-30T11:00:00Z"
        assertConverged(team, ["a", "b", "c"], now: now)
        let contact = try XCTUnwrap(team.inbox("b", ["contact", "show", "ct1", "--json"], now: now).jsonLines().first)
        XCTAssertEqual((contact["tags"] as? [String])?.sorted(), ["lead", "vip"])  // sets: old removed by b, vip and lead added
        XCTAssertEqual(contact["company"] as? String, "Acme")
        XCTAssertEqual(contact["disposition"] as? String, "Callback")
        let conversations = team.inbox("c", ["conversation", "list", "--status", "all", "--json"], now: now).jsonLines()
        let cv1 = try XCTUnwrap(conversations.first { $0["id"] as? String == team.ids["cv1"] })
        let cv2 = try XCTUnwrap(conversations.first { $0["id"] as? String == team.ids["cv2"] })
        XCTAssertEqual(cv1["status"] as? String, "closed")  // only b changed the status
        XCTAssertEqual(cv2["status"] as? String, "open")    // only a changed it (reopened)
        XCTAssertEqual(cv2["assignee"] as? String, "bob")   // both assigned: c's later change (updated_at) wins
        let message = try XCTUnwrap(team.inbox("a", ["message", "show", "ms1", "--json"], now: now).jsonLines().first)
        XCTAssertEqual(message["state"] as? String, "sent")  // sent beats the edit and the cancel
        XCTAssertEqual(message["text"] as? String, "Your return is ready")
        let error = message["error"] as? String ?? ""
        XCTAssertTrue(error.contains("refused"), "the edit/cancel is recorded as refused: \(error)")
        XCTAssertEqual(team.deliveries(), [team.ids["ms1"]!])
        // Nothing is left to deliver anywhere, and a second flush on the host sends nothing.
        team.inbox("a", ["message", "flush"], now: "2026-11-30T11:00:00Z")
        XCTAssertEqual(team.deliveries(), [team.ids["ms1"]!])
    }

    func testConflictingOfflineChangesConvergeSyncingBThenAThenC() throws {
        let team = try makeTeam()
        workOffline(team)
        for clone in ["b", "a", "c", "b", "a"] { team.sync(clone, now: "2026-11-30T10:30:00Z") }
        try checkOutcome(team)
    }

    func testConflictingOfflineChangesConvergeSyncingCThenBThenA() throws {
        let team = try makeTeam()
        workOffline(team)
        for clone in ["c", "b", "a", "c", "b"] { team.sync(clone, now: "2026-11-30T10:30:00Z") }
        try checkOutcome(team)
    }

    func testTheDeliveryHostSyncingFirstStillKeepsTheMessageSentOnce() throws {
        let team = try makeTeam()
        workOffline(team)
        for clone in ["a", "c", "b", "a", "c"] { team.sync(clone, now: "2026-11-30T10:30:00Z") }
        try checkOutcome(team)
    }

    func testSyncStatusCountsAheadAndBehind() throws {
        let team = try makeTeam()
        team.inbox("a", ["contact", "tag", "ct1", "--add", "vip"], now: "2026-11-30T09:10:00Z")
        team.sync("a", now: "2026-11-30T09:11:00Z")
        team.inbox("b", ["contact", "edit", "ct1", "--company", "Acme"], now: "2026-11-30T09:12:00Z", user: "bob")
        let status = try XCTUnwrap(team.inbox("b", ["sync", "--status", "--json"], now: "2026-11-30T09:13:00Z").jsonLines().first)
        XCTAssertEqual(status["behind"] as? Int, 1)
        XCTAssertEqual(status["ahead"] as? Int, 0)
        XCTAssertEqual(status["uncommitted"] as? Int, 1)
        team.sync("b", now: "2026-11-30T09:14:00Z")
        let after = try XCTUnwrap(team.inbox("b", ["sync", "--status", "--json"], now: "2026-11-30T09:15:00Z").jsonLines().first)
        XCTAssertEqual(after["ahead"] as? Int, 0)
        XCTAssertEqual(after["behind"] as? Int, 0)
        XCTAssertEqual(after["uncommitted"] as? Int, 0)
    }

    func testSyncWithoutARemoteOrWithoutGitSaysSo() throws {
        _ = try requiredTool("git")
        let team = Team()
        team.create("a", now: start)
        Team.git(["-C", team.path("a"), "remote", "remove", "origin"], in: team.dir.path)
        let noRemote = team.inbox("a", ["sync"], now: start, expect: 1)
        XCTAssertTrue(noRemote.stderr.contains("remote add origin URL"), noRemote.stderr)
        var env = team.environment("a", now: start)
        env["PATH"] = "/nonexistent"
        let noGit = Inbox.run(["sync"], in: team.path("a"), environment: env)
        XCTAssertEqual(noGit.status, 1, noGit.stderr)
        XCTAssertTrue(noGit.stderr.contains("git is not installed"), noGit.stderr)
        let plain = makeRepository()
        let notShared = inbox("sync", in: plain, expect: 1)
        XCTAssertTrue(notShared.stderr.contains("inbox sync init"), notShared.stderr)
    }

    func testSyncInitWritesIgnoreAttributesAndDriver() throws {
        _ = try requiredTool("git")
        let team = Team()
        team.create("a", now: start)
        let ignore = try String(contentsOfFile: team.path("a") + "/.inbox/.gitignore", encoding: .utf8)
        for path in ["/index/", "/tmp/", "/journal", "/flush.lock", "/outcomes/", "/sequences.jsonl"] {
            XCTAssertTrue(ignore.split(separator: "\n").contains(Substring(path)), "\(path) not ignored:\n\(ignore)")
        }
        XCTAssertEqual(try String(contentsOfFile: team.path("a") + "/.inbox/.gitattributes", encoding: .utf8).split(separator: "\n").last, "*.jsonl merge=inbox")
        let driver = Team.git(["-C", team.path("a"), "config", "merge.inbox.driver"], in: team.dir.path).stdout
        XCTAssertTrue(driver.hasSuffix(" merge-file %O %A %B %P\n"), driver)
        XCTAssertEqual(team.untracked("a"), [])
        team.inbox("a", ["fsck"], now: start)
        // Running it again changes nothing.
        let again = team.inbox("a", ["sync", "init"], now: start)
        XCTAssertEqual(again.stdout, "Already shared; nothing changed\n")
    }

    /// Clones mint ids that cannot collide, but a clone copied whole (`cp -r`, clone id and
    /// counters included) mints the same ids as its original. The merge must refuse to pick
    /// one silently: exit 65 naming the id, nothing merged.
    func testSameIdAddedOnTwoClonesIsReportedNotDropped() throws {
        let team = try makeTeam()
        let clone = team.path("a") + "/.inbox/clone-id"
        let counters = team.path("a") + "/.inbox/sequences.jsonl"
        for file in [clone, counters] {
            let copy = file.replacingOccurrences(of: team.path("a"), with: team.path("b"))
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: file, toPath: copy)
        }
        let one = team.add("one", "a", ["contact", "add", "Bea One"], now: "2026-11-30T09:10:00Z")
        let two = team.add("two", "b", ["contact", "add", "Cid Two"], now: "2026-11-30T09:10:00Z", user: "bob")
        XCTAssertEqual(one, two, "a copied clone id mints the same ids")
        team.sync("a", now: "2026-11-30T09:20:00Z")
        let result = team.inbox("b", ["sync"], now: "2026-11-30T09:21:00Z", user: "bob", expect: 65)
        XCTAssertTrue(result.stderr.contains(one), result.stderr)
        XCTAssertTrue(result.stderr.contains("added on both sides"), result.stderr)
        // b keeps its own contact, committed, and no conflict markers anywhere.
        let shard = try String(contentsOfFile: team.path("b") + "/.inbox/contacts/" + one.dropFirst(2).prefix(2) + ".jsonl", encoding: .utf8)
        XCTAssertTrue(shard.contains("Cid"))
        XCTAssertFalse(shard.contains("<<<<<<<"))
        team.inbox("b", ["fsck"], now: "2026-11-30T09:22:00Z", user: "bob")
    }
}
