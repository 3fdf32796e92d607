import Foundation
import XCTest
@testable import InboxCore

/// The store's promises (DESIGN §1), checked against the real binary and real files.
final class StoreGuaranteeTests: XCTestCase {
    /// A script that touches every kind of record this version stores.
    static let script = """
        inbox init
        inbox config set sms.from "+1 555 0199"
        inbox config set signature "— The team"
        inbox user add alice --role admin --display-name "Alice Moreau"
        inbox --as alice user add bob
        inbox --as alice contact add "Ada Lovelace" --phone "+1 555 0100" --email ada@example.com --company "Analytical Ltd" --owner bob
        inbox --as alice contact add "Grace Hopper" --phone "+1 555 0102" --tag vip --field plan=gold
        inbox --as bob contact note ct1 "Prefers email"
        inbox --as bob contact edit ct2 --add-email grace@navy.example --disposition Callback
        inbox contact list --search lovelace
        """

    func testTheSameCommandsWithTheSameClockGiveByteIdenticalRepositories() {
        let first = TempDirectory(), second = TempDirectory()
        for dir in [first, second] {
            let result = Inbox.shell("set -e\n" + Self.script, in: dir.path)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-r", first.file(".inbox"), second.file(".inbox")]
        let result = Inbox.capture(diff, stdin: nil)
        XCTAssertEqual(result.status, 0, "diff -r found differences:\n\(result.stdout)")
        XCTAssertEqual(result.stdout, "")
        // And the files are what a person would expect to commit: sorted, one record per line.
        let contacts = String(decoding: readBytes(first.file(".inbox/contacts/0000.jsonl"))!, as: UTF8.self)
        XCTAssertEqual(contacts.split(separator: "\n").count, 2)
        XCTAssertTrue(contacts.hasPrefix(#"{"id":"ct1","first_name":"Ada","last_name":"Lovelace""#), contacts)
    }

    func testFourParallelWritersOfTwoHundredContactsEachLeaveExactlyEightHundred() {
        let repo = makeRepository()
        let writer = "i=0; while [ $i -lt 200 ]; do i=$((i+1)); inbox --lock-timeout 60 contact add \"Writer $W number $i\" -q >/dev/null || exit 1; done"
        let group = DispatchGroup()
        let statuses = Statuses()
        for w in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                var env = Inbox.baseEnvironment()
                env["W"] = String(w)
                let result = Inbox.shell(writer, in: repo.path, environment: env)
                statuses.set(w, result.status)
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(statuses.values, [0, 0, 0, 0])
        let ids = inbox("contact", "list", "-q", in: repo).lines
        XCTAssertEqual(ids.count, 800)
        XCTAssertEqual(Set(ids), Set((1...800).map { "ct\($0)" }))
        let names = Set(inbox("--json", "contact", "list", in: repo).jsonLines().map { $0["last_name"] as? String ?? "" })
        XCTAssertEqual(names.count, 800, "every add landed once")
        inbox("fsck", in: repo)
    }

    func testKillingAWriterAtRandomMomentsNeverCorruptsOrLosesAnAcknowledgedWrite() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 1500)  // two shards, so an add rewrites a sizeable file
        var generator = SeededRandom(seed: UInt64(ProcessInfo.processInfo.environment["INBOX_TEST_SEED"] ?? "") ?? 20261121)
        let rounds = Int(ProcessInfo.processInfo.environment["INBOX_KILL_ROUNDS"] ?? "") ?? 100
        // Calibrate: kill anywhere from launch to half again as long as an add takes here.
        let started = Date()
        inbox("contact", "add", "Calibration", in: repo)
        let window = UInt64(max(Date().timeIntervalSince(started), 0.005) * 1.5 * 1_000_000)
        var acknowledged: [String] = []
        var killed = 0
        var leftBehind = 0  // kills that left a journal or temp file: caught inside a commit
        for round in 0..<rounds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Inbox.binary)
            // Each add touches four files (counter, contact shard, two index shards): a journaled commit.
            process.arguments = ["contact", "add", "Crash \(round)", "--email", "crash\(round)@example.com",
                                 "--phone", "+1 555 \(String(format: "%04d", round))"]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = Inbox.baseEnvironment()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(generator.next() % window))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 {
                acknowledged.append("Crash \(round)")
            } else {
                killed += 1
            }
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox"))) ?? []
            if files.contains(where: { $0.contains(".tmp.") || $0 == "journal" }) { leftBehind += 1 }
            // Every file still parses and every reference holds, after every kill.
            let fsck = Inbox.run(["fsck"], in: repo.path)
            XCTAssertEqual(fsck.status, 0, "round \(round): \(fsck.stdout)\(fsck.stderr)")
            if fsck.status != 0 { break }
        }
        // Random kills may all miss the commit itself. These land in it for certain: strace kills
        // an add at each rename after the journal's, once the change is decided but only part done.
        let strace = try requiredTool("strace")
        var journaled = 0
        for n in 2...6 {
            // A writer first finishes what the last kill left, so the count of renames is this add's own.
            inbox("contact", "add", "Settled \(n)", in: repo)
            let name = "Journaled \(n)"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: strace)
            process.arguments = ["-f", "-o", "/dev/null", "-e", "inject=renameat:signal=KILL:when=\(n)", "--", Inbox.binary,
                                 "contact", "add", name, "--email", "journaled\(n)@example.com", "--phone", "+1 555 90\(n)0"]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = Inbox.baseEnvironment()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox"))) ?? []
            XCTAssertTrue(files.contains("journal"), "killed at rename \(n): the decided change is left in the journal")
            if files.contains("journal") { journaled += 1 }
            let fsck = Inbox.run(["fsck"], in: repo.path)
            XCTAssertEqual(fsck.status, 0, "kill at rename \(n): \(fsck.stdout)\(fsck.stderr)")
            // Decided is done: readers see it before any writer has finished the renames.
            let found = inbox("--json", "contact", "list", "--search", "journaled\(n)", in: repo).jsonLines()
            XCTAssertEqual(found.map { "\($0["first_name"] as? String ?? "") \($0["last_name"] as? String ?? "")" }, [name])
        }
        print("kill test: \(rounds) rounds, window \(window / 1000) ms, \(killed) killed mid-run (\(leftBehind) inside a commit), \(acknowledged.count) acknowledged; \(journaled) killed by strace inside a journaled commit")
        XCTAssertGreaterThan(killed, 0, "no process was killed; the test proved nothing")
        XCTAssertEqual(journaled, 5, "every strace kill must interrupt a journaled commit")
        let stored = inbox("--json", "contact", "list", "--search", "crash", in: repo).jsonLines()
            .map { "\($0["first_name"] as? String ?? "") \($0["last_name"] as? String ?? "")" }
        for name in acknowledged { XCTAssertTrue(stored.contains(name), "\(name) exited 0 but is gone") }
        XCTAssertEqual(Set(stored).count, stored.count, "a contact was stored twice")
        // The next writer finishes or discards what a killed one left: no temp files, no journal.
        inbox("contact", "add", "After the storm", in: repo)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox")).filter {
            $0.contains(".tmp.") || $0 == "journal"
        }
        XCTAssertEqual(leftovers, [])
        inbox("fsck", in: repo)
    }

    func testALockHeldByAnotherProcessGivesExit75AndKillNineLeavesNoStaleLock() throws {
        let repo = makeRepository()
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // --no-fork: flock execs sleep itself, so one process holds the lock and one kill ends it.
        holder.arguments = ["--no-fork", repo.file(".inbox"), "sleep", "30"]
        try holder.run()
        XCTAssertTrue(try waitUntilLocked(repo.file(".inbox")), "flock never took the lock")
        let start = Date()
        let busy = inbox("contact", "add", "Blocked", "--lock-timeout", "0.5", in: repo, expect: 75)
        XCTAssertTrue(busy.stderr.contains("busy"), busy.stderr)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        // The kernel released the lock with the process: the next writer does not wait.
        inbox("contact", "add", "Unblocked", "--lock-timeout", "0", in: repo)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct1"])
    }

    func testFilesAre0600AndDirectories0700AndAReplacedFileKeepsItsMode() throws {
        let repo = TempDirectory()
        let created = Inbox.shell("umask 022; inbox init && inbox contact add Ada --email ada@example.com && inbox contact note ct1 hi", in: repo.path)
        XCTAssertEqual(created.status, 0, created.stderr)
        let root = repo.file(".inbox")
        var checked = 0
        for relative in try FileManager.default.subpathsOfDirectory(atPath: root) + [""] {
            let path = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            XCTAssertEqual(lstat(path, &info), 0)
            let mode = info.st_mode & 0o7777
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            XCTAssertEqual(mode, isDirectory ? 0o700 : 0o600, "\(relative.isEmpty ? ".inbox" : relative) is \(String(mode, radix: 8))")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 8)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        chmod(shard, 0o640)
        inbox("contact", "add", "Grace", in: repo)
        var info = stat()
        stat(shard, &info)
        XCTAssertEqual(info.st_mode & 0o7777, 0o640, "the rewrite kept the file's mode")
    }

    func testASymlinkedStoreFileIsRefused() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada", in: repo)
        let outside = TempDirectory()
        let target = outside.file("elsewhere.jsonl")
        try FileManager.default.moveItem(atPath: repo.file(".inbox/contacts/0000.jsonl"), toPath: target)
        try FileManager.default.createSymbolicLink(atPath: repo.file(".inbox/contacts/0000.jsonl"), withDestinationPath: target)
        let before = readBytes(target)
        let result = inbox("contact", "add", "Grace", in: repo, expect: 74)
        XCTAssertTrue(result.stderr.contains("symlink"), result.stderr)
        XCTAssertEqual(readBytes(target), before)
    }
}

/// Exit statuses written from several queues.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var storage = [Int32](repeating: -1, count: 4)
    func set(_ i: Int, _ status: Int32) { lock.lock(); storage[i] = status; lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return storage }
}

extension XCTestCase {
    /// Waits (up to ten seconds) until some process holds the flock on `path`, so a test never
    /// assumes that a holder it started has got there.
    func waitUntilLocked(_ path: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: try requiredTool("flock"))
            probe.arguments = ["--nonblock", "--conflict-exit-code", "99", path, "true"]
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus == 99 { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }
}
