import Foundation
import XCTest
@testable import InboxCLI

/// Issue 13 item 6: an option's allowed values and its name are declared once, in its spec;
/// these tests hold the parse, its error message and the sources to that declaration.
final class OptionRegistryTests: XCTestCase {
    /// A value outside an option's `.choices` is refused at once, and the message names every
    /// choice the completion offers, no more and no fewer.
    /// What a command needs besides the option under test to get as far as reading it.
    static func needs(_ command: String, besides option: String) -> [String] {
        var words = needed[command] ?? []
        if let at = words.firstIndex(of: "--" + option) { words.removeSubrange(at...at + 1) }
        return words
    }

    static let needed: [String: [String]] = [
        "conversation create": ["--contact", "ct1"], "message send": ["--contact", "ct1"], "message receive": ["--contact", "ct1"],
        "contact dnd": ["ct1"], "task create": ["--contact", "ct1", "--kind", "question"],
        "log add": ["--contact", "ct1", "--kind", "call"],
    ]

    func testEveryOptionWithChoicesRefusesOthersNamingExactlyItsChoices() {
        let dir = TempDirectory()
        var checked: [String] = []
        for spec in CommandTable.shared.entries {
            for option in spec.options {
                guard case .choices(let choices) = option.completion else { continue }
                let positionals = spec.arguments.filter { !$0.optional }.map { _ in "x1" }
                let argv = spec.name.split(separator: " ").map(String.init) + positionals + Self.needs(spec.name, besides: option.long) + ["--" + option.long, "bogus-choice"]
                let result = InProcessInbox.run(argv, in: dir.path)
                let name = "inbox \(argv.joined(separator: " "))"
                XCTAssertEqual(result.status, 64, "\(name): \(result.stderr)")
                let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
                XCTAssertTrue(first.hasPrefix("Error: ") && first.contains("'bogus-choice'"), "\(name): \(first)")
                let named = Set(first.split(whereSeparator: { " ,'()".contains($0) }).map(String.init))
                XCTAssertEqual(Set(choices).subtracting(named), [], "\(name): the message leaves out choices: \(first)")
                checked.append(spec.name + " --" + option.long)
            }
        }
        XCTAssertGreaterThan(checked.count, 15, checked.joined(separator: "\n"))
    }

    /// Options are read by name (`arguments.value("company")`); each name a command's file reads
    /// must be one its spec declares, or the lookup silently finds nothing. Files without a spec
    /// (shared helpers) may read any name some command declares.
    func testEveryOptionNameACommandReadsIsDeclaredInItsSpec() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let commands = root.appendingPathComponent("Sources/InboxCLI/Commands").path
        let specs = Dictionary(CommandTable.shared.entries.map { ($0.name, Set($0.options.map(\.long))) }, uniquingKeysWith: { a, _ in a })
        let everyOption = specs.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let specPattern = try NSRegularExpression(pattern: #"CommandSpec\(\s*noun: "([^"]+)"(?:, verb: "([^"]+)")?"#)
        // Names read one by one, and lists of names read in a loop (`[…].filter(arguments.has)`,
        // `for option in […] { try arguments.… }`).
        let readPattern = try NSRegularExpression(pattern: #"arguments\.(?:value|flag|list|has|int|exclusive|choices?)\(((?:"[^"]+"(?:, )?)+)|\[((?:"[^"]+"(?:, )?)+)\](?:\.filter\(arguments\.| \{ try arguments\.)"#)
        let namePattern = try NSRegularExpression(pattern: #""([^"]+)""#)
        var read = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: commands) where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: commands + "/" + file, encoding: .utf8)
            let whole = NSRange(text.startIndex..., in: text)
            func group(_ match: NSTextCheckingResult, _ i: Int) -> String? { Range(match.range(at: i), in: text).map { String(text[$0]) } }
            let owner = specPattern.firstMatch(in: text, range: whole).map { m in [group(m, 1), group(m, 2)].compactMap { $0 }.joined(separator: " ") }
            for match in readPattern.matches(in: text, range: whole) {
                let list = group(match, 1) ?? group(match, 2)!
                for name in namePattern.matches(in: list, range: NSRange(list.startIndex..., in: list)).compactMap({ Range($0.range(at: 1), in: list).map { String(list[$0]) } }) {
                    let declared = owner.flatMap { specs[$0] } ?? everyOption
                    XCTAssertTrue(declared.contains(name), "\(file) reads --\(name), which \(owner.map { "inbox " + $0 } ?? "no command") does not declare")
                    read += 1
                }
            }
        }
        XCTAssertGreaterThan(read, 150)
    }
}
