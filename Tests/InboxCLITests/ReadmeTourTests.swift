import Foundation
import XCTest

/// README.md's "A tour" and "Scheduled sends and cron" are what a new user types first: run
/// their code blocks as written, line by line, in a fresh directory, and hold every line to exit 0
/// or to the status its comment names ("(exit 1)").
final class ReadmeTourTests: XCTestCase {
    static let sections = ["A tour", "Scheduled sends and cron"]

    struct Line {
        var command: String
        var expected: Int32
        var block: Int
    }

    /// The fenced code blocks of a `## ` section, in order.
    static func blocks(of section: String, in readme: String) -> [[String]] {
        var blocks: [[String]] = []
        var inSection = false, current: [String]? = nil
        for line in readme.components(separatedBy: "\n") {
            if current == nil, line.hasPrefix("## ") { inSection = line == "## " + section; continue }
            guard inSection else { continue }
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    /// A command line without its comment, and the exit status the comment names (0 if none).
    /// A `#` starts a comment only after whitespace and outside quotes, as in sh.
    static func split(_ line: String) -> (command: String, expected: Int32) {
        var quote: Character? = nil, previous: Character = " ", cut = line.endIndex
        for i in line.indices {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c }
            else if c == "#", previous == " " { cut = i; break }
            previous = c
        }
        let comment = String(line[cut...])
        var expected: Int32 = 0
        if let range = comment.range(of: #"\(exit [0-9]+\)"#, options: .regularExpression) {
            expected = Int32(comment[range].dropFirst(6).dropLast()) ?? -1
        }
        return (String(line[..<cut]).trimmingCharacters(in: .whitespaces), expected)
    }

    static func tourLines() throws -> [Line] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var lines: [Line] = []
        var blockNumber = 0
        for section in sections {
            for block in blocks(of: section, in: readme) {
                blockNumber += 1
                for text in block {
                    var (command, expected) = split(text)
                    guard !command.isEmpty else { continue }
                    // A crontab line: five time fields, then the command cron runs.
                    if let first = command.first, first == "*" || first.isNumber {
                        command = command.split(separator: " ", maxSplits: 5).last.map(String.init) ?? command
                    }
                    lines.append(Line(command: command, expected: expected, block: blockNumber))
                }
            }
        }
        return lines
    }

    func testTheReadmeTourRunsAsWritten() throws {
        _ = try requiredTool("jq")
        let lines = try Self.tourLines()
        // The parser must find the tour, or this test would pass on nothing.
        XCTAssertGreaterThan(lines.count, 20, "README.md's tour and scheduled-send blocks were not found")
        XCTAssertTrue(lines.contains { $0.command == "inbox init" }, "the tour starts a repository")
        XCTAssertTrue(lines.contains { $0.expected != 0 }, "the tour shows a refusal with its exit status")

        let dir = TempDirectory("readme-tour")
        // The sample file the tour attaches; the firm's repository path of the crontab line.
        FileManager.default.createFile(atPath: dir.file("form.pdf"), contents: Data("%PDF-1.4\n".utf8))
        var environment = Inbox.baseEnvironment(now: "2026-11-21T10:00:00Z")
        environment["XDG_DATA_HOME"] = dir.file("xdg")
        environment["TZ"] = "UTC"
        for line in lines {
            var command = line.command.replacingOccurrences(of: "/srv/firm", with: dir.path)
            if command.hasPrefix("inbox hook"), !FileManager.default.fileExists(atPath: dir.file(".inbox/hooks/deliver")) {
                // The hook section reads a hook the firm installed: install a harmless one.
                installSampleHook(in: dir)
            }
            let result = Self.bash(command, in: dir.path, environment: environment)
            XCTAssertEqual(result.status, line.expected, "README line `\(line.command)` (block \(line.block)):\n\(result.stderr)")
        }
    }

    /// One line in bash with pipefail (a failing `inbox` before `| jq` must fail the line), with
    /// the built `inbox` first on the PATH.
    static func bash(_ command: String, in directory: String, environment: [String: String]) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = environment
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        process.environment = env
        return Inbox.capture(process, stdin: nil)
    }

    func installSampleHook(in dir: TempDirectory) {
        let hooks = dir.file(".inbox/hooks")
        try? FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: hooks + "/deliver", contents: Data("#!/bin/sh\ncat >/dev/null\necho provider-1\n".utf8),
                                       attributes: [.posixPermissions: 0o700])
    }

    /// The parser itself: comments, quotes and expected statuses.
    func testTourLinesAreParsedLikeAShellWould() {
        XCTAssertEqual(Self.split(#"inbox init        # creates ./.inbox"#).command, "inbox init")
        XCTAssertEqual(Self.split(#"inbox contact note ct1 "Call #2 # later""#).command, #"inbox contact note ct1 "Call #2 # later""#)
        XCTAssertEqual(Self.split("inbox x   # refused (exit 1)").expected, 1)
        XCTAssertEqual(Self.split("inbox x   # only while still scheduled (else exit 1)").expected, 0)
        XCTAssertEqual(Self.blocks(of: "B", in: "## A\n```\nno\n```\n## B\ntext\n```sh\nyes # c\n```\n```\nalso\n```\n## C\n```\nno\n```").count, 2)
    }
}
