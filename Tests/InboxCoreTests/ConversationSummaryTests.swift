@testable import InboxCore
import XCTest

/// A conversation's summary as each message joins the thread (`record`), and as the thread
/// says it should be (`derive`, what fsck checks and --repair writes).
final class ConversationSummaryTests: XCTestCase {
    let t0 = Timestamp(iso: "2026-11-21T10:00:00Z")!

    func at(_ minutes: Int64) -> Timestamp { Timestamp(seconds: t0.seconds + minutes * 60) }

    func message(_ n: Int, _ direction: Message.Direction, _ kind: Message.Kind = .message, at minutes: Int64, auto: Bool = false,
                 in conversation: Conversation) -> Message {
        var m = Message(id: "ms\(n)", conversation: conversation, direction: direction, kind: kind, text: "text \(n)", at: at(minutes))
        m.auto = auto
        if direction == .outbound && kind == .message { m.state = .sent }
        return m
    }

    func testAnInboundMessageSetsTheInboundTimesAndTheLatestMessage() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        ConversationSummary.record(message(1, .inbound, at: 5, in: c), in: &c, now: at(5))
        XCTAssertEqual(c.messageCount, 1)
        XCTAssertEqual(c.firstInboundAt, at(5))
        XCTAssertEqual(c.lastInboundAt, at(5))
        XCTAssertEqual(c.lastMessageAt, at(5))
        XCTAssertEqual(c.lastDirection, "in")
        XCTAssertEqual(c.preview, "text 1")
        // A late webhook brings an older one: counted, first inbound moves back, the latest stays.
        ConversationSummary.record(message(2, .inbound, at: 1, in: c), in: &c, now: at(6))
        XCTAssertEqual(c.messageCount, 2)
        XCTAssertEqual(c.firstInboundAt, at(1))
        XCTAssertEqual(c.lastInboundAt, at(5))
        XCTAssertEqual(c.preview, "text 1")
        XCTAssertEqual(c.updatedAt, at(6))
    }

    func testAReplyClearsMissedAndSetsTheFirstResponseButAnAutoResponseDoesNot() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        c.missed = true
        ConversationSummary.record(message(1, .outbound, at: 2, auto: true, in: c), in: &c, now: at(2))
        XCTAssertTrue(c.missed)
        XCTAssertNil(c.firstResponseAt)
        ConversationSummary.record(message(2, .outbound, at: 3, in: c), in: &c, now: at(3))
        XCTAssertFalse(c.missed)
        XCTAssertEqual(c.firstResponseAt, at(3))
    }

    func testANoteCountsButDoesNotMoveTheConversation() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        ConversationSummary.record(message(1, .inbound, at: 1, in: c), in: &c, now: at(1))
        ConversationSummary.record(message(2, .outbound, .note, at: 9, in: c), in: &c, now: at(9))
        XCTAssertEqual(c.messageCount, 2)
        XCTAssertEqual(c.lastMessageAt, at(1))
        XCTAssertEqual(c.preview, "text 1")
        XCTAssertNil(c.firstResponseAt, "a note is no response")
    }

    func testRecordingEachMessageAgreesWithDerivingFromTheThread() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        let start = c
        var thread: [Message] = []
        for (n, (direction, kind, minutes)) in [(Message.Direction.inbound, Message.Kind.message, Int64(1)), (.outbound, .note, 2),
                                                (.outbound, .message, 3), (.inbound, .message, 7), (.inbound, .message, 4)].enumerated() {
            let m = message(n + 1, direction, kind, at: minutes, in: c)
            ConversationSummary.record(m, in: &c, now: at(10))
            thread.append(m)
        }
        let derived = ConversationSummary.derive(start, from: thread)
        XCTAssertEqual(ConversationSummary.differences(c, derived), [])
        XCTAssertEqual(c.messageCount, 5)
        XCTAssertEqual(c.lastMessageAt, at(7))
        XCTAssertEqual(c.firstResponseAt, at(3))
    }

    func testSendsNotYetInTheThreadAreLeftOutOfTheDerivedSummary() {
        let c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        var waiting = message(2, .outbound, at: 9, in: c)
        waiting.state = .scheduled
        var blocked = message(3, .outbound, at: 9, in: c)
        blocked.state = .blocked
        let derived = ConversationSummary.derive(c, from: [message(1, .inbound, at: 1, in: c), waiting, blocked])
        XCTAssertEqual(derived.messageCount, 1)
        XCTAssertEqual(derived.lastMessageAt, at(1))
        XCTAssertNil(derived.firstResponseAt)
    }

    /// fsck sorts a thread once for the summary and the response times: a file whose lines are
    /// not in time order (a late webhook appended) is judged as the thread, sorted, says.
    func testFsckJudgesAThreadFileOutOfTimeOrderAsTheSortedThread() {
        var c = Conversation(id: "cv1", contact: "ct1", channel: .sms, subject: nil, createdAt: t0)
        let thread = [message(1, .inbound, at: 5, in: c), message(2, .outbound, at: 7, in: c), message(3, .inbound, at: 1, in: c),
                      message(4, .outbound, at: 1, in: c)]
        for m in thread { ConversationSummary.record(m, in: &c, now: at(8)) }
        let bytes = JSONLines.encode(thread)
        let judged = DecodedThread("messages/0000/cv1.jsonl", bytes, path: "cv1.jsonl", conversation: c, last: 4).judged
        XCTAssertEqual(judged?.differences, [])
        let sorted = ResponseRecord(conversation: "cv1", thread: thread).map { LineDigest.hash(JSONLines.encode([$0])[...]) }
        XCTAssertNotNil(sorted)
        XCTAssertEqual(judged?.responseLine, sorted)
        // The file's own order would give other waits.
        XCTAssertNotEqual(ResponseRecord(conversation: "cv1", inOrder: thread).map { LineDigest.hash(JSONLines.encode([$0])[...]) }, sorted)
    }
}
