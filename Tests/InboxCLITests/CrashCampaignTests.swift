import Foundation
@testable import InboxCore
import XCTest

/// DESIGN §5 for every writing command: `kill -9` at any instant, or an I/O error at any
/// file-system call, leaves every file parseable, a single change all there or not at all,
/// every command that exited 0 kept, and no message delivered twice.
///
/// CI runs a short form (a few kills and a few faults at each kind of call). `INBOX_SOAK=1`
/// runs the long form: many kill rounds and a fault at every call that touches the repository.
final class CrashCampaignTests: XCTestCase {
    static let soak = ProcessInfo.processInfo.environment["INBOX_SOAK"] != nil
    static let killRounds = soak ? 60 : 8
    static let faultsPerCall = soak ? Int.max : 2

    func scenario(_ name: String) throws -> WriteScenario {
        guard let found = writeScenarios().first(where: { $0.name == name }) else { throw XCTSkip("no scenario \(name)") }
        return found
    }

    /// The repository a scenario starts from, and the record files an uninterrupted run leaves.
    func baseline(_ scenario: WriteScenario) throws -> (base: TempDirectory, before: [String: Data], after: [String: Data], seconds: Double) {
        let base = makeRepository()
        scenario.prepare(base)
        let reference = try copy(base, trustHook: scenario.delivers)
        let start = Date()
        let run = Inbox.run(scenario.arguments, in: reference.path, stdin: scenario.stdin,
                            environment: campaignEnvironment(log: reference.file("deliveries.log")))
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(run.status, 0, "\(scenario.name) uninterrupted: \(run.stderr)")
        let (before, after) = (recordFiles(base), recordFiles(reference))
        XCTAssertNotEqual(before, after, "\(scenario.name) changes nothing; the campaign would prove nothing")
        return (base, before, after, seconds)
    }

    /// After a kill or a fault: the files parse, the next writer finishes or discards what was
    /// left, and a delivery hook never saw a message twice.
    func checkAftermath(_ scenario: WriteScenario, _ repo: TempDirectory, log: String, label: String) {
        let fsck = Inbox.run(["fsck"], in: repo.path, environment: campaignEnvironment(log: log))
        XCTAssertEqual(fsck.status, 0, "\(label): fsck right after: \(fsck.stdout)\(fsck.stderr)")
        if scenario.delivers {
            // A later flush settles what a dead one left (in-doubt) and must not resend it.
            let flush = Inbox.run(["message", "flush"], in: repo.path, environment: campaignEnvironment(log: log))
            XCTAssertTrue([0, 69].contains(flush.status), "\(label): the next flush: \(flush.stderr)")
            usleep(50_000)  // a hook orphaned by the kill may still be writing its line
            XCTAssertEqual(doubleDeliveries(log), [], "\(label): delivered twice")
        }
        let repair = Inbox.run(["fsck", "--repair"] + (scenario.admin.map { ["--as", $0] } ?? []), in: repo.path, environment: campaignEnvironment(log: log))
        XCTAssertEqual(repair.status, 0, "\(label): the next writer: \(repair.stdout)\(repair.stderr)")
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/tmp"))) ?? [])
            + (FileManager.default.fileExists(atPath: repo.file(".inbox/journal")) ? ["journal"] : [])
        XCTAssertEqual(leftovers, [], "\(label): the next writer leaves no temp file or journal")
    }

    // MARK: kill -9

    func killCampaign(_ name: String) throws {
        let scenario = try scenario(name)
        let (base, before, after, seconds) = try baseline(scenario)
        var generator = SeededRandom(seed: UInt64(name.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        var killed = 0, completed = 0
        // A command faster than the kill window can finish first every time: go on (up to five
        // times as many rounds) until at least three kills landed mid-run. The window is the
        // reference run's time, which parallel tests can stretch several times over (contact
        // tag: 40 rounds all finished first), so each round that finishes first narrows it.
        var window = seconds
        var round = 0
        while round < CrashCampaignTests.killRounds || (killed < 3 && round < 5 * CrashCampaignTests.killRounds) {
            defer { round += 1 }
            let repo = try copy(base, trustHook: scenario.delivers)
            let log = repo.file("deliveries.log")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Inbox.binary)
            process.arguments = scenario.arguments
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = campaignEnvironment(log: log)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let input = Pipe()
            process.standardInput = input
            try process.run()
            if let stdin = scenario.stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
            // Anywhere from the first instruction to the usual end (the window includes the cost of
            // starting a process from the test, so this reaches past the command's own end).
            usleep(UInt32(generator.below(Int(window * 1_000_000) + 1)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let exitedZero = process.terminationReason == .exit && process.terminationStatus == 0
            if process.terminationReason == .uncaughtSignal { killed += 1 } else { completed += 1; window *= 0.8 }
            let label = "\(name) kill round \(round)"
            checkAftermath(scenario, repo, log: log, label: label)
            guard scenario.allOrNothing else { continue }
            let now = recordFiles(repo)
            XCTAssertTrue(now == before || now == after, "\(label): half a change survived")
            if exitedZero { XCTAssertEqual(now, after, "\(label): exited 0 but the change is gone") }
        }
        print("kill campaign \(name): \(round) rounds, \(killed) killed mid-run, \(completed) finished first; lost writes 0, double deliveries 0 unless reported above")
        XCTAssertGreaterThan(killed, 0, "no round was killed mid-run; the campaign proved nothing")
    }

    func testKillBatch() throws { try killCampaign("batch") }
    func testKillImport() throws { try killCampaign("import") }
    func testKillContactTag() throws { try killCampaign("contact tag") }
    func testKillMessageReceive() throws { try killCampaign("message receive") }
    func testKillFlushWithoutHook() throws { try killCampaign("message flush (no hook)") }
    func testKillFlushWithHook() throws { try killCampaign("message flush (hook)") }
    func testKillCloseWithMessage() throws { try killCampaign("conversation close --message") }
    func testKillFixture() throws { try killCampaign("fixture") }

    // MARK: I/O errors

    static let faults: [(syscall: String, errno: String)] = [
        ("openat", "ENOSPC"), ("write", "ENOSPC"), ("fsync", "EIO"), ("renameat", "EIO"), ("unlinkat", "EIO"),
        ("mkdirat", "EACCES"), ("getdents64", "EIO"), ("read", "EIO"), ("flock", "EIO"), ("newfstatat", "EACCES"),
    ]

    /// 1-based positions, among the calls of `syscall` by the inbox process (not its hook), of
    /// those that touch the repository.
    func positions(of syscall: String, _ scenario: WriteScenario, base: TempDirectory) throws -> [Int] {
        let probe = try copy(base, trustHook: scenario.delivers)
        let log = probe.file("calls.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-y", "-o", log, "-e", "trace=\(syscall)", "--", Inbox.binary] + scenario.arguments
        process.currentDirectoryURL = URL(fileURLWithPath: probe.path)
        process.environment = campaignEnvironment(log: probe.file("deliveries.log"))
        XCTAssertEqual(Inbox.capture(process, stdin: scenario.stdin).status, 0)
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix(syscall + "(") }
        return calls.enumerated().filter { $0.element.contains(probe.path + "/.inbox") }.map { $0.offset + 1 }
    }

    /// At most `count` positions, spread from the first to the last.
    func sample(_ all: [Int], _ count: Int) -> [Int] {
        guard all.count > count else { return all }
        if count == 1 { return [all[0]] }
        return (0..<count).map { all[$0 * (all.count - 1) / (count - 1)] }
    }

    func faultCampaign(_ name: String) throws {
        let tracer = try requiredTool("strace")
        let scenario = try scenario(name)
        let (base, before, after, _) = try baseline(scenario)
        var injected = 0, refused = 0, saved = 0, deliveryFailed = 0
        for fault in CrashCampaignTests.faults {
            for position in sample(try positions(of: fault.syscall, scenario, base: base), CrashCampaignTests.faultsPerCall) {
                let repo = try copy(base, trustHook: scenario.delivers)
                let log = repo.file("deliveries.log")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tracer)
                process.arguments = ["-o", "/dev/null", "-e", "trace=\(fault.syscall)",
                                     "-e", "inject=\(fault.syscall):error=\(fault.errno):when=\(position)", "--", Inbox.binary] + scenario.arguments
                process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
                process.environment = campaignEnvironment(log: log)
                let result = Inbox.capture(process, stdin: scenario.stdin)
                let label = "\(name): \(fault.syscall) #\(position) \(fault.errno)"
                injected += 1
                switch result.status {
                case 74:
                    refused += 1
                    XCTAssertTrue(result.stderr.contains(".inbox"), "\(label): the error names the file: \(result.stderr)")
                    XCTAssertEqual(recordFiles(repo), before, "\(label): exit 74 but the repository changed")
                    XCTAssertFalse(FileManager.default.fileExists(atPath: log), "\(label): exit 74 after a delivery (a retry would send it again)")
                case 0:
                    saved += 1
                case 69 where scenario.delivers:
                    deliveryFailed += 1
                default:
                    XCTFail("\(label): exit \(result.status): \(result.stderr)")
                }
                checkAftermath(scenario, repo, log: log, label: label)
                if result.status == 0 && scenario.allOrNothing {
                    XCTAssertEqual(recordFiles(repo), after, "\(label): exit 0 but the change is not all there")
                }
            }
        }
        print("fault campaign \(name): \(injected) faults, \(refused) refused with exit 74 and nothing changed, \(saved) saved (exit 0), \(deliveryFailed) delivery failures (exit 69); double deliveries 0 unless reported above")
        XCTAssertGreaterThan(injected, 8, "too few faults injected to prove anything")
        XCTAssertGreaterThan(refused, 0, "no fault was refused; the injection did not reach the store")
    }

    func testFaultsInBatch() throws { try faultCampaign("batch") }
    func testFaultsInImport() throws { try faultCampaign("import") }
    func testFaultsInContactTag() throws { try faultCampaign("contact tag") }
    func testFaultsInMessageReceive() throws { try faultCampaign("message receive") }
    func testFaultsInFlushWithoutHook() throws { try faultCampaign("message flush (no hook)") }
    func testFaultsInFlushWithHook() throws { try faultCampaign("message flush (hook)") }
    func testFaultsInCloseWithMessage() throws { try faultCampaign("conversation close --message") }
    func testFaultsInFixture() throws { try faultCampaign("fixture") }
}
