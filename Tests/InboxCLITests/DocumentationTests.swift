import Foundation
import XCTest

/// The man page is generated from the command table; the committed copy must match it, so no
/// command or option can be added without reaching the page.
final class DocumentationTests: XCTestCase {
    var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func testCommittedManPageMatchesTheCommandTable() throws {
        let dir = TempDirectory()
        let generated = Inbox.run(["__manpage"], in: dir.path)
        XCTAssertEqual(generated.status, 0)
        let committed = try String(contentsOfFile: root + "/man/inbox.1", encoding: .utf8)
        XCTAssertEqual(committed, generated.stdout, "man/inbox.1 is stale: run '.build/debug/inbox __manpage > man/inbox.1'")
    }

    func testEveryCommandAndLongOptionIsInTheManPageAndHelp() throws {
        let dir = TempDirectory()
        let page = try String(contentsOfFile: root + "/man/inbox.1", encoding: .utf8)
        let overview = Inbox.run(["help"], in: dir.path).stdout
        let helpOf = { (args: [String]) in Inbox.run(["help"] + args, in: dir.path).stdout }
        // The table as the binary reports it: every "noun verb" line of the overview.
        let commands = overview.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("Commands:") }.dropFirst().prefix { !$0.isEmpty }
        XCTAssertGreaterThan(commands.count, 10)
        for line in commands {
            let usage = helpOf(line.split(separator: " ").prefix(2).map(String.init).filter { $0.first!.isLowercase })
            let synopsis = usage.split(separator: "\n").first.map(String.init) ?? ""
            let name = synopsis.replacingOccurrences(of: "Usage: ", with: "")
            XCTAssertTrue(page.contains(".Ss " + name), "man page lacks \(name)")
            for word in usage.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }) where word.hasPrefix("--") {
                let option = word.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
                XCTAssertTrue(page.contains("Fl -" + option.dropFirst(2)), "man page lacks \(option) (from \(name))")
            }
        }
    }

    func testARepeatableOptionSaysSoOnceInTheManPageAndHelp() throws {
        let dir = TempDirectory()
        let page = try String(contentsOfFile: root + "/man/inbox.1", encoding: .utf8)
        let help = Inbox.run(["contact", "add", "--help"], in: dir.path).stdout
        XCTAssertFalse(page.contains("(repeatable) (repeatable)"))
        XCTAssertFalse(help.contains("(repeatable) (repeatable)"))
        XCTAssertTrue(help.contains("email address (repeatable)"), help)
    }
}
