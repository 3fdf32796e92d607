import Foundation
import XCTest

/// Numbers read from input or from the repository are bounded (issue 10, item 8): an id has at
/// most 12 digits, a counter at most 999999999999, shard names grow past four digits, and no
/// input ends in a signal.
final class IDBoundsTests: XCTestCase {
    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func testHugeIdsAreNotFoundOrMalformedNeverACrash() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        let digits = ["1000000000000000000", "99999999999999999999999999", "1000000000000", "9223372036854775807", "9223372036854775808"]
        for number in digits {
            for (noun, prefix) in [("contact", "ct"), ("conversation", "cv"), ("message", "ms"), ("task", "tk")] {
                let result = Inbox.run([noun, "show", prefix + number], in: repo.path)
                XCTAssertTrue([64, 66].contains(result.status), "\(noun) show \(prefix)\(number): \(result.status) \(result.stderr)")
            }
            let tagged = Inbox.run(["contact", "tag", "ct" + number, "--add", "vip"], in: repo.path)
            XCTAssertTrue([64, 66].contains(tagged.status), "contact tag ct\(number): \(tagged.status) \(tagged.stderr)")
        }
        inbox("fsck", in: repo)
    }

    func testAHugeCounterIsBadDataAndAddNeverCrashes() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        let sequences = repo.file(".inbox/sequences.jsonl")
        for last in ["9223372036854775807", "1000000000000"] {
            try write(#"{"prefix":"ct","last":\#(last)}"# + "\n", to: sequences)
            for command in [["contact", "add", "Grace Hopper"], ["contact", "show", "ct"], ["fsck"]] {
                let result = Inbox.run(command, in: repo.path)
                let said = result.stdout + result.stderr
                XCTAssertEqual(result.status, 65, "last \(last): inbox \(command.joined(separator: " ")): \(said)")
                XCTAssertTrue(said.contains(sequences + ":1: field \"last\""), said)
            }
        }
        // The very last id is issued once; after it, adding is refused and the repository stays sound.
        try write(#"{"prefix":"ct","last":999999999998}"# + "\n", to: sequences)
        XCTAssertEqual(inbox("contact", "add", "Grace Hopper", in: repo).stdout, "Added contact ct999999999999 Grace Hopper\n")
        let refused = inbox("contact", "add", "Alan Turing", in: repo, expect: 1)
        XCTAssertTrue(refused.stderr.contains("no ct ids left"), refused.stderr)
        inbox("fsck", in: repo)
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo.file(".inbox/contacts/999999999.jsonl")))
    }

    func testImportedHighIdsStayConsistentAcrossTheFourDigitShardBoundary() throws {
        let source = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: source)
        let line = inbox("export", in: source).lines.first { $0.contains(#""type":"contact""#) }!
        let input = source.file("high.jsonl")
        try write(line.replacingOccurrences(of: #""id":"ct1""#, with: #""id":"ct9999999""#) + "\n", to: input)

        let repo = makeRepository()
        inbox("import", input, in: repo)
        XCTAssertEqual(inbox("contact", "add", "Grace Hopper", in: repo).stdout, "Added contact ct10000000 Grace Hopper\n")
        inbox("contact", "add", "Alan Turing", in: repo)
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo.file(".inbox/contacts/10000.jsonl")))
        let fsck = inbox("fsck", in: repo)
        XCTAssertTrue(fsck.stderr.contains("no problems"), fsck.stderr)
        // Newest first, across the shard that sorts before 9999.jsonl by spelling.
        XCTAssertEqual(inbox("contact", "list", "--limit", "3", "-q", in: repo).lines, ["ct10000001", "ct10000000", "ct9999999"])
        XCTAssertEqual(inbox("contact", "show", "ct9999999", "-q", in: repo).status, 0)

        // Thirteen digits is not an id: INPUT:LINE: reason, nothing written.
        try write(line.replacingOccurrences(of: #""id":"ct1""#, with: #""id":"ct1000000000000""#) + "\n", to: input)
        let refused = inbox("import", input, in: repo, expect: 65)
        XCTAssertTrue(refused.stderr.contains(input + ":1: "), refused.stderr)
        inbox("fsck", in: repo)
    }

    func testFsckChecksEveryCounterAgainstTheIdsInUseAndRepairRaisesIt() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "W-2", in: repo)
        inbox("log", "add", "--contact", "ct1", "--kind", "call", "Talked", in: repo)
        let sequences = repo.file(".inbox/sequences.jsonl")
        try write(#"{"prefix":"ct","last":1}"# + "\n" + #"{"prefix":"lg","last":0}"# + "\n" + #"{"prefix":"tk","last":0}"# + "\n", to: sequences)
        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains(sequences + ":2: the lg counter is 0 but lg1 is in use"), fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains(sequences + ":3: the tk counter is 0 but tk1 is in use"), fsck.stdout)
        inbox("fsck", "--repair", in: repo)
        inbox("fsck", in: repo)
        XCTAssertEqual(inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "1099", "-q", in: repo).stdout, "tk2\n")
    }

    func testCountsInTheRepositoryThatWouldOverflowAreBadData() throws {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        inbox("config", "set", "sms.from", "+1 555 0199", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo)
        inbox("message", "schedule", "cv1", "Later", "--at", "+1m", in: repo)
        let later = Inbox.baseEnvironment(now: "2026-11-21T10:05:00Z")
        for (path, field) in [(".inbox/messages/0000/cv1.jsonl", "attempts"), (".inbox/conversations/0000.jsonl", "message_count")] {
            let original = readBytes(repo.file(path))!
            let text = String(decoding: original, as: UTF8.self)
            let damaged = text.replacingOccurrences(of: #""\#(field)":0"#, with: #""\#(field)":9223372036854775807"#)
            XCTAssertNotEqual(damaged, text)
            try write(damaged, to: repo.file(path))
            for command in [["message", "flush"], ["message", "receive", "--contact", "ct1", "--channel", "sms", "Hi"], ["fsck"]] {
                let result = Inbox.run(command, in: repo.path, environment: later)
                XCTAssertEqual(result.status, 65, "\(field): inbox \(command.joined(separator: " ")): \(result.stdout + result.stderr)")
                XCTAssertTrue((result.stdout + result.stderr).contains(repo.file(path) + ":1: field \"\(field)\""), result.stdout + result.stderr)
            }
            try original.write(to: URL(fileURLWithPath: repo.file(path)))
        }
        inbox("message", "flush", in: repo, environment: later)
        inbox("fsck", in: repo)
    }

    func testDurationsAndLimitsOfAnySizeAreUsageErrors() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", in: repo)
        for duration in ["9999999d9999999d9999999d", "99999999999999999999s", String(repeating: "9999999d", count: 2000)] {
            let result = inbox("log", "add", "--contact", "ct1", "--kind", "call", "x", "--duration", duration, in: repo, expect: 64)
            XCTAssertTrue(result.stderr.contains("--duration"), result.stderr)
        }
        for limit in ["99999999999999999999", "-1"] { inbox("contact", "list", "--limit", limit, in: repo, expect: 64) }
        XCTAssertEqual(inbox("contact", "list", "--limit", "9223372036854775807", "-q", in: repo).lines, ["ct1"])
        inbox("--lock-timeout", "1e300", "contact", "list", in: repo, expect: 64)
    }
}
