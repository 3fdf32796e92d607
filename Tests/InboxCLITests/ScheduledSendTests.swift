import Foundation
import XCTest

/// Send-later and the cron flush (DESIGN §3), with a delivery hook that logs every delivery.
final class ScheduledSendTests: XCTestCase {
    let start = "2026-11-21T10:00:00Z"
    let later = "2026-11-21T12:00:00Z"

    func env(_ now: String, tz: String = "UTC") -> [String: String] {
        var env = Inbox.baseEnvironment(now: now)
        env["TZ"] = tz
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        return env
    }

    /// A repository with one SMS conversation and a hook that appends each INBOX_MESSAGE_ID to
    /// delivered.log; it fails while a file named `fail` exists, and hangs while `hang` exists.
    func repositoryWithHook() throws -> TempDirectory {
        let repo = makeRepository()
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/hooks"), withIntermediateDirectories: true)
        let hook = repo.file(".inbox/hooks/deliver")
        try """
            #!/bin/sh
            [ -e "$INBOX_REPO/fail" ] && exit 7
            echo "$INBOX_MESSAGE_ID" >> "$INBOX_REPO/delivered.log"
            if [ -e "$INBOX_REPO/hang" ]; then echo $$ > "$INBOX_REPO/hook.pid"; exec sleep 60; fi
            exit 0
            """.write(toFile: hook, atomically: false, encoding: .utf8)
        chmod(hook, 0o755)
        inbox("hook", "trust", in: repo)
        return repo
    }

    func delivered(_ repo: TempDirectory) -> [String] {
        (try? String(contentsOfFile: repo.file("delivered.log"), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    func state(_ id: String, _ repo: TempDirectory) -> [String: Any] {
        inbox("--json", "message", "show", id, in: repo).jsonLines().first ?? [:]
    }

    func testFourFlushesAtOnceDeliverEachOfAThousandDueMessagesExactlyOnce() throws {
        let repo = try repositoryWithHook()
        let scheduled = Inbox.shell("i=0; while [ $i -lt 1000 ]; do i=$((i+1)); inbox message schedule cv1 \"Reminder $i\" --at +1h -q >/dev/null || exit 1; done",
                                    in: repo.path, environment: env(start))
        XCTAssertEqual(scheduled.status, 0, scheduled.stderr)
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines.count, 1000)

        let group = DispatchGroup()
        let results = FlushResults()
        for _ in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                results.add(Inbox.run(["message", "flush"], in: repo.path, environment: self.env(self.later)))
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(results.all.map(\.status), [0, 0, 0, 0], results.all.map(\.stderr).joined())
        XCTAssertTrue(results.all.contains { $0.stderr.contains("another flush is running") }, "only one flush ran at a time")
        // Whatever was left for later flushes goes out once too.
        var extraFlushes = 0
        while !inbox("message", "flush", in: repo, environment: env(later)).stderr.contains("flush: 0 sent") {
            extraFlushes += 1
            guard extraFlushes < 5 else { XCTFail("five more flushes still found messages to send"); break }
        }
        let log = delivered(repo)
        XCTAssertEqual(log.count, 1000, "no message delivered twice or skipped")
        XCTAssertEqual(Set(log), Set((1...1000).map { "ms\($0)" }))
        XCTAssertEqual(inbox("message", "list", "--state", "sent", "-q", in: repo).lines.count, 1000)
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines, [])
        inbox("fsck", in: repo)
    }

    func testAFailedDeliveryIsRetriedByALaterFlushAfterABackoffUpToTheLimit() throws {
        let repo = try repositoryWithHook()
        inbox("config", "set", "delivery.max_attempts", "3", in: repo)
        inbox("message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo, environment: env(start))
        FileManager.default.createFile(atPath: repo.file("fail"), contents: Data())
        let first = inbox("message", "flush", in: repo, expect: 69, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(first.stderr.contains("1 failed"), first.stderr)
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "failed")
        XCTAssertEqual(state("ms1", repo)["error"] as? String, "delivery hook exited 7")
        XCTAssertEqual(state("ms1", repo)["retry_at"] as? String, "2026-11-21T12:01:00Z", "the first retry waits a minute")
        // Awaiting its retry, it is still pending, shown with the retry time.
        let pending = inbox("message", "list", "--scheduled", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(pending.stdout.contains("ms1") && pending.stdout.contains("retry 2026-11-21 12:01"), pending.stdout)
        try FileManager.default.removeItem(atPath: repo.file("fail"))
        // A flush before the backoff has passed leaves it alone.
        let early = inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:30Z"))
        XCTAssertTrue(early.stderr.contains("flush: 0 sent, 0 failed"), early.stderr)
        XCTAssertEqual(delivered(repo), [])
        inbox("message", "flush", in: repo, environment: env("2026-11-21T12:01:00Z"))
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "sent")
        XCTAssertEqual(state("ms1", repo)["attempts"] as? Int, 2)
        XCTAssertNil(state("ms1", repo)["retry_at"], "a sent message keeps no retry time")
        XCTAssertEqual(delivered(repo), ["ms1"])

        // 1 minute, then 5, then past the limit it stays failed.
        inbox("message", "schedule", "cv1", "Another", "--at", "+1h", in: repo, environment: env(start))
        FileManager.default.createFile(atPath: repo.file("fail"), contents: Data())
        inbox("message", "flush", in: repo, expect: 69, environment: env("2026-11-21T13:00:00Z"))
        XCTAssertEqual(state("ms2", repo)["retry_at"] as? String, "2026-11-21T13:01:00Z")
        inbox("message", "flush", in: repo, expect: 69, environment: env("2026-11-21T13:01:00Z"))
        XCTAssertEqual(state("ms2", repo)["retry_at"] as? String, "2026-11-21T13:06:00Z", "the second retry waits 5 minutes")
        XCTAssertTrue(inbox("message", "flush", in: repo, environment: env("2026-11-21T13:05:59Z")).stderr.contains("0 failed"))
        inbox("message", "flush", in: repo, expect: 69, environment: env("2026-11-21T13:06:00Z"))
        XCTAssertTrue(inbox("message", "flush", in: repo, environment: env("2026-11-22T13:00:00Z")).stderr.contains("0 failed"))
        XCTAssertEqual(state("ms2", repo)["attempts"] as? Int, 3)
        XCTAssertEqual(state("ms2", repo)["state"] as? String, "failed")
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines, [], "out of attempts: no longer pending")
        inbox("fsck", in: repo)
    }

    func testAFlushKilledWhileItsHookRunsLeavesTheMessageInDoubtAndNeverResendsIt() throws {
        let repo = try repositoryWithHook()
        inbox("message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo, environment: env(start))
        FileManager.default.createFile(atPath: repo.file("hang"), contents: Data())
        let flush = Process()
        flush.executableURL = URL(fileURLWithPath: Inbox.binary)
        flush.arguments = ["message", "flush"]
        flush.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        flush.environment = env(later)
        flush.standardOutput = FileHandle.nullDevice
        flush.standardError = FileHandle.nullDevice
        try flush.run()
        let deadline = Date().addingTimeInterval(20)
        func hookPID() -> Int32? {
            Int32((try? String(contentsOfFile: repo.file("hook.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        }
        while hookPID() == nil && Date() < deadline { usleep(20_000) }
        XCTAssertNotNil(hookPID(), "the hook never started within 20 seconds")
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "sending", "marked sending before the hook ran")
        kill(flush.processIdentifier, SIGKILL)
        // The orphaned hook goes too (Foundation waits for it before it reaps the flush).
        if let pid = hookPID() { kill(pid, SIGKILL) }
        flush.waitUntilExit()
        try FileManager.default.removeItem(atPath: repo.file("hang"))

        let next = inbox("message", "flush", in: repo, environment: env(later))
        XCTAssertTrue(next.stderr.contains("1 in-doubt"), next.stderr)
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "in-doubt")
        for _ in 0..<3 { inbox("message", "flush", in: repo, environment: env(later)) }
        XCTAssertEqual(delivered(repo), ["ms1"], "later flushes never deliver it again")
        // On purpose, it goes again, under the same id.
        inbox("message", "send", "--retry", "ms1", in: repo, environment: env(later))
        XCTAssertEqual(delivered(repo), ["ms1", "ms1"])
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "sent")
        inbox("fsck", in: repo)
    }

    func testDoNotContactSetAfterSchedulingBlocksTheSend() throws {
        let repo = try repositoryWithHook()
        inbox("message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo, environment: env(start))
        inbox("contact", "dnd", "ct1", "--on", "sms", in: repo)
        let flush = inbox("message", "flush", in: repo, environment: env(later))
        XCTAssertTrue(flush.stderr.contains("1 blocked"), flush.stderr)
        XCTAssertEqual(state("ms1", repo)["state"] as? String, "blocked")
        XCTAssertTrue((state("ms1", repo)["error"] as? String ?? "").contains("do-not-contact"))
        XCTAssertEqual(delivered(repo), [])
    }

    func testCancelAndEditWorkOnlyWhileScheduled() throws {
        let repo = try repositoryWithHook()
        inbox("message", "schedule", "cv1", "First", "--at", "+1h", in: repo, environment: env(start))
        inbox("message", "schedule", "cv1", "Second", "--at", "+3h", in: repo, environment: env(start))
        inbox("message", "edit", "ms2", "Second, edited", "--at", "+90m", in: repo, environment: env(start))
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines, ["ms1", "ms2"], "soonest first")
        inbox("message", "flush", in: repo, environment: env(later))
        XCTAssertEqual(delivered(repo), ["ms1", "ms2"])
        XCTAssertEqual(state("ms2", repo)["text"] as? String, "Second, edited")
        let cancel = inbox("message", "cancel", "ms1", in: repo, expect: 1)
        XCTAssertTrue(cancel.stderr.contains("ms1 is sent"), cancel.stderr)
        let edit = inbox("message", "edit", "ms2", "--at", "+5h", in: repo, expect: 1, environment: env(later))
        XCTAssertTrue(edit.stderr.contains("ms2 is sent"), edit.stderr)
        inbox("message", "schedule", "cv1", "Third", "--at", "+1h", in: repo, environment: env(start))
        inbox("message", "cancel", "ms3", in: repo)
        inbox("message", "flush", in: repo, environment: env(later))
        XCTAssertEqual(delivered(repo), ["ms1", "ms2"], "a cancelled message is not sent")
        inbox("message", "schedule", "cv1", "Past", "--at", "2026-11-21T09:00", in: repo, expect: 64, environment: env(start))
    }

    func testTimeFormsResolveAsDocumentedAcrossADaylightSavingChange() {
        let dir = TempDirectory()
        // Saturday 2026-10-31 10:00 in New York (EDT, UTC-4); DST ends Sunday 2026-11-01 at 02:00.
        let now = env("2026-10-31T14:00:00Z", tz: "America/New_York")
        func resolve(_ text: String) -> String {
            let result = Inbox.run(["-q", "date", text], in: dir.path, environment: now)
            XCTAssertEqual(result.status, 0, "\(text): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(resolve("now"), "2026-10-31T14:00:00Z")
        XCTAssertEqual(resolve("+30m"), "2026-10-31T14:30:00Z")
        XCTAssertEqual(resolve("+2h"), "2026-10-31T16:00:00Z")
        XCTAssertEqual(resolve("+3d"), "2026-11-03T15:00:00Z", "three calendar days later, still 10:00 local, now EST")
        XCTAssertEqual(resolve("today 17:00"), "2026-10-31T21:00:00Z")
        XCTAssertEqual(resolve("tomorrow 9:00"), "2026-11-01T14:00:00Z", "9:00 EST, after the change")
        XCTAssertEqual(resolve("mon 9:00"), "2026-11-02T14:00:00Z")
        XCTAssertEqual(resolve("sat 9:00"), "2026-11-07T14:00:00Z", "today's 9:00 has passed: next Saturday")
        XCTAssertEqual(resolve("2026-11-23T09:00"), "2026-11-23T14:00:00Z")
        XCTAssertEqual(resolve("2026-11-23T09:00Z"), "2026-11-23T09:00:00Z")
        XCTAssertEqual(resolve("2026-11-23T09:00+01:00"), "2026-11-23T08:00:00Z")
        for unclear in ["2026-11-01T01:30", "2026-03-08T02:30", "soon", "tomorrow", "+5y"] {
            let result = Inbox.run(["date", unclear], in: dir.path, environment: now)
            XCTAssertEqual(result.status, 64, unclear)
            XCTAssertTrue(result.stderr.contains("unclear time"), result.stderr)
        }
        // The confirmation of a scheduled send shows the resolved local time.
        let repo = makeRepository()
        inbox("contact", "add", "Ada", "--email", "ada@example.com", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "email", in: repo)
        let scheduled = inbox("message", "schedule", "cv1", "Hi", "--at", "tomorrow 9:00", in: repo, environment: now)
        XCTAssertTrue(scheduled.stdout.contains("2026-11-01 09:00"), scheduled.stdout)
    }
}

final class FlushResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [InboxResult] = []
    func add(_ result: InboxResult) { lock.lock(); results.append(result); lock.unlock() }
    var all: [InboxResult] { lock.lock(); defer { lock.unlock() }; return results }
}
