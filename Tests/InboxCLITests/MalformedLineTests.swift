import Foundation
import XCTest

/// Every kind of malformed line DESIGN §5 lists gives `PATH:LINE: reason`, exit 65, and leaves
/// the repository byte for byte as it was, for readers and writers alike.
final class MalformedLineTests: XCTestCase {
    struct Damage {
        let name: String
        let line: Int
        /// A word the reason must contain.
        let reasonMentions: String
        let apply: (inout [[UInt8]]) -> Void
    }

    static func replace(_ line: [UInt8], _ old: String, _ new: [UInt8]) -> [UInt8] {
        let text = Array(old.utf8)
        for i in 0...(line.count - text.count) where Array(line[i..<(i + text.count)]) == text {
            return Array(line[..<i]) + new + Array(line[(i + text.count)...])
        }
        fatalError("'\(old)' not in line")
    }

    static let damages: [Damage] = [
        Damage(name: "truncated", line: 2, reasonMentions: "truncated") { $0[1] = Array($0[1].prefix(40)) },
        Damage(name: "invalid UTF-8", line: 2, reasonMentions: "UTF-8") { $0[1] = replace($0[1], "Grace", [0xC3, 0x28]) },
        Damage(name: "CRLF", line: 2, reasonMentions: "carriage return") { $0[1] += [0x0D] },
        Damage(name: "byte-order mark", line: 1, reasonMentions: "byte-order mark") { $0[0] = [0xEF, 0xBB, 0xBF] + $0[0] },
        Damage(name: "trailing comma", line: 2, reasonMentions: "trailing comma") { $0[1] = Array($0[1].dropLast()) + Array(",}".utf8) },
        Damage(name: "duplicate key", line: 2, reasonMentions: "duplicate key") { $0[1] = replace($0[1], "\"company\"", Array("\"company\":null,\"company\"".utf8)) },
        Damage(name: "missing field", line: 2, reasonMentions: "missing field \"company\"") { $0[1] = replace($0[1], "\"company\":null,", []) },
        Damage(name: "wrong type", line: 2, reasonMentions: "\"tags\" must be") { $0[1] = replace($0[1], "\"tags\":[]", Array("\"tags\":\"vip\"".utf8)) },
        Damage(name: "unknown field", line: 2, reasonMentions: "unknown field") { $0[1] = replace($0[1], "{", Array("{\"colour\":\"red\",".utf8)) },
        Damage(name: "NUL byte", line: 2, reasonMentions: "NUL") { $0[1] = replace($0[1], "Grace", Array("Gr".utf8) + [0] + Array("ace".utf8)) },
        Damage(name: "empty line", line: 2, reasonMentions: "empty line") { $0.insert([], at: 1) },
        Damage(name: "bad timestamp", line: 2, reasonMentions: "UTC time") { $0[1] = replace($0[1], "2026-11-21T10:00:00Z", Array("yesterday".utf8)) },
    ]

    func testEveryKindOfMalformedLineIsReportedWithPathAndLineAndNothingIsWritten() throws {
        for damage in Self.damages {
            let repo = makeRepository()
            for name in ["Ada Lovelace", "Grace Hopper", "Alan Turing"] { inbox("contact", "add", name, in: repo) }
            let shard = repo.file(".inbox/contacts/0000.jsonl")
            var lines = readBytes(shard)!.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            lines.removeLast()  // the empty piece after the final newline
            damage.apply(&lines)
            let damaged = Data(lines.map { $0 + [0x0A] }.joined())
            try damaged.write(to: URL(fileURLWithPath: shard))
            let snapshot = try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox")).sorted()
                .map { ($0, readBytes(repo.file(".inbox/" + $0))) }

            let expectedPrefix = shard + ":\(damage.line): "
            // `contact show ct2` reads the damaged line itself; showing ct3 parses only ct3's.
            for command in [["contact", "list"], ["contact", "show", "ct2"], ["contact", "add", "New Person"],
                            ["contact", "edit", "ct1", "--company", "X"], ["contact", "note", "ct2", "hello"]] {
                let result = Inbox.run(command, in: repo.path)
                XCTAssertEqual(result.status, 65, "\(damage.name): inbox \(command.joined(separator: " ")): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix(expectedPrefix), "\(damage.name): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(damage.reasonMentions), "\(damage.name): \(result.stderr)")
            }
            let fsck = Inbox.run(["fsck"], in: repo.path)
            XCTAssertEqual(fsck.status, 65, damage.name)
            XCTAssertTrue(fsck.stdout.contains(expectedPrefix), "\(damage.name): \(fsck.stdout)")
            // fsck --repair refuses to rebuild from damaged sources, and writes nothing.
            XCTAssertEqual(Inbox.run(["fsck", "--repair"], in: repo.path).status, 65, damage.name)

            let after = try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox")).sorted()
                .map { ($0, readBytes(repo.file(".inbox/" + $0))) }
            XCTAssertEqual(after.map(\.0), snapshot.map(\.0), "\(damage.name): files appeared or vanished")
            for (a, b) in zip(after, snapshot) { XCTAssertEqual(a.1, b.1, "\(damage.name): \(a.0) changed") }
        }
    }

    func testNoFinalNewlineIsReportedOnTheLastLine() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada", in: repo)
        inbox("contact", "add", "Grace", in: repo)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        let bytes = readBytes(shard)!.dropLast()
        try Data(bytes).write(to: URL(fileURLWithPath: shard))
        let result = inbox("contact", "add", "Alan", in: repo, expect: 65)
        XCTAssertTrue(result.stderr.hasPrefix(shard + ":2: no newline at end of file"), result.stderr)
        XCTAssertEqual(readBytes(shard), Data(bytes))
    }

    /// A send parses only its contact's line of the contact shard (it rewrites none of them);
    /// a bad line there is still reported with its own line number, and nothing is written.
    func testASendReportsItsContactsBadLineByItsLineNumber() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: repo)
        inbox("contact", "add", "Alan Turing", in: repo)
        inbox("message", "send", "--contact", "ct2", "--channel", "email", "First", in: repo)
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        var lines = readBytes(shard)!.split(separator: 0x0A).map(Array.init)
        lines[1] = Self.replace(lines[1], "\"tags\":[]", Array("\"tags\":7".utf8))
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: shard))
        let snapshot = recordFiles(repo)
        let result = inbox("message", "send", "cv1", "Second", in: repo, expect: 65)
        XCTAssertTrue(result.stderr.hasPrefix(shard + ":2: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("\"tags\" must be"), result.stderr)
        XCTAssertEqual(recordFiles(repo), snapshot)
    }

    /// In a batch the contact shard is indexed by id after its first lookup; a bad line found
    /// through that index still names its own line, and the batch writes nothing.
    func testABatchOfSendsReportsABadContactLineByItsLineNumber() throws {
        let repo = makeRepository()
        for (n, name) in ["Ada Lovelace", "Grace Hopper", "Alan Turing"].enumerated() {
            inbox("contact", "add", name, "--email", "c\(n + 1)@example.com", in: repo)
            inbox("message", "send", "--contact", "ct\(n + 1)", "--channel", "email", "First", in: repo)
        }
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        var lines = readBytes(shard)!.split(separator: 0x0A).map(Array.init)
        lines[2] = Self.replace(lines[2], "\"tags\":[]", Array("\"tags\":7".utf8))
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: shard))
        let snapshot = recordFiles(repo)
        let script = "message send cv1 Again\nmessage send cv2 Again\nmessage send cv3 Again\n"
        let result = Inbox.run(["batch"], in: repo.path, stdin: script)
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertTrue(result.stderr.contains(shard + ":3: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("\"tags\" must be"), result.stderr)
        XCTAssertEqual(recordFiles(repo), snapshot)
    }

    func testFsckReportsEveryProblemNotJustTheFirst() throws {
        let repo = makeRepository()
        for name in ["Ada", "Grace", "Alan", "Edsger"] { inbox("contact", "add", name, "--email", "\(name.lowercased())@example.com", in: repo) }
        let shard = repo.file(".inbox/contacts/0000.jsonl")
        var lines = String(decoding: readBytes(shard)!, as: UTF8.self).split(separator: "\n").map(String.init)
        lines[0] = String(lines[0].dropLast()) + ",}"
        lines[2] = lines[2].replacingOccurrences(of: "\"tags\":[]", with: "\"tags\":7")
        try (lines.joined(separator: "\n") + "\n").write(toFile: shard, atomically: false, encoding: .utf8)
        // A note about a contact that does not exist, and a stale index entry elsewhere.
        try #"{"id":"nt1","contact":"ct9","text":"orphan","author":"x","at":"2026-11-21T10:00:00Z"}"#.appending("\n")
            .write(toFile: repo.file(".inbox/notes/0000.jsonl"), atomically: false, encoding: .utf8)
        let result = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(result.stdout.contains(shard + ":1: "), result.stdout)
        XCTAssertTrue(result.stdout.contains(shard + ":3: "), result.stdout)
        XCTAssertTrue(result.stdout.contains("notes/0000.jsonl:1: note nt1 refers to contact ct9"), result.stdout)
        XCTAssertTrue(result.stderr.contains("problems"), result.stderr)
    }

    func testFsckRepairRebuildsADamagedIndexFromTheContacts() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada", "--phone", "+1 555 0100", "--email", "ada@example.com", in: repo)
        let index = repo.file(".inbox/index/addresses")
        for name in try FileManager.default.contentsOfDirectory(atPath: index) {
            try FileManager.default.removeItem(atPath: index + "/" + name)
        }
        try #"{"address":"+19999999","contact":"ct1"}"#.appending("\n").write(toFile: index + "/00.jsonl", atomically: false, encoding: .utf8)
        let broken = inbox("fsck", in: repo, expect: 65)
        XCTAssertEqual(broken.lines.count, 3, broken.stdout)
        // The damaged index lets a duplicate through; repair puts it right.
        inbox("fsck", "--repair", in: repo)
        inbox("fsck", in: repo)
        inbox("contact", "add", "Copy", "--phone", "+1 555 0100", in: repo, expect: 1)
    }
}
