import Foundation
import XCTest

/// Text from customers never reaches the terminal raw: control characters are shown, not sent.
final class TerminalEscapeTests: XCTestCase {
    static let hostileBody = "Hi \u{1B}]52;c;SGVsbG8=\u{07} there \u{1B}[2J and \u{202E}drow"
    static let hostileName = "Eve\u{1B}[31m Red"

    func hostileRepository() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", Self.hostileName, "--phone", "+1 555 0100", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", Self.hostileBody, in: repo)
        return repo
    }

    func testHumanOutputShowsControlCharactersEscaped() {
        let repo = hostileRepository()
        // Each command, with the escaped text it must show: the name, the body, or both.
        let name = "Eve^[[31m Red", body = "^[[2J"
        let commands: [([String], [String])] = [
            (["conversation", "list"], [name, body]), (["conversation", "open", "cv1"], [name, body]),
            (["conversation", "show", "cv1"], [name, body]), (["contact", "list"], [name]), (["contact", "show", "ct1"], [name]),
            (["message", "list"], [body]), (["message", "show", "ms1"], [body]), (["timeline", "ct1"], [name, body]),
        ]
        for (command, expected) in commands {
            let result = Inbox.run(command, in: repo.path)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            for raw in ["\u{1B}", "\u{07}", "\u{202E}"] {
                XCTAssertFalse(result.stdout.contains(raw), "\(command) printed a raw \(raw.unicodeScalars.first!.value): \(result.stdout)")
            }
            for text in expected { XCTAssertTrue(result.stdout.contains(text), "\(command) does not show \(text): \(result.stdout)") }
        }
        let shown = Inbox.run(["message", "show", "ms1"], in: repo.path).stdout
        XCTAssertTrue(shown.contains("Hi ^[]52;c;SGVsbG8=^G there ^[[2J and <U+202E>drow"), shown)
        let contact = Inbox.run(["contact", "show", "ct1"], in: repo.path).stdout
        XCTAssertTrue(contact.contains("Eve^[[31m Red"), contact)
        let list = Inbox.run(["contact", "list"], in: repo.path).stdout
        XCTAssertTrue(list.contains("Eve^[[31m Red"), list)
    }

    /// --json escapes control characters as JSON does: the byte never appears, \u001b does.
    func testJSONOutputEscapesControlCharacters() {
        let repo = hostileRepository()
        for command in [["message", "list"], ["contact", "show", "ct1"]] {
            let result = inbox(command[0], command[1], command.count > 2 ? command[2] : "--json", "--json", in: repo)
            XCTAssertFalse(result.stdout.contains("\u{1B}"), result.stdout)
            XCTAssertTrue(result.stdout.contains("\\u001b"), result.stdout)
        }
        let messages = inbox("message", "list", "--json", in: repo).jsonLines()
        XCTAssertEqual(messages.first?["text"] as? String, Self.hostileBody)
    }

    /// On a terminal the renderer's own bold still works, and is added after escaping.
    func testStylingIsAddedAfterEscaping() throws {
        let script = try requiredTool("script")
        let repo = hostileRepository()
        let result = Inbox.shell("\(script) -qec 'inbox contact list' /dev/null", in: repo.path,
                                 environment: Inbox.baseEnvironment().merging(["TERM": "xterm"]) { $1 })
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("\u{1B}[1mID"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Eve^[[31m Red"), result.stdout)
        XCTAssertFalse(result.stdout.contains("\u{1B}[31m"), result.stdout)
    }
}
