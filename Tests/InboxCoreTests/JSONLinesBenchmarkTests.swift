import Foundation
import InboxCore
import XCTest

/// Decode and encode throughput of the store's record files, for comparing builds by hand:
///
///     INBOX_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter JSONLinesBenchmarkTests
///
/// Skipped unless INBOX_BENCH=1, and it asserts no timing (the machine is shared). It generates
/// `fixture --contacts 1000 --conversations 1000 --messages 10000 --seed 7` with the `inbox`
/// built beside the tests (or INBOX_BIN), or reads an existing repository from INBOX_BENCH_REPO.
/// INBOX_BENCH_ROUNDS sets the passes per table (default 20). MB/s are per second of the test
/// thread's CPU time, best of the rounds.
final class JSONLinesBenchmarkTests: XCTestCase {
    func testThroughput() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["INBOX_BENCH"] == "1" else { throw XCTSkip("set INBOX_BENCH=1 to measure") }
        let rounds = Int(env["INBOX_BENCH_ROUNDS"] ?? "") ?? 20
        let repo = try env["INBOX_BENCH_REPO"] ?? Self.generateFixture()

        print("table          files      MB    parse MB/s   decode MB/s   encode MB/s")
        try measure(Conversation.self, "conversations", repo, rounds)
        try measure(Message.self, "messages", repo, rounds)
        try measure(Contact.self, "contacts", repo, rounds)
    }

    private func measure<R: StoredRecord>(_ type: R.Type, _ table: String, _ repo: String, _ rounds: Int) throws {
        let files = Self.jsonlFiles(under: repo + "/.inbox/" + table)
        XCTAssertFalse(files.isEmpty, "no \(table) files in \(repo)")
        let contents = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let megabytes = Double(contents.reduce(0) { $0 + $1.count }) / 1_000_000

        // The parser alone, to a JSONValue per line.
        var parseBest = Double.infinity
        for _ in 0..<rounds {
            let start = Self.cpuSeconds()
            for (path, bytes) in zip(files, contents) {
                try JSONLines.forEachLine(bytes, path: path) { (line, _) throws(InboxError) in
                    do throws(JSONParseError) { _ = try JSONParser.parse(line) } catch { throw InboxError.badData(path: path, line: 0, reason: error.reason) }
                }
            }
            parseBest = min(parseBest, Self.cpuSeconds() - start)
        }

        var decoded: [[R]] = []
        var decodeBest = Double.infinity
        for _ in 0..<rounds {
            let start = Self.cpuSeconds()
            decoded = try zip(files, contents).map { try JSONLines.decode($0.1, path: $0.0, as: R.self) }
            decodeBest = min(decodeBest, Self.cpuSeconds() - start)
        }
        var encoded: [[UInt8]] = []
        var encodeBest = Double.infinity
        for _ in 0..<rounds {
            let start = Self.cpuSeconds()
            encoded = decoded.map { JSONLines.encode($0) }
            encodeBest = min(encodeBest, Self.cpuSeconds() - start)
        }
        // What is read and written back must be the bytes that were there.
        XCTAssertEqual(encoded, contents, "\(table) do not round-trip byte for byte")
        let name = table.padding(toLength: 13, withPad: " ", startingAt: 0)
        print(name + String(format: " %6d %7.2f %13.1f %13.1f %13.1f", files.count, megabytes,
                            megabytes / parseBest, megabytes / decodeBest, megabytes / encodeBest))
    }

    /// This thread's CPU time: the machine is shared, and other people's builds should not
    /// count against the parser. Each figure is the best of the rounds.
    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func jsonlFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".jsonl") }.sorted().map { directory + "/" + $0 }
    }

    static func generateFixture() throws -> String {
        let binary = ProcessInfo.processInfo.environment["INBOX_BIN"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("inbox").path
        let repo = NSTemporaryDirectory() + "inbox-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        for arguments in [["init", repo],
                          ["--repo", repo, "fixture", "--contacts", "1000", "--conversations", "1000", "--messages", "10000", "--seed", "7"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "USER": "tester", "TZ": "UTC",
                                   "INBOX_NOW": "2026-11-21T10:00:00Z"]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw NSError(domain: "bench", code: Int(process.terminationStatus), userInfo: [
                    NSLocalizedDescriptionKey: "\(binary) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)"])
            }
        }
        return repo
    }
}
