import Foundation
import XCTest

/// Issue 9: the bulk readers at scale. `export` reads each file once; `fsck` keeps small keys
/// and digests across files, not the records or the index hits, and still finds every damage.
final class BulkReaderTests: XCTestCase {
    /// The files of `.inbox` the command opened, from an strace log.
    func opened(_ arguments: [String], in repo: TempDirectory, environment: [String: String]) throws -> [String] {
        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=openat", "--", Inbox.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = environment
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, 0, result.stderr)
        // With -y, a successful openat shows the file it opened: `= 6</tmp/…/.inbox/contacts/0000.jsonl>`.
        return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard let result = line.components(separatedBy: " = ").last, let start = result.firstIndex(of: "<"),
                  let inside = result[result.index(after: start)...].components(separatedBy: "/.inbox/").dropFirst().first else { return nil }
            return inside.hasSuffix(">") ? String(inside.dropLast()) : nil
        }
    }

    func testExportReadsEachContactAndConversationShardOnce() throws {
        let repo = makeRepository()
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        inbox("fixture", "--contacts", "1500", "--conversations", "250", "--messages", "900", "--seed", "4", in: repo, environment: env)
        inbox("contact", "note", "ct1200", "Prefers email", in: repo, environment: env)
        inbox("log", "add", "--contact", "ct7", "--kind", "call", "Called about the return", in: repo, environment: env)
        let files = try opened(["export"], in: repo, environment: env)
        for shard in ["contacts/0000.jsonl", "contacts/0001.jsonl", "conversations/0001.jsonl", "conversations/0002.jsonl"] {
            XCTAssertEqual(files.filter { $0 == shard }.count, 1, "\(shard) in \(files.filter { $0.hasPrefix("contacts/") || $0.hasPrefix("conversations/") })")
        }
        let export = inbox("export", in: repo, environment: env).stdout
        XCTAssertEqual(export.components(separatedBy: "\"type\":\"message\"").count - 1, 900)
        XCTAssertTrue(export.contains(#""type":"note""#) && export.contains(#""type":"log""#))
    }

    /// A bucket file of the word index, damaged without changing its shape: a hit moved to
    /// another conversation, two hits swapped, a word's hits given to another word.
    func testFsckFindsAWordIndexBucketDamagedInPlace() throws {
        let repo = makeRepository()
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        inbox("fixture", "--contacts", "20", "--conversations", "40", "--messages", "600", "--seed", "5", in: repo, environment: env)
        inbox("fsck", in: repo, environment: env)
        let dir = repo.file(".inbox/index/words/0000")
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir).sorted().first { name in
            ((try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "").split(separator: "\n").contains { $0.split(separator: " ").count >= 2 }
        })
        let path = dir + "/" + name
        let original = try String(contentsOfFile: path, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        let at = try XCTUnwrap(lines.firstIndex { $0.split(separator: " ").count >= 2 })
        let hits = lines[at].components(separatedBy: #""hits":""#)[1].dropLast(2).split(separator: " ").map(String.init)
        let (message, conversation) = (hits[0].split(separator: "/")[0], hits[0].split(separator: "/")[1])
        let other = conversation == "cv1" ? "cv2" : "cv1"
        let damages = [
            lines[at].replacingOccurrences(of: "\(message)/\(conversation)", with: "\(message)/\(other)"),
            lines[at].replacingOccurrences(of: hits[0] + " " + hits[1], with: hits[1] + " " + hits[0]),
        ]
        for damaged in damages {
            lines[at] = damaged
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            let broken = inbox("fsck", in: repo, expect: 65, environment: env)
            XCTAssertEqual(broken.stdout, path + ": the word index that search reads does not match the messages (inbox fsck --repair rebuilds it)\n", damaged)
        }
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        inbox("fsck", in: repo, environment: env)
    }

    /// fsck's memory follows a thread, not the repository: at 60,000 messages it stays within
    /// 16 MB of what listing one conversation takes (it kept every word's hits, 32 MB more).
    func testFsckMemoryDoesNotGrowWithTheMessages() throws {
        let repo = makeRepository()
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        inbox("fixture", "--contacts", "50", "--conversations", "300", "--messages", "60000", "--seed", "3", in: repo, environment: env)
        func peak(_ arguments: String...) throws -> Int {
            let out = repo.file("time.txt")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
            process.arguments = ["-f", "%M", "-o", out, Inbox.binary] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = env
            let result = Inbox.capture(process, stdin: nil)
            XCTAssertEqual(result.status, 0, result.stderr)
            return Int(try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time")
        let list = try peak("conversation", "list", "--limit", "1")
        let fsck = try peak("fsck")
        XCTAssertLessThan(fsck - list, 16_000, "fsck \(fsck) KB, conversation list \(list) KB")
    }
}
