import Foundation
import XCTest

/// README.md's "Working as a team" runs as written: its first code block, line by line, in one
/// directory standing for the file server and both machines, each line held to exit 0 or to
/// the status its comment names. The crontab block after it only describes cron.
final class TeamReadmeTests: XCTestCase {
    func testWorkingAsATeamRunsAsWritten() throws {
        _ = try requiredTool("git")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = ReadmeTourTests.blocks(of: "Working as a team", in: readme)
        let lines = try XCTUnwrap(blocks.first).map(ReadmeTourTests.split).filter { !$0.command.isEmpty }
        XCTAssertGreaterThan(lines.count, 10, "the section's commands were not found")
        XCTAssertTrue(lines.contains { $0.command.hasPrefix("inbox init --shared") })
        XCTAssertTrue(lines.contains { $0.expected == 1 }, "the section shows the refusal on a machine that does not deliver")

        let dir = TempDirectory("readme-team")
        var environment = Inbox.baseEnvironment(now: "2026-11-21T10:00:00Z")
        environment["HOME"] = dir.path
        environment["XDG_DATA_HOME"] = dir.file("xdg")
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        for (name, value) in [("NAME", "Alice"), ("EMAIL", "alice@example.com")] {
            environment["GIT_AUTHOR_" + name] = value
            environment["GIT_COMMITTER_" + name] = value
        }
        for line in lines {
            let command = line.command.replacingOccurrences(of: "/srv/git", with: dir.file("srv-git"))
            let result = ReadmeTourTests.bash(command, in: dir.path, environment: environment)
            XCTAssertEqual(result.status, line.expected, "README line `\(line.command)`:\n\(result.stdout)\(result.stderr)")
        }
        // What the section promises: the office has the contact added on the laptop.
        let listed = ReadmeTourTests.bash("inbox --repo office contact list -q", in: dir.path, environment: environment)
        // A shared clone mints its ids (ct + 12 characters, the first a letter), not ct1.
        XCTAssertNotNil(listed.stdout.range(of: #"^ct[a-z][0-9a-z]{11}\n$"#, options: .regularExpression), listed.stdout + listed.stderr)
        XCTAssertEqual(ReadmeTourTests.bash("inbox --repo laptop contact list -q", in: dir.path, environment: environment).stdout, listed.stdout)
        XCTAssertEqual(ReadmeTourTests.bash("inbox --repo laptop fsck", in: dir.path, environment: environment).status, 0)
    }
}
