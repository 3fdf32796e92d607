import Foundation
@testable import InboxCore
import XCTest

/// A flush of 10,000 sends outgrows the transaction's memory budget, which spills threads to
/// `tmp/` before the commit. What the commit derives from a thread (its response record) is
/// taken when the thread is saved, so no spilled thread is read back and parsed again.
final class FlushSpillTests: XCTestCase {
    var dir: String!
    var repo: Repository!
    let now = Timestamp(iso: "2026-11-21T10:00:00Z")!
    func later(_ minutes: Int64) -> Timestamp { Timestamp(seconds: now.seconds + minutes * 60) }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "/flush-spill-\(UUID().uuidString)"
        (repo, _) = try Repository.initialize(at: dir, lockTimeout: 1)
        try repo.write { (tx) throws(InboxError) in
            try Config.set(.smsFrom, to: .strings(["+15550199"]), in: tx)
            var draft = ContactDraft()
            draft.firstName = "Ada"
            draft.phones = ["+15550100"]
            _ = try Contacts.add(draft, allowDuplicate: false, now: now, in: tx)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func spilled(_ target: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: repo.path("tmp")).filter { $0.hasPrefix(target + ".tmp.") }
        XCTAssertEqual(names.count, 1, "one temp file for \(target): \(names)")
        return repo.path("tmp/" + (names.first ?? target))
    }

    func testASentMessagesResponseRecordIsNotReadBackFromItsSpilledThread() throws {
        var inbound = InboundRequest(channel: .sms, text: "Are my papers ready?")
        inbound.contact = "ct1"
        _ = try repo.write { (tx) throws(InboxError) in try Receiving.receive(inbound, now: now, in: tx) }
        var request = OutboundRequest()
        request.contact = "ct1"
        request.channel = .sms
        request.text = "Yes, come by"
        request.scheduledAt = later(30)
        let due = try repo.write { (tx) throws(InboxError) in try Outbox.prepare(request, actor: "alice", now: now, hookInstalled: false, in: tx).0 }

        try repo.write { (tx) throws(InboxError) in
            XCTAssertEqual(try Flush.start(due.id, now: later(60), hookInstalled: false, in: tx)?.outcome, .sent)
            try tx.limitMemory(to: 0)  // as 10,000 threads would: the thread is now only in tmp/
            // Damage the spilled copy while the indexes settle: reading it back would fail.
            let temp = (try? spilled("cv1.jsonl")) ?? ""
            let thread = FileManager.default.contents(atPath: temp)
            FileManager.default.createFile(atPath: temp, contents: Data("{damaged\n".utf8))
            try DerivedIndexes.settle(tx)
            FileManager.default.createFile(atPath: temp, contents: thread)
        }

        let responses = try repo.read { (s) throws(InboxError) in try s.records(ResponseIndex.file(for: "cv1"), as: ResponseRecord.self) }
        XCTAssertEqual(responses, [ResponseRecord(conversation: "cv1", missed: false, waits: [.init(asked: now, answered: later(60))])])
        XCTAssertEqual(try repo.read { (s) throws(InboxError) in try Fsck.check(s).problems }.map(\.description), [])
    }
}
