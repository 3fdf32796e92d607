import Foundation
import XCTest

/// Issue 10, items 2–6: who may deliver (trust), exactly-once reporting once a hook has run,
/// a hook that is not executable, a hook with no time limit, and retries that back off.
final class DeliverySafetyTests: XCTestCase {
    let now = "2026-11-21T10:00:00Z"

    func env(_ now: String = "2026-11-21T10:00:00Z") -> [String: String] {
        var env = Inbox.baseEnvironment(now: now)
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        return env
    }

    /// A repository with one SMS conversation and `script` as its hook (not yet trusted).
    func repository(hook script: String, executable: Bool = true) throws -> TempDirectory {
        let repo = makeRepository()
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/hooks"), withIntermediateDirectories: true)
        try ("#!/bin/sh\n" + script + "\n").write(toFile: repo.file(".inbox/hooks/deliver"), atomically: false, encoding: .utf8)
        chmod(repo.file(".inbox/hooks/deliver"), executable ? 0o755 : 0o644)
        return repo
    }

    /// The hook line that logs each delivery.
    let logDelivery = #"echo "$INBOX_MESSAGE_ID" >> "$INBOX_REPO/delivered.log""#

    func delivered(_ repo: TempDirectory) -> [String] {
        (try? String(contentsOfFile: repo.file("delivered.log"), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    func show(_ id: String, _ repo: TempDirectory) -> [String: Any] {
        inbox("--json", "message", "show", id, in: repo).jsonLines().first ?? [:]
    }

    /// A shell command that takes the repository's write lock, runs `body`, and lets it go. The one
    /// place tests know how the lock is taken: `flock` on the `.inbox` directory itself.
    static func holdingRepositoryLock(_ body: String) -> String {
        #"flock -x "$INBOX_REPO/.inbox" sh -c '\#(body)'"#
    }

    // MARK: 2. Trust

    func testAHookThatCameWithTheRepositoryRunsOnlyOnceTrustedOnThisMachine() throws {
        let repo = try repository(hook: logDelivery)
        let status = inbox("--json", "hook", "status", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(status["trust"] as? String, "untrusted")
        XCTAssertEqual(status["installed"] as? Bool, true)

        // send: refused, nothing recorded, the hook never ran.
        let send = inbox("message", "send", "cv1", "Hello", in: repo, expect: 1, environment: env())
        XCTAssertTrue(send.stderr.contains("inbox hook trust") && send.stderr.contains("not trusted"), send.stderr)
        XCTAssertEqual(inbox("message", "list", "-q", in: repo).lines, [], "the refused message is not recorded")
        // flush: refused, the message stays scheduled.
        inbox("message", "schedule", "cv1", "Later", "--at", "+1h", in: repo, environment: env())
        let flush = inbox("message", "flush", in: repo, expect: 1, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(flush.stderr.contains("inbox hook trust"), flush.stderr)
        XCTAssertEqual(show("ms1", repo)["state"] as? String, "scheduled")
        // close --message: refused before anything is closed.
        inbox("conversation", "close", "cv1", "--message", "Bye", in: repo, expect: 1, environment: env())
        XCTAssertEqual(inbox("--json", "conversation", "show", "cv1", in: repo).jsonLines().first?["status"] as? String, "open")
        XCTAssertEqual(delivered(repo), [], "an untrusted hook never runs")

        // Trusted: it runs. The record is outside the repository.
        let trust = inbox("-q", "hook", "trust", in: repo)
        let hash = trust.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(hash.count, 64, trust.stdout)
        let trusted = inbox("--json", "hook", "status", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(trusted["trust"] as? String, "trusted")
        XCTAssertEqual(trusted["sha256"] as? String, hash)
        let record = try XCTUnwrap(trusted["record"] as? String)
        XCTAssertFalse(record.hasPrefix(repo.path), "the trust record is not in the shared files: \(record)")
        XCTAssertEqual(try String(contentsOfFile: record, encoding: .utf8), hash + "\n")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: record)[.posixPermissions] as? Int, 0o600)
        inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertEqual(delivered(repo), ["ms1"])

        // A copy of the repository (a clone) is not trusted, though its hook is the same.
        let clone = TempDirectory()
        XCTAssertEqual(Inbox.shell("cp -a '\(repo.path)/.inbox' '\(clone.path)/.inbox'", in: clone.path).status, 0)
        XCTAssertEqual(inbox("--json", "hook", "status", in: clone).jsonLines().first?["trust"] as? String, "untrusted")
        inbox("message", "send", "cv1", "From the clone", in: clone, expect: 1, environment: env())

        // A changed hook is untrusted again.
        try ("#!/bin/sh\n" + logDelivery + "\necho changed\n").write(toFile: repo.file(".inbox/hooks/deliver"), atomically: false, encoding: .utf8)
        XCTAssertEqual(inbox("--json", "hook", "status", in: repo).jsonLines().first?["trust"] as? String, "changed")
        inbox("message", "send", "cv1", "Hello", in: repo, expect: 1, environment: env())
        XCTAssertEqual(delivered(repo), ["ms1"])
        inbox("hook", "trust", in: repo)
        inbox("message", "send", "cv1", "Hello", in: repo, environment: env())
        XCTAssertEqual(delivered(repo), ["ms1", "ms2"])
        inbox("hook", "untrust", in: repo)
        inbox("message", "send", "cv1", "Hello", in: repo, expect: 1, environment: env())

        // A symlinked hook is never hashed or run.
        try FileManager.default.removeItem(atPath: repo.file(".inbox/hooks/deliver"))
        try FileManager.default.createSymbolicLink(atPath: repo.file(".inbox/hooks/deliver"), withDestinationPath: "/bin/true")
        let symlinked = inbox("hook", "trust", in: repo, expect: 74)
        XCTAssertTrue(symlinked.stderr.contains(".inbox/hooks/deliver"), symlinked.stderr)
        // So is a symlinked hooks directory, and a send that would run it writes nothing.
        let elsewhere = TempDirectory()
        try ("#!/bin/sh\n" + logDelivery + "\n").write(toFile: elsewhere.file("deliver"), atomically: false, encoding: .utf8)
        chmod(elsewhere.file("deliver"), 0o755)
        try FileManager.default.removeItem(atPath: repo.file(".inbox/hooks"))
        try FileManager.default.createSymbolicLink(atPath: repo.file(".inbox/hooks"), withDestinationPath: elsewhere.path)
        XCTAssertTrue(inbox("hook", "trust", in: repo, expect: 74).stderr.contains(".inbox/hooks"))
        let before = inbox("message", "list", "-q", in: repo).lines
        inbox("message", "send", "cv1", "Hello", in: repo, expect: 74, environment: env())
        XCTAssertEqual(inbox("message", "list", "-q", in: repo).lines, before)
        XCTAssertEqual(delivered(repo), ["ms1", "ms2"])
        try FileManager.default.removeItem(atPath: repo.file(".inbox/hooks"))
        inbox("fsck", in: repo)
    }

    // MARK: 3. Once the hook has run, the outcome is kept

    func testAnOutcomeTheBusyRepositoryCannotRecordIsKeptAndNeverReportedAsTryAgain() throws {
        // After delivering, the hook leaves behind a process that holds the repository lock for
        // a second, so recording the outcome times out.
        let hold = Self.holdingRepositoryLock(#"touch "$INBOX_REPO/locked"; sleep 1.5; rm "$INBOX_REPO/locked""#)
        let repo = try repository(hook: """
            \(logDelivery)
            echo "provider-$INBOX_MESSAGE_ID"
            \(hold) </dev/null >/dev/null 2>&1 &
            while [ ! -e "$INBOX_REPO/locked" ]; do sleep 0.05; done
            """)
        inbox("hook", "trust", in: repo)
        func waitForTheLock() {
            let deadline = Date().addingTimeInterval(10)
            while FileManager.default.fileExists(atPath: repo.file("locked")) && Date() < deadline { usleep(50_000) }
            usleep(100_000)
        }

        let send = inbox("--lock-timeout", "0.2", "message", "send", "cv1", "Hello", in: repo, environment: env())
        XCTAssertTrue(send.stdout.contains("Sent ms1") && send.stdout.contains("busy"), send.stdout + send.stderr)
        waitForTheLock()
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo.file(".inbox/outcomes/ms1.json")))
        // The next writer records it: sent (not in-doubt, though the sending process is gone).
        let flush = inbox("message", "flush", in: repo, environment: env())
        XCTAssertTrue(flush.stderr.contains("0 in-doubt"), flush.stderr)
        XCTAssertEqual(show("ms1", repo)["state"] as? String, "sent")
        XCTAssertEqual(show("ms1", repo)["provider_id"] as? String, "provider-ms1")

        // conversation close --message: the same.
        let close = inbox("--lock-timeout", "0.2", "conversation", "close", "cv1", "--message", "Bye", in: repo, environment: env())
        XCTAssertTrue(close.stdout.contains("after sending ms2") && close.stdout.contains("busy"), close.stdout + close.stderr)
        waitForTheLock()
        inbox("message", "send", "--contact", "ct1", "--channel", "sms", "Next", in: repo, environment: env())
        waitForTheLock()
        XCTAssertEqual(show("ms2", repo)["state"] as? String, "sent")
        XCTAssertEqual(delivered(repo), ["ms1", "ms2", "ms3"], "each delivered once")
        inbox("message", "send", "cv2", "Last", in: repo, environment: env("2026-11-21T10:05:00Z"))
        waitForTheLock()
        inbox("message", "flush", in: repo, environment: env())
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/outcomes"))) ?? [], [],
                       "applied outcomes are removed by a later writer")
        inbox("fsck", in: repo)
    }

    func testAFlushThatCannotRecordAnOutcomeKeepsItAndLeavesTheRestForTheNextFlush() throws {
        let hold = Self.holdingRepositoryLock(#"touch "$INBOX_REPO/locked"; sleep 1.5; rm "$INBOX_REPO/locked""#)
        let repo = try repository(hook: """
            \(logDelivery)
            \(hold) </dev/null >/dev/null 2>&1 &
            while [ ! -e "$INBOX_REPO/locked" ]; do sleep 0.05; done
            """)
        inbox("hook", "trust", in: repo)
        inbox("message", "schedule", "cv1", "First", "--at", "+1h", in: repo, environment: env())
        inbox("message", "schedule", "cv1", "Second", "--at", "+1h", in: repo, environment: env())
        let flush = inbox("--lock-timeout", "0.2", "message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(flush.stderr.contains("ms1 is sent") && flush.stderr.contains("busy"), flush.stderr)
        XCTAssertEqual(delivered(repo), ["ms1"], "the flush stopped after the outcome it could not record")
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: repo.file("locked")) && Date() < deadline { usleep(50_000) }
        usleep(100_000)
        XCTAssertEqual(show("ms2", repo)["state"] as? String, "scheduled")
        let next = inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(next.stderr.contains("1 sent") && next.stderr.contains("0 in-doubt"), next.stderr)
        XCTAssertEqual(show("ms1", repo)["state"] as? String, "sent")
        XCTAssertEqual(show("ms2", repo)["state"] as? String, "sent")
        XCTAssertEqual(delivered(repo), ["ms1", "ms2"], "each delivered once")
    }

    // MARK: 4. A hook that is not executable

    func testAHookThatIsNotExecutableFailsTheDeliveryAndSaysHowToFixIt() throws {
        let repo = try repository(hook: logDelivery, executable: false)
        inbox("hook", "trust", in: repo)
        let send = inbox("message", "send", "cv1", "Hello", in: repo, expect: 69, environment: env())
        XCTAssertTrue(send.stderr.contains("chmod +x .inbox/hooks/deliver"), send.stderr)
        let message = show("ms1", repo)
        XCTAssertEqual(message["state"] as? String, "failed")
        XCTAssertTrue((message["error"] as? String ?? "").contains("chmod +x .inbox/hooks/deliver"))
        XCTAssertEqual(delivered(repo), [])
    }

    // MARK: 5. Time limit, pipes, a stuck flush

    func testAHookThatWritesALotBeforeReadingItsInputDoesNotDeadlock() throws {
        // 200 KB on stdout and on stderr before it reads a 70 KB message.
        let repo = try repository(hook: """
            yes provider-id | head -c 200000
            yes noise | head -c 200000 >&2
            cat > "$INBOX_REPO/input.json"
            \(logDelivery)
            """)
        inbox("hook", "trust", in: repo)
        let text = String(repeating: "a long letter ", count: 5000)
        // `timeout` stands in for a cron job that would otherwise hang for ever.
        let send = Inbox.shell("printf '%s' '\(text)' | timeout 20 inbox message send cv1 -", in: repo.path, environment: env())
        XCTAssertEqual(send.status, 0, send.stderr)
        XCTAssertEqual(show("ms1", repo)["state"] as? String, "sent")
        XCTAssertEqual(show("ms1", repo)["provider_id"] as? String, "provider-id")
        XCTAssertGreaterThan((try? FileManager.default.attributesOfItem(atPath: repo.file("input.json"))[.size] as? Int) ?? 0, 70_000)
    }

    func testAHookPastDeliveryTimeoutIsKilledWithWhatItStartedAndTheMessageIsInDoubt() throws {
        let repo = try repository(hook: """
            echo "connecting to the provider" >&2
            sleep 20 &
            echo $! > "$INBOX_REPO/child.pid"
            wait
            \(logDelivery)
            """)
        inbox("hook", "trust", in: repo)
        inbox("config", "set", "delivery.timeout", "1", in: repo)
        let started = Date()
        let send = inbox("message", "send", "cv1", "Hello", in: repo, expect: 69, environment: env())
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertTrue(send.stderr.contains("ms1 is in-doubt") && send.stderr.contains("--retry ms1"), send.stderr)
        let message = show("ms1", repo)
        XCTAssertEqual(message["state"] as? String, "in-doubt")
        let error = message["error"] as? String ?? ""
        XCTAssertTrue(error.contains("timed out after 1s") && error.contains("connecting to the provider"), error)
        // The hook's child went with it (its whole process group was killed).
        let child = try XCTUnwrap(Int32((try String(contentsOfFile: repo.file("child.pid"), encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        let deadline = Date().addingTimeInterval(5)
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        while alive() && Date() < deadline { usleep(50_000) }
        XCTAssertFalse(alive(), "the hook's child \(child) is still running")
        XCTAssertEqual(delivered(repo), [])
        // A flush never resends it by itself.
        inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertEqual(show("ms1", repo)["state"] as? String, "in-doubt")
    }

    func testAFlushStuckHoldingTheFlushLockIsReportedByTheNextFlushAndTheListing() throws {
        let repo = try repository(hook: #"echo $$ > "$INBOX_REPO/hook.pid"; exec sleep 30"#)
        inbox("hook", "trust", in: repo)
        inbox("config", "set", "delivery.timeout", "1", in: repo)
        inbox("message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo, environment: env())
        inbox("message", "schedule", "cv1", "Another", "--at", "+1h", in: repo, environment: env())
        let flush = Process()
        flush.executableURL = URL(fileURLWithPath: Inbox.binary)
        flush.arguments = ["message", "flush"]
        flush.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        flush.environment = env("2026-11-21T12:00:00Z")
        flush.standardOutput = FileHandle.nullDevice
        flush.standardError = FileHandle.nullDevice
        try flush.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: repo.file("hook.pid")) && Date() < deadline { usleep(20_000) }
        // The flush stops (as a flush wedged in the kernel would): no progress from here on.
        kill(flush.processIdentifier, SIGSTOP)
        defer {
            kill(flush.processIdentifier, SIGKILL)
            kill(flush.processIdentifier, SIGCONT)
            if let pid = Int32((try? String(contentsOfFile: repo.file("hook.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                kill(pid, SIGKILL)
            }
            flush.waitUntilExit()
        }
        let quick = inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(quick.stderr.contains("another flush is running"), "not stuck yet: \(quick.stderr)")
        sleep(4)
        let second = inbox("message", "flush", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(second.stderr.contains("pid \(flush.processIdentifier)") && second.stderr.contains("no progress"), second.stderr)
        let listing = inbox("message", "list", "--scheduled", in: repo, environment: env("2026-11-21T12:00:00Z"))
        XCTAssertTrue(listing.stderr.contains("pid \(flush.processIdentifier)"), listing.stderr)
    }
}
