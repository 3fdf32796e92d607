import Foundation
import XCTest

/// fsck judges derived files on two threads and reads again only those that differ: a damaged
/// address, message or contact-conversation index must still be found line by line, in the
/// order fsck has always reported (contacts' indexes, then the threads' message index, then the
/// contact-conversation index), and `--repair` must rebuild them.
final class FsckDerivedIndexTests: XCTestCase {
    var env: [String: String] {
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        return env
    }

    /// The lines of a file, and the file rewritten without line `drop` (1-based) and with
    /// `replace` applied to line `change`.
    func damage(_ path: String, drop: Int, change: Int? = nil, _ replace: (String) -> String = { $0 }) throws -> [String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var kept: [String] = []
        for (i, line) in lines.enumerated() where i + 1 != drop { kept.append(i + 1 == change ? replace(line) : line) }
        try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return lines
    }

    func field(_ key: String, of line: String) throws -> String {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try XCTUnwrap(object[key] as? String)
    }

    func testDamagedAddressMessageAndContactConversationIndexesAreFoundInOrder() throws {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "40", "--conversations", "120", "--messages", "600", "--seed", "5", in: repo)
        let addresses = repo.file(".inbox/index/addresses")
        let addressFile = addresses + "/" + (try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: addresses).sorted().first))
        let addressLines = try damage(addressFile, drop: 1)
        let messages = repo.file(".inbox/index/messages/0000.jsonl")
        let messageLines = try damage(messages, drop: 3, change: 5) { $0.replacingOccurrences(of: #""conversation":"cv"#, with: #""conversation":"cv9"#) }
        let byContact = repo.file(".inbox/index/contact-conversations/0000.jsonl")
        let contactLines = try damage(byContact, drop: 1)

        let broken = inbox("fsck", in: repo, expect: 65, environment: env).stdout
        let stale = try field("message", of: messageLines[4])
        let expected = [
            addressFile + ": index lacks \(try field("address", of: addressLines[0])) → \(try field("contact", of: addressLines[0]))",
            messages + ":4: stale index entry: \(stale) is not in cv9\(try field("conversation", of: messageLines[4]).dropFirst(2))",
            messages + ": index lacks message \(try field("message", of: messageLines[2]))",
            byContact + ": index lacks conversation \(try field("conversation", of: contactLines[0]))",
        ]
        var from = broken.startIndex
        for line in expected {
            guard let found = broken.range(of: line, range: from..<broken.endIndex) else {
                return XCTFail("missing, or out of order: \(line)\n\(broken)")
            }
            from = found.upperBound
        }
        inbox("fsck", "--repair", in: repo, environment: env)
        inbox("fsck", in: repo, environment: env)
    }
    /// The contact-conversation index is compared as bytes with what repair writes; a file that
    /// differs is read line by line: an entry naming another contact is stale, lines merely
    /// out of order are not reported (no reader relies on their order).
    func testAContactConversationFileThatDiffersIsReadLineByLine() throws {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "40", "--conversations", "120", "--messages", "600", "--seed", "5", in: repo)
        let byContact = repo.file(".inbox/index/contact-conversations/0000.jsonl")
        let lines = try String(contentsOfFile: byContact, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(lines.count, 2)
        try ([lines[1], lines[0]] + lines.dropFirst(2)).joined(separator: "\n").appending("\n").write(toFile: byContact, atomically: false, encoding: .utf8)
        inbox("fsck", in: repo, environment: env)

        let (contact, conversation) = (try field("contact", of: lines[0]), try field("conversation", of: lines[0]))
        let other = try XCTUnwrap(lines.map { try field("contact", of: $0) }.first { $0 != contact })
        let stale = lines[0].replacingOccurrences(of: #""contact":"\#(contact)""#, with: #""contact":"\#(other)""#)
        try ([stale] + lines.dropFirst()).joined(separator: "\n").appending("\n").write(toFile: byContact, atomically: false, encoding: .utf8)
        let broken = inbox("fsck", in: repo, expect: 65, environment: env).stdout
        XCTAssertEqual(broken.split(separator: "\n").map(String.init), [
            byContact + ":1: stale index entry: \(conversation) is not \(other)'s (inbox fsck --repair rebuilds the index)",
        ])
        inbox("fsck", "--repair", in: repo, environment: env)
        XCTAssertEqual(try String(contentsOfFile: byContact, encoding: .utf8), lines.joined(separator: "\n") + "\n")
    }
}
