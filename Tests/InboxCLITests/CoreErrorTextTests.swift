import Foundation
import XCTest

/// Issue 13 item 7: the core names what was wrong and what would fix it as data (`InputField`,
/// `Remedy`); only the command line spells options. This walk over the core's source holds it
/// there: no string literal in Sources/InboxCore carries option text (`--name`) or names a
/// command (`inbox user list`), except the arguments the core passes to git, which are git's
/// options, not ours.
final class CoreErrorTextTests: XCTestCase {
    func testNoStringInTheCoreSpellsACommandLineOption() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let core = root.appendingPathComponent("Sources/InboxCore").path
        let literal = try NSRegularExpression(pattern: #""(?:[^"\\]|\\.)*--(?:[a-z]|\\\()(?:[^"\\]|\\.)*""#)
        var offending: [String] = []
        var scanned = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: core) where file.hasSuffix(".swift") {
            let lines = try String(contentsOfFile: core + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            scanned += 1
            for (index, line) in lines.enumerated() {
                let code = String(line)
                if code.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                // git's own options, in the argument lists the core hands to git.
                if code.contains("git.") { continue }
                if literal.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    offending.append("\(file):\(index + 1): \(code.trimmingCharacters(in: .whitespaces))")
                }
                // A command named in core text (`see 'inbox user list'`); the headers written
                // into the files `sync init` makes say which command wrote them.
                // Git commit messages likewise name the command that made the commit.
                if !code.contains("Written by"), !code.contains("commitLocal("),
                   code.range(of: #""[^"]*\binbox (init|upgrade|fsck|sync|hook|template|user|contact|config|conversation|message|task|log|tag|export|import|batch|fixture|report)\b"#, options: .regularExpression) != nil {
                    offending.append("\(file):\(index + 1): command: \(code.trimmingCharacters(in: .whitespaces))")
                }
                // A field or remedy interpolated into an untyped `let` becomes a String, spelled
                // by `String(describing:)` ("repair(effect: …)") instead of by the command line.
                if code.range(of: #"(let|var) [a-zA-Z]+ = ".*\\\((placeholder: )?(Remedy|InputField)\."#, options: .regularExpression) != nil {
                    offending.append("\(file):\(index + 1): untyped: \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 50)
        XCTAssertEqual(offending, [], "core text spelling a command-line option:\n" + offending.joined(separator: "\n"))
    }
}
