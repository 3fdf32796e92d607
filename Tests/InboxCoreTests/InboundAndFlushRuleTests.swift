import Foundation
@testable import InboxCore
import XCTest

/// Receiving (which conversation, reopening, STOP) and the flush's state changes, run against a
/// repository in a temp directory without a process: each test names the rule it checks.
final class InboundAndFlushRuleTests: XCTestCase {
    var dir: String!
    var repo: Repository!
    let now = Timestamp(iso: "2026-11-21T10:00:00Z")!
    func later(_ minutes: Int64) -> Timestamp { Timestamp(seconds: now.seconds + minutes * 60) }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "/rules-\(UUID().uuidString)"
        (repo, _) = try Repository.initialize(at: dir, lockTimeout: 1)
        try repo.write { (tx) throws(InboxError) in
            try Config.set(.smsFrom, to: .strings(["+15550199"]), in: tx)
            var draft = ContactDraft()
            draft.firstName = "Ada"
            draft.lastName = "Lovelace"
            draft.phones = ["+15550100"]
            draft.emails = ["ada@example.com"]
            _ = try Contacts.add(draft, allowDuplicate: false, now: now, in: tx)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func receive(_ text: String, on channel: Channel = .sms, at time: Timestamp? = nil) throws -> Reception {
        var request = InboundRequest(channel: channel, text: text)
        request.contact = "ct1"
        return try repo.write { (tx) throws(InboxError) in try Receiving.receive(request, now: time ?? now, in: tx) }
    }

    func contact() throws -> Contact { try repo.read { (s) throws(InboxError) in try Contacts.resolve("ct1", in: s) } }
    func message(_ id: String) throws -> Message? { try repo.read { (s) throws(InboxError) in try Messages.get(id, in: s) } }
    func conversation(_ id: String) throws -> Conversation { try repo.read { (s) throws(InboxError) in try Conversations.resolve(id, in: s) } }

    func setDoNotContact(_ channels: [String]) throws {
        var change = DoNotContactChange()
        change.on = channels
        try repo.write { (tx) throws(InboxError) in _ = try Contacts.setDoNotContact(["ct1"], change, now: now, in: tx) }
    }

    // MARK: receiving

    func testEveryOptOutKeywordAloneOnSMSSetsDoNotContactForSMS() throws {
        for keyword in Receiving.optOutKeywords.sorted() {
            try setUpWithError()
            let reception = try receive("  \(keyword.lowercased()) ")
            XCTAssertTrue(reception.optedOut, keyword)
            XCTAssertEqual(try contact().dnd.channels, ["sms"], keyword)
            try tearDownWithError()
        }
    }

    func testStopWhenEveryOtherChannelIsBlockedIsStoredAsContactDndWouldStoreIt() throws {
        try setDoNotContact(ContactChannel.all.filter { $0 != "sms" })
        XCTAssertTrue(try receive("STOP").optedOut)
        XCTAssertEqual(try contact().dnd.json, .string("all"), "every channel is stored as all")
        var again = DoNotContactChange()
        again.on = ["sms"]
        let preview = try repo.read { (s) throws(InboxError) in try Contacts.previewDoNotContact(["ct1"], again, in: s) }
        XCTAssertEqual(preview.changed.map(\.id), [], "contact dnd --on sms afterwards changes nothing")
    }

    func testAKeywordInASentenceOrOnAnotherChannelIsNotAnOptOut() throws {
        XCTAssertFalse(try receive("Please STOP by tomorrow").optedOut)
        XCTAssertFalse(try receive("STOP", on: .email).optedOut)
        XCTAssertEqual(try contact().dnd, DoNotContact())
    }

    func testAMessageToAClosedConversationReopensIt() throws {
        try receive("Hi")
        _ = try repo.write { (tx) throws(InboxError) in
            try Conversations.close("cv1", message: nil, by: "alice", now: later(1), hookInstalled: false, in: tx)
        }
        let again = try receive("Me again", at: later(2))
        XCTAssertTrue(again.reopened)
        XCTAssertEqual(again.conversation.id, "cv1")
        XCTAssertEqual(try conversation("cv1").status, .open)
        XCTAssertEqual(try conversation("cv1").lastInboundAt, later(2))
    }

    func testInboundBlockedByDoNotContactIsKeptButRaisesNothing() throws {
        var change = DoNotContactChange()
        change.on = ["sms"]
        change.inbound = true
        try repo.write { (tx) throws(InboxError) in _ = try Contacts.setDoNotContact(["ct1"], change, now: now, in: tx) }
        let reception = try receive("Hello?")
        XCTAssertEqual(reception.conversation.status, .closed)
        XCTAssertFalse(reception.conversation.unread)
        XCTAssertEqual(try message(reception.message.id)?.text, "Hello?")
    }

    // MARK: flush

    func schedule(_ text: String, in minutes: Int64) throws -> Message {
        var request = OutboundRequest()
        request.contact = "ct1"
        request.channel = .sms
        request.text = text
        request.scheduledAt = later(minutes)
        return try repo.write { (tx) throws(InboxError) in try Outbox.prepare(request, actor: "alice", now: now, hookInstalled: false, in: tx).0 }
    }

    func flush(at time: Timestamp) throws -> [Flush.Handled] {
        guard case .done(let handled, _) = try Flush.run(repo, now: time, limit: nil) else {
            XCTFail("the flush was busy")
            return []
        }
        return handled
    }

    func testADueSendGoesOutAndJoinsTheThreadAndOneNotDueWaits() throws {
        let soon = try schedule("Soon", in: 30)
        let notYet = try schedule("Later", in: 120)
        XCTAssertEqual(soon.state, .scheduled)
        XCTAssertEqual(try conversation("cv1").messageCount, 0, "a scheduled send is not yet in the thread")
        let handled = try flush(at: later(60))
        XCTAssertEqual(handled.map(\.message.id), [soon.id])
        XCTAssertEqual(handled.map(\.outcome), [.sent])
        XCTAssertEqual(try message(soon.id)?.state, .sent)
        XCTAssertEqual(try message(soon.id)?.at, later(60), "it joins the thread as sent now")
        XCTAssertEqual(try message(notYet.id)?.state, .scheduled)
        XCTAssertEqual(try conversation("cv1").messageCount, 1)
        XCTAssertEqual(try conversation("cv1").preview, "Soon")
    }

    func testDoNotContactSetAfterSchedulingBlocksAtTheFlush() throws {
        let send = try schedule("Reminder", in: 30)
        try setDoNotContact(["sms"])
        let handled = try flush(at: later(60))
        XCTAssertEqual(handled.map(\.outcome), [.blocked])
        XCTAssertTrue(try message(send.id)?.error?.contains("do-not-contact on sms") == true)
        XCTAssertEqual(try flush(at: later(90)).count, 0, "a blocked send is not tried again")
    }

    func testACancelledSendNeverGoesOutAndOnlyAScheduledOneCanBeCancelled() throws {
        let send = try schedule("Reminder", in: 30)
        _ = try repo.write { (tx) throws(InboxError) in try ScheduledSends.cancel(send.id, in: tx) }
        XCTAssertEqual(try flush(at: later(60)).count, 0)
        XCTAssertEqual(try message(send.id)?.state, .cancelled)
        XCTAssertThrowsError(try repo.write { (tx) throws(InboxError) in try ScheduledSends.cancel(send.id, in: tx) }) {
            XCTAssertEqual(($0 as? InboxError)?.message, "\(send.id) is cancelled; only a scheduled message can be cancelled")
        }
    }

    func testASendingMessageWhoseProcessIsGoneBecomesInDoubtAndIsNotResent() throws {
        let send = try schedule("Reminder", in: 30)
        try repo.write { (tx) throws(InboxError) in
            var m = try Messages.get(send.id, in: tx)!
            m.state = .sending
            m.sendingBy = "999999999:0"  // no such process
            try Messages.save([m], in: tx)
        }
        XCTAssertEqual(try flush(at: later(60)).map(\.outcome), [.inDoubt])
        XCTAssertEqual(try message(send.id)?.state, .inDoubt)
        XCTAssertEqual(try flush(at: later(90)).count, 0, "in-doubt waits for send --retry")
    }

    func testAFailedSendWaitsOutItsBackoffAndStopsAtMaxAttempts() throws {
        let send = try schedule("Reminder", in: 30)
        try repo.write { (tx) throws(InboxError) in
            var m = try Messages.get(send.id, in: tx)!
            m.state = .failed
            m.attempts = 1
            m.retryAt = self.later(100)
            try Messages.save([m], in: tx)
        }
        XCTAssertEqual(try flush(at: later(60)).count, 0, "before its retry time")
        XCTAssertEqual(try flush(at: later(100)).map(\.outcome), [.sent])
        try repo.write { (tx) throws(InboxError) in
            var m = try Messages.get(send.id, in: tx)!
            m.state = .failed
            m.attempts = try DeliveryQueue.maxAttempts(tx)
            m.retryAt = nil
            try Messages.save([m], in: tx)
        }
        XCTAssertEqual(try flush(at: later(200)).count, 0, "out of attempts")
    }

    // MARK: summary repair

    func testFsckFindsAWrongSummaryAndRepairRewritesItFromTheThread() throws {
        try receive("Hi")
        try repo.write { (tx) throws(InboxError) in
            var c = try Conversations.resolve("cv1", in: tx)
            c.messageCount = 7
            c.preview = "wrong"
            try Conversations.table.put(c, in: tx)
        }
        let problems = try repo.read { (s) throws(InboxError) in try Fsck.check(s).problems }
        XCTAssertEqual(problems.map(\.reason.description).filter { $0.contains("message_count 7, messages say 1") }.count, 1, problems.map(\.description).joined(separator: "\n"))
        let repaired = try repo.write { (tx) throws(InboxError) in try Fsck.repair(tx) }
        XCTAssertEqual(repaired.problems, [])
        XCTAssertEqual(try conversation("cv1").messageCount, 1)
        XCTAssertEqual(try conversation("cv1").preview, "Hi")
    }
}
