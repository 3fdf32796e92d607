import Foundation
import XCTest

/// inbox-repository(5) describes every file a user will see, grep and commit (issue 12 item 12):
/// a repository that has been through every kind of command holds no file the page leaves out.
final class RepositoryManualTests: XCTestCase {
    var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// `.It Pa .inbox/...` entries as patterns: the page's placeholders (NNNN, cvN, XX, SHA256,
    /// YYYY-MM-DDTHH, NAME, PID, N, ID) stand for what the store puts there.
    func manualPatterns() throws -> [(entry: String, regex: NSRegularExpression)] {
        let page = try String(contentsOfFile: root + "/man/inbox-repository.5", encoding: .utf8)
        let placeholders: [(String, String)] = [
            ("YYYY-MM-DDTHH", "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}"), ("SHA256", "[0-9a-f]{64}"), ("NNNN", "[0-9a-z]{2,}"),
            ("NAME", "[^/]+"), ("PID", "[0-9]+"), ("XX", "[^/]{2}"), ("ID", "[^/]+"), ("cvN", "cv[0-9a-z]+"), ("N", "[0-9]+"),
        ]
        return try page.split(separator: "\n").filter { $0.hasPrefix(".It Pa .inbox/") }.map { line in
            let entry = String(line.dropFirst(".It Pa ".count).split(separator: " ").first ?? "")
            var pattern = ""
            var rest = Substring(entry)
            outer: while !rest.isEmpty {
                for (word, regex) in placeholders where rest.hasPrefix(word) {
                    pattern += regex
                    rest = rest.dropFirst(word.count)
                    continue outer
                }
                pattern += NSRegularExpression.escapedPattern(for: String(rest.first!))
                rest = rest.dropFirst()
            }
            return (entry, try NSRegularExpression(pattern: "^" + pattern + "$"))
        }
    }

    func testEveryFileOfAWellUsedRepositoryIsDescribedInTheManual() throws {
        let repo = makeRepository()
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        inbox("fixture", "--contacts", "30", "--conversations", "40", "--messages", "200", "--seed", "3", in: repo, environment: env)
        let pdf = repo.file("w2.pdf")
        XCTAssertTrue(FileManager.default.createFile(atPath: pdf, contents: Data("%PDF-1.4 W-2".utf8)))
        inbox("task", "create", "--contact", "ct1", "--kind", "question", "Please upload your W-2", in: repo, environment: env)
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "--duration", "5m", "Called", in: repo, environment: env)
        inbox("contact", "note", "ct2", "Prefers email", in: repo, environment: env)
        inbox("template", "add", "followup", "Hi {first_name}, any news?", in: repo, environment: env)
        inbox("message", "send", "--contact", "ct3", "--channel", "email", "Your form", "--attach", pdf, in: repo, environment: env)
        inbox("message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo, environment: env)
        installHook("#!/bin/sh\nexit 0\n", in: repo)
        inbox("message", "flush", "--now", "2026-06-02T12:00:00Z", in: repo, environment: env)
        inbox("fsck", in: repo, environment: env)

        let patterns = try manualPatterns()
        XCTAssertGreaterThan(patterns.count, 15, "the page's FILES list was not found")
        let store = repo.file(".inbox")
        var seen = Set<String>()
        for path in try FileManager.default.subpathsOfDirectory(atPath: store).sorted() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: store + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let full = ".inbox/" + path
            let range = NSRange(full.startIndex..., in: full)
            let matches = patterns.filter { $0.regex.firstMatch(in: full, range: range) != nil }
            XCTAssertFalse(matches.isEmpty, "inbox-repository(5) does not describe \(full)")
            seen.formUnion(matches.map(\.entry))
        }
        // The walk saw the kinds of files this test set out to make.
        for kind in [".inbox/tasks/NNNN.jsonl", ".inbox/log/NNNN.jsonl", ".inbox/notes/NNNN.jsonl", ".inbox/hooks/deliver",
                     ".inbox/messages/NNNN/cvN.jsonl", ".inbox/attachments/XX/SHA256"] {
            XCTAssertTrue(seen.contains(kind), "no file of \(kind) was made, or the page names it differently; seen: \(seen.sorted())")
        }
    }
}
