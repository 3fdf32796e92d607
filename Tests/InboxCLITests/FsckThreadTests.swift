import Foundation
import XCTest

/// fsck reads each thread file once, on two threads, and judges a file that holds only its own
/// conversation's messages without sorting them by conversation: every check of a message must
/// still be made, in file and line order, whether its file is judged that way or not.
final class FsckThreadTests: XCTestCase {
    var env: [String: String] {
        var env = Inbox.baseEnvironment(now: "2026-06-02T10:00:00Z")
        env["INBOX_USER"] = "alice"
        return env
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    func field(_ key: String, of line: String) throws -> String {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try XCTUnwrap(object[key] as? String)
    }

    func testEveryMessageCheckIsMadeInFileAndLineOrder() throws {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "5", "--conversations", "6", "--messages", "30", "--seed", "5", in: repo)
        func thread(_ n: Int) -> String { repo.file(".inbox/messages/0000/cv\(n).jsonl") }
        let first = try lines(thread(1))[0]
        // A message already in cv1's thread, again in cv2's.
        var two = try lines(thread(2))
        two.append(first)
        try write(two, to: thread(2))
        // cv1's message with a new id, in cv3's thread.
        var three = try lines(thread(3))
        three.append(first.replacingOccurrences(of: #""id":"ms1""#, with: #""id":"ms900""#))
        try write(three, to: thread(3))
        // A message naming another contact than its conversation's.
        var four = try lines(thread(4))
        let contact = try field("contact", of: four[0]), channel = try field("channel", of: four[0])
        four[0] = four[0].replacingOccurrences(of: #""contact":"\#(contact)""#, with: #""contact":"ct9""#)
        try write(four, to: thread(4))
        // An inbound message with a state.
        var five = try lines(thread(5))
        XCTAssertEqual(try field("direction", of: five[0]), "in")
        five[0] = five[0].replacingOccurrences(of: #""state":null"#, with: #""state":"sent""#)
        try write(five, to: thread(5))
        // An attachment whose file is missing, and a message of a conversation that does not exist.
        var six = try lines(thread(6))
        let hash = String(repeating: "ab", count: 32)
        six[0] = six[0].replacingOccurrences(of: #""attachments":[]"#, with: #""attachments":[{"name":"a.txt","sha256":"\#(hash)","size":1,"kind":"document","path":"attachments/ab/\#(hash)"}]"#)
        six.append(six[1].replacingOccurrences(of: #""conversation":"cv6""#, with: #""conversation":"cv99""#)
            .replacingOccurrences(of: #""id":"\#(try field("id", of: six[1]))""#, with: #""id":"ms901""#))
        try write(six, to: thread(6))

        let broken = inbox("fsck", in: repo, expect: 65, environment: env).stdout
        let expected = [
            thread(2) + ":\(two.count): duplicate message id ms1",
            thread(3) + ":\(three.count): message ms900 belongs in messages/0000/cv1.jsonl",
            thread(3) + ":\(three.count): message ms900 is above the last id issued",
            thread(4) + ":1: message \(try field("id", of: four[0])) says contact ct9 on \(channel); its conversation cv4 is \(contact) on \(channel)",
            thread(5) + ":1: message \(try field("id", of: five[0])): only outbound messages have a state",
            thread(6) + ":1: message \(try field("id", of: six[0])): attachment attachments/ab/\(hash) is missing",
            thread(6) + ":\(six.count): message ms901 refers to conversation cv99, which does not exist",
        ]
        var from = broken.startIndex
        for line in expected {
            guard let found = broken.range(of: line, range: from..<broken.endIndex) else {
                return XCTFail("missing, or out of order: \(line)\n\(broken)")
            }
            from = found.upperBound
        }
    }
    /// A file of its own conversation's messages, each as it should be on its own, is checked
    /// on the decoding thread; what only the whole repository shows (an id met in an earlier
    /// file or twice in this one) and the attachments' files must still be reported, in order.
    func testAThreadFileThatLooksSoundIsStillCheckedAgainstTheOthers() throws {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "5", "--conversations", "6", "--messages", "30", "--seed", "5", in: repo)
        func thread(_ n: Int) -> String { repo.file(".inbox/messages/0000/cv\(n).jsonl") }
        XCTAssertEqual(try field("id", of: try lines(thread(1))[0]), "ms1")
        // cv2's last message takes the id of cv1's first.
        var two = try lines(thread(2))
        let renamed = try field("id", of: two[two.count - 1])
        two[two.count - 1] = two[two.count - 1].replacingOccurrences(of: #""id":"\#(renamed)""#, with: #""id":"ms1""#)
        try write(two, to: thread(2))
        // cv3's first message twice in its own thread.
        var three = try lines(thread(3))
        three.append(three[0])
        try write(three, to: thread(3))
        // An attachment whose file is missing, and one whose file is not what its name says.
        let missing = String(repeating: "ab", count: 32), wrong = String(repeating: "cd", count: 32)
        func attach(_ hash: String) -> String {
            #""attachments":[{"name":"a.txt","sha256":"\#(hash)","size":1,"kind":"document","path":"attachments/\#(hash.prefix(2))/\#(hash)"}]"#
        }
        var four = try lines(thread(4))
        four[0] = four[0].replacingOccurrences(of: #""attachments":[]"#, with: attach(missing))
        try write(four, to: thread(4))
        var five = try lines(thread(5))
        five[0] = five[0].replacingOccurrences(of: #""attachments":[]"#, with: attach(wrong))
        try write(five, to: thread(5))
        try FileManager.default.createDirectory(atPath: repo.file(".inbox/attachments/cd"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: repo.file(".inbox/attachments/cd/\(wrong)")))

        let out = inbox("fsck", in: repo, expect: 65, environment: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(out.prefix(4)), [
            thread(2) + ":\(two.count): duplicate message id ms1",
            thread(3) + ":\(three.count): duplicate message id \(try field("id", of: three[0]))",
            thread(4) + ":1: message \(try field("id", of: four[0])): attachment attachments/ab/\(missing) is missing",
            repo.file(".inbox/attachments/cd/\(wrong)") + ": content does not match its SHA-256 name (used by \(try field("id", of: five[0])))",
        ])
        // The duplicate is left out of cv2's thread, which its summary then no longer matches.
        XCTAssertTrue(out.contains(repo.file(".inbox/conversations/0000.jsonl") + ": conversation cv2: message_count \(two.count), messages say \(two.count - 1) (inbox fsck --repair rebuilds summaries)"), out.joined(separator: "\n"))
    }
}
