import Foundation
import XCTest

/// Output for people at a terminal: columns measured in screen columns, rows fitted to the
/// terminal's width, long output through a pager. A terminal is a real pty from script(1).
final class TerminalDisplayTests: XCTestCase {
    /// Screen columns of text, for checking alignment independently of the binary: CJK and the
    /// emoji used here are two columns, the ZWJ family one emoji, everything else one.
    func columns(_ text: Substring) -> Int {
        text.reduce(0) { width, character in
            let base = character.unicodeScalars.first!.value
            return width + ((0x4E00...0x9FFF).contains(base) || (0x1F300...0x1FAFF).contains(base) || (0xFF00...0xFF60).contains(base) ? 2 : 1)
        }
    }

    /// The screen column where `needle` starts in `line`.
    func column(of needle: String, in line: String, file: StaticString = #filePath, line number: UInt = #line) -> Int? {
        guard let range = line.range(of: needle) else {
            XCTFail("'\(needle)' is not in '\(line)'", file: file, line: number)
            return nil
        }
        return columns(line[..<range.lowerBound])
    }

    func wideRepository() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "王小明", "--email", "wang@example.com", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("contact", "add", "Zoë 👩‍👩‍👧 Smith", "--email", "zoe@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "你好，我想问一下报税的事情", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", String(repeating: "Long preview text ", count: 8) + "END", in: repo)
        inbox("message", "receive", "--contact", "ct3", "--channel", "email", "🎉 done", in: repo)
        return repo
    }

    /// Runs a command line on a pty (script -qc) in the repository; stdout and stderr both
    /// arrive on the terminal, with CRLF line ends turned back into LF.
    func onTerminal(_ command: String, in repo: TempDirectory, environment extra: [String: String] = [:]) throws -> InboxResult {
        let script = try requiredTool("script")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        var env = Inbox.baseEnvironment()
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        env.merge(extra) { $1 }
        process.environment = env
        var result = Inbox.capture(process, stdin: nil)
        result.stdout = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        return result
    }

    func testWideAndEmojiRowsLineUpByScreenColumns() {
        let repo = wideRepository()
        let contacts = inbox("contact", "list", in: repo).lines
        XCTAssertEqual(contacts.count, 4, contacts.joined(separator: "\n"))
        let emailColumns = zip(contacts, ["EMAIL", "zoe@example.com", "ada@example.com", "wang@example.com"]).compactMap { column(of: $1, in: $0) }
        XCTAssertEqual(emailColumns.count, 4)
        XCTAssertEqual(Set(emailColumns).count, 1, "EMAIL column starts at \(emailColumns):\n" + contacts.joined(separator: "\n"))

        let conversations = inbox("conversation", "list", in: repo).lines
        let channelColumns = conversations.compactMap { column(of: $0.hasPrefix(" ") ? "CHANNEL" : "email", in: $0) }
        XCTAssertEqual(channelColumns.count, 4, conversations.joined(separator: "\n"))
        XCTAssertEqual(Set(channelColumns).count, 1, "CHANNEL column starts at \(channelColumns):\n" + conversations.joined(separator: "\n"))
        // After the previews (CJK, emoji, ASCII), ASSIGNEE still starts in one screen column.
        let assigneeColumns = conversations.compactMap { column(of: $0.hasPrefix(" ") ? "ASSIGNEE" : "-         new", in: $0) }
        XCTAssertEqual(assigneeColumns.count, 4)
        XCTAssertEqual(Set(assigneeColumns).count, 1, "ASSIGNEE column starts at \(assigneeColumns):\n" + conversations.joined(separator: "\n"))
    }

    func testPipedOutputIsNeverCut() {
        let repo = wideRepository()
        let listed = inbox("message", "list", in: repo, environment: Inbox.baseEnvironment().merging(["COLUMNS": "40"]) { $1 })
        XCTAssertTrue(listed.stdout.contains(String(repeating: "Long preview text ", count: 8) + "END"), listed.stdout)
        XCTAssertFalse(listed.stdout.contains("…"), listed.stdout)
    }

    func testATerminalCutsThePreviewToItsWidthButNeverTheId() throws {
        let repo = wideRepository()
        let result = try onTerminal("inbox --no-pager --no-color conversation list", in: repo, environment: ["COLUMNS": "90"])
        XCTAssertEqual(result.status, 0, result.stdout)
        let rows = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 4, result.stdout)
        for row in rows { XCTAssertLessThanOrEqual(columns(Substring(row)), 90, "wider than the terminal: \(row)") }
        XCTAssertTrue(rows.contains { $0.contains("cv2") && $0.contains("← Long") && $0.contains("…") }, result.stdout)
        XCTAssertFalse(result.stdout.contains("END"), result.stdout)
        for id in ["cv1", "cv2", "cv3"] { XCTAssertTrue(result.stdout.contains(id), "\(id) was cut: \(result.stdout)") }
        // The columns after the preview stay whole.
        XCTAssertEqual(rows.filter { $0.hasSuffix("new") }.count, 3, result.stdout)
    }

    func testATerminalPagesThroughInboxPager() throws {
        let repo = wideRepository()
        let result = try onTerminal("inbox timeline ct2; echo status=$?", in: repo, environment: ["INBOX_PAGER": "cat > pagerlog", "PAGER": "false"])
        XCTAssertTrue(result.stdout.contains("status=0"), result.stdout)
        let paged = (try? String(contentsOfFile: repo.file("pagerlog"), encoding: .utf8)) ?? ""
        XCTAssertTrue(paged.contains("Ada Lovelace"), "the pager got: '\(paged)'")
        XCTAssertFalse(result.stdout.contains("Ada Lovelace"), "printed past the pager: \(result.stdout)")
        // PAGER when INBOX_PAGER is unset; help is paged too.
        let help = try onTerminal("inbox help contact; echo status=$?", in: repo, environment: ["PAGER": "cat > helplog"])
        XCTAssertTrue(help.stdout.contains("status=0"), help.stdout)
        XCTAssertTrue(((try? String(contentsOfFile: repo.file("helplog"), encoding: .utf8)) ?? "").contains("inbox contact VERB"))
    }

    func testNoPagerWhenPipedOrAskedNotTo() throws {
        let repo = wideRepository()
        let piped = Inbox.shell("INBOX_PAGER='touch ran' inbox timeline ct2 | cat; INBOX_PAGER='touch ran' inbox help | cat", in: repo.path)
        XCTAssertTrue(piped.stdout.contains("Ada Lovelace"), piped.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file("ran")), "the pager ran on piped output")
        let refused = try onTerminal("inbox --no-pager timeline ct2; inbox contact list --no-pager", in: repo, environment: ["INBOX_PAGER": "touch ran"])
        XCTAssertTrue(refused.stdout.contains("Ada Lovelace"), refused.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file("ran")), "the pager ran despite --no-pager")
    }

    func testAPagerThatQuitsEarlyLeavesTheExitStatusAlone() throws {
        let repo = wideRepository()
        let result = try onTerminal("inbox help; echo status=$?; inbox conversation list; echo status=$?", in: repo, environment: ["INBOX_PAGER": "true"])
        XCTAssertEqual(result.stdout.components(separatedBy: "status=0").count - 1, 2, result.stdout)
    }
}
