import Foundation
import XCTest

/// Issue 13 item 6: a closed set of values is one `CaseIterable` enum, which drives parsing
/// (`arguments.choice`), the error that lists it and completion (`.cases`); completion from the
/// repository names a `CompletionSource`. This walk over the command-line sources finds the
/// hand-written copies that would drift: literal choice lists, lists mapped from an enum instead
/// of `.cases`, "must be X, Y or Z" messages written by hand, and completion sources as strings.
final class ChoiceDeclarationTests: XCTestCase {
    func testEveryClosedSetOfValuesIsDeclaredOnceAsAnEnum() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let cli = root.appendingPathComponent("Sources/InboxCLI").path
        let patterns: [(String, String)] = [
            (#"\.choices\(\["#, "a choice list written out"),
            (#"\.choices\([A-Za-z.]+\.allCases"#, "an enum's cases mapped by hand (use .cases)"),
            (#"\.choices\([A-Za-z.]+\.all\b"#, "a list of names instead of the enum"),
            (#"\.repository\(""#, "a completion source spelled as a string"),
            (#"must be (one of )?\\\(|must be [a-z]+(, [a-z]+)* or [a-z]+"#, "allowed values listed by hand in a message"),
            // A choice parsed by hand must still list the enum's own cases.
            (#"\(rawValue: [a-z]+\) else \{ throw InboxError\.usage\((?!.*alternatives\()"#, "a choice parsed by hand"),
        ]
        var offending: [String] = []
        var scanned = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: cli) where file.hasSuffix(".swift") && !["ParsedArguments.swift", "CommandSpec.swift"].contains(where: file.hasSuffix) {
            let lines = try String(contentsOfFile: cli + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            scanned += 1
            for (index, line) in lines.enumerated() {
                let code = String(line)
                for (pattern, what) in patterns where code.range(of: pattern, options: .regularExpression) != nil {
                    offending.append("\(file):\(index + 1): \(what): \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 60)
        XCTAssertEqual(offending, [], "\n" + offending.joined(separator: "\n"))
    }
}
