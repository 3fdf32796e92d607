import Foundation
import XCTest

/// `inbox merge-file BASE OURS THEIRS PATH`, git's merge driver, on record files made by the
/// real commands: a base repository copied twice, each copy changed, the files merged both ways.
final class MergeFileTests: XCTestCase {
    let env = { (now: String) -> [String: String] in
        var env = Inbox.baseEnvironment(now: now)
        env["INBOX_USER"] = "alice"
        return env
    }

    /// A repository with alice, contact ct1 (tagged old, a custom field), conversation cv1 and
    /// ms1 scheduled for 10:00.
    func makeBase() -> TempDirectory {
        let repo = makeRepository()
        let e = env("2026-11-30T09:00:00Z")
        inbox("user", "add", "alice", "--role", "admin", in: repo, environment: e)
        inbox("config", "set", "sms.from", "+12125550199", in: repo, environment: e)
        inbox("contact", "add", "Ann Lee", "--phone", "+12125550100", "--tag", "old", "--field", "plan=basic", in: repo, environment: e)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "sms", in: repo, environment: e)
        inbox("message", "schedule", "cv1", "Ready", "--at", "2026-11-30T10:00:00Z", in: repo, environment: e)
        return repo
    }

    func fork(_ base: TempDirectory) throws -> TempDirectory {
        let copy = TempDirectory()
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: base.path, toPath: copy.path)
        return copy
    }

    func run(_ args: [String], at now: String, in repo: TempDirectory) { inbox(Array(args), in: repo, environment: env(now)) }

    func inbox(_ arguments: [String], in dir: TempDirectory, environment: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        let result = Inbox.run(arguments, in: dir.path, environment: environment)
        XCTAssertEqual(result.status, 0, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    }

    /// Merges `relative` of the three repositories both ways; asserts both give the same bytes
    /// and returns them.
    func mergeBothWays(_ relative: String, base: TempDirectory, ours: TempDirectory, theirs: TempDirectory,
                       file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let work = TempDirectory()
        var results: [Data] = []
        for (a, b) in [(ours, theirs), (theirs, ours)] {
            let o = work.file("ours"), t = work.file("theirs"), bs = work.file("base")
            for (from, to) in [(base, bs), (a, o), (b, t)] {
                try? FileManager.default.removeItem(atPath: to)
                try FileManager.default.copyItem(atPath: from.file(".inbox/" + relative), toPath: to)
            }
            let result = Inbox.run(["merge-file", bs, o, t, ".inbox/" + relative], in: work.path)
            XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
            XCTAssertEqual(result.stdout + result.stderr, "", file: file, line: line)
            results.append(try XCTUnwrap(FileManager.default.contents(atPath: o)))
        }
        XCTAssertEqual(results[0], results[1], "the two merge directions differ", file: file, line: line)
        let text = String(decoding: results[0], as: UTF8.self)
        XCTAssertFalse(text.contains("<<<<<<<"), file: file, line: line)
        return text
    }

    func record(_ text: String, _ id: String) throws -> [String: Any] {
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("\"id\":\"\(id)\"") })
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func testContactChangedOnBothSidesMergesFieldBySetsAndMaps() throws {
        let base = makeBase(), ours = try fork(base), theirs = try fork(base)
        run(["contact", "tag", "ct1", "--add", "vip"], at: "2026-11-30T09:10:00Z", in: ours)
        run(["contact", "edit", "ct1", "--company", "Acme", "--field", "seats=3"], at: "2026-11-30T09:11:00Z", in: ours)
        run(["contact", "tag", "ct1", "--add", "lead", "--remove", "old"], at: "2026-11-30T09:20:00Z", in: theirs)
        run(["contact", "edit", "ct1", "--company", "Acme Ltd", "--email", "ann@example.com"], at: "2026-11-30T09:21:00Z", in: theirs)
        let merged = try mergeBothWays("contacts/0000.jsonl", base: base, ours: ours, theirs: theirs)
        let contact = try record(merged, "ct1")
        XCTAssertEqual((contact["tags"] as? [String])?.sorted(), ["lead", "vip"])
        XCTAssertEqual(contact["company"] as? String, "Acme Ltd")          // both changed: the later (theirs) wins
        XCTAssertEqual(contact["emails"] as? [String], ["ann@example.com"]) // one side only
        XCTAssertEqual(contact["fields"] as? [String: String], ["plan": "basic", "seats": "3"])
        XCTAssertEqual(contact["updated_at"] as? String, "2026-11-30T09:21:00Z")
    }

    func testSentBeatsACancelAndTheCancelIsRecordedAsRefused() throws {
        let base = makeBase(), ours = try fork(base), theirs = try fork(base)
        run(["message", "flush"], at: "2026-11-30T10:01:00Z", in: ours)
        run(["message", "cancel", "ms1"], at: "2026-11-30T09:30:00Z", in: theirs)
        let merged = try mergeBothWays("messages/0000/cv1.jsonl", base: base, ours: ours, theirs: theirs)
        let message = try record(merged, "ms1")
        XCTAssertEqual(message["state"] as? String, "sent")
        let error = try XCTUnwrap(message["error"] as? String)
        XCTAssertTrue(error.contains("a cancel") && error.contains("refused"), error)
    }

    func testSentBeatsAnEditOfItsText() throws {
        let base = makeBase(), ours = try fork(base), theirs = try fork(base)
        run(["message", "edit", "ms1", "Ready now, come by"], at: "2026-11-30T09:30:00Z", in: ours)
        run(["message", "flush"], at: "2026-11-30T10:01:00Z", in: theirs)
        let merged = try mergeBothWays("messages/0000/cv1.jsonl", base: base, ours: ours, theirs: theirs)
        let message = try record(merged, "ms1")
        XCTAssertEqual(message["state"] as? String, "sent")
        XCTAssertEqual(message["text"] as? String, "Ready")
        XCTAssertTrue((message["error"] as? String ?? "").contains("an edit"), "\(message)")
    }

    func testCancelAndEditOnTwoClonesBothApplyBeforeAnyFlush() throws {
        let base = makeBase(), ours = try fork(base), theirs = try fork(base)
        run(["message", "edit", "ms1", "Ready now"], at: "2026-11-30T09:30:00Z", in: ours)
        run(["message", "cancel", "ms1"], at: "2026-11-30T09:20:00Z", in: theirs)
        let merged = try mergeBothWays("messages/0000/cv1.jsonl", base: base, ours: ours, theirs: theirs)
        let message = try record(merged, "ms1")
        XCTAssertEqual(message["state"] as? String, "cancelled")  // a message only moves forward
        XCTAssertEqual(message["text"] as? String, "Ready now")
        XCTAssertNil(message["error"] as? String)
    }

    func testRecordsAddedOnOneSideAndADeletionOfAChangedRecordAreKept() throws {
        let base = makeBase(), ours = try fork(base), theirs = try fork(base)
        run(["contact", "add", "Bea Two"], at: "2026-11-30T09:10:00Z", in: ours)
        run(["contact", "tag", "ct1", "--add", "vip"], at: "2026-11-30T09:10:00Z", in: theirs)
        // A hand deletion of ct1 on our side loses to their change of it.
        let path = ours.file(".inbox/contacts/0000.jsonl")
        let kept = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"ct1\"") }
        try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let merged = try mergeBothWays("contacts/0000.jsonl", base: base, ours: ours, theirs: theirs)
        XCTAssertEqual(merged.split(separator: "\n").count, 2)
        XCTAssertEqual((try record(merged, "ct1")["tags"] as? [String]), ["old", "vip"])
        XCTAssertEqual(try record(merged, "ct2")["first_name"] as? String, "Bea")
        XCTAssertTrue(merged.hasPrefix("{\"id\":\"ct1\""), "sorted by id")
    }

    func testNotARecordFileFailsNamingTheLineAndLeavesOursAlone() throws {
        let work = TempDirectory()
        let good = #"{"key":"repository.format","value":1}"# + "\n"
        try good.write(toFile: work.file("base"), atomically: true, encoding: .utf8)
        try good.write(toFile: work.file("ours"), atomically: true, encoding: .utf8)
        try (good + "<<<<<<< HEAD\n").write(toFile: work.file("theirs"), atomically: true, encoding: .utf8)
        let result = Inbox.run(["merge-file", "base", "ours", "theirs", ".inbox/config.jsonl"], in: work.path)
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.contains("theirs:2: not a valid setting record"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: work.file("ours"), encoding: .utf8), good)
        let derived = Inbox.run(["merge-file", "base", "ours", "theirs", ".inbox/index/addresses/10.jsonl"], in: work.path)
        XCTAssertEqual(derived.status, 65)
        XCTAssertTrue(derived.stderr.contains("not a record file"), derived.stderr)
    }

    func testSettingsMergeByKeyWithoutAPath() throws {
        let work = TempDirectory()
        let format = #"{"key":"repository.format","value":1}"#
        try (format + "\n").write(toFile: work.file("base"), atomically: true, encoding: .utf8)
        try (#"{"key":"availability","value":"off"}"# + "\n" + format + "\n").write(toFile: work.file("ours"), atomically: true, encoding: .utf8)
        try (format + "\n" + #"{"key":"sms.from","value":["+12125550199"]}"# + "\n").write(toFile: work.file("theirs"), atomically: true, encoding: .utf8)
        let result = Inbox.run(["merge-file", "base", "ours", "theirs"], in: work.path)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOfFile: work.file("ours"), encoding: .utf8),
                       #"{"key":"availability","value":"off"}"# + "\n" + format + "\n" + #"{"key":"sms.from","value":["+12125550199"]}"# + "\n")
    }
}
