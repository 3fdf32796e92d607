@testable import InboxCore
import XCTest

/// The rules every outbound message passes (`SendRules`: do-not-contact, then the reply window),
/// and the do-not-contact changes `contact dnd` and a STOP reply make, on plain values.
final class SendRuleTests: XCTestCase {
    let now = Timestamp(iso: "2026-11-21T10:00:00Z")!

    func ada(dnd: DoNotContact = DoNotContact()) -> Contact {
        var contact = Contact(id: "ct1", firstName: "Ada", lastName: "Lovelace", createdAt: now)
        contact.dnd = dnd
        return contact
    }

    func conversation(_ channel: Channel, lastInbound: Timestamp? = nil) -> Conversation {
        var c = Conversation(id: "cv1", contact: "ct1", channel: channel, subject: nil, createdAt: now)
        c.lastInboundAt = lastInbound
        return c
    }

    func refusal(_ channel: Channel, _ contact: Contact, lastInbound: Timestamp? = nil, template: Bool = false) -> Explanation? {
        SendRules.refusal(channel: channel, contact: contact, conversation: conversation(channel, lastInbound: lastInbound),
                          usesTemplate: template, now: now)
    }

    func dnd(_ channels: [String], all: Bool = false) -> DoNotContact {
        var d = DoNotContact()
        d.channels = channels
        d.all = all
        return d
    }

    // MARK: do-not-contact

    func testDoNotContactOnAChannelBlocksThatChannelOnly() {
        let contact = ada(dnd: dnd(["sms"]))
        XCTAssertEqual(refusal(.sms, contact), "ct1 Ada Lovelace has do-not-contact on sms; nothing was sent (\(Remedy.liftDoNotContact(contact: "ct1", scope: "sms")))")
        XCTAssertNil(refusal(.email, contact))
    }

    func testDoNotContactOnAllBlocksEveryChannelAndSaysHowToLiftIt() {
        let contact = ada(dnd: dnd([], all: true))
        for channel in Channel.allCases {
            XCTAssertEqual(refusal(channel, contact, lastInbound: now, template: true),
                           "ct1 Ada Lovelace has do-not-contact on all channels; nothing was sent (\(Remedy.liftDoNotContact(contact: "ct1", scope: "all")))", channel.rawValue)
        }
    }

    func testDoNotContactIsJudgedBeforeTheReplyWindow() {
        XCTAssertTrue(refusal(.whatsapp, ada(dnd: dnd(["whatsapp"])))?.description.contains("do-not-contact") == true)
    }

    // MARK: reply window

    func testWhatsAppFreeTextNeedsAnInboundMessageWithinTwentyFourHours() {
        let contact = ada()
        XCTAssertEqual(refusal(.whatsapp, contact),
                       "WhatsApp allows free text only within 24 hours of the contact's last message, and ct1 has not written on WhatsApp; \(Remedy.sendTemplate)")
        XCTAssertNil(refusal(.whatsapp, contact, lastInbound: Timestamp(seconds: now.seconds - 3600)))
        XCTAssertNil(refusal(.whatsapp, contact, lastInbound: Timestamp(seconds: now.seconds - ReplyWindow.seconds)), "24 hours exactly is inside")
        let late = refusal(.whatsapp, contact, lastInbound: Timestamp(seconds: now.seconds - ReplyWindow.seconds - 1))
        XCTAssertTrue(late?.hasPrefix("WhatsApp allows free text only within 24 hours of the contact's last message (") == true, late?.description ?? "nil")
    }

    func testATemplateOrAnotherChannelIgnoresTheWindow() {
        XCTAssertNil(refusal(.whatsapp, ada(), template: true))
        for channel in Channel.allCases where channel != .whatsapp { XCTAssertNil(refusal(channel, ada()), channel.rawValue) }
    }

    // MARK: do-not-contact changes

    func change(on: [String] = [], off: [String] = [], inbound: Bool = false, to start: DoNotContact) -> (DoNotContact, Bool) {
        var c = DoNotContactChange()
        c.on = on
        c.off = off
        c.inbound = inbound
        var d = start
        let changed = c.apply(to: &d)
        return (d, changed)
    }

    func testTurningChannelsOnKeepsThemSortedAndOnce() {
        let (d, changed) = change(on: ["sms", "email", "sms"], to: dnd(["whatsapp"]))
        XCTAssertTrue(changed)
        XCTAssertEqual(d, dnd(["email", "sms", "whatsapp"]))
        XCTAssertFalse(change(on: ["sms"], to: d).1, "already so: unchanged")
    }

    func testEveryChannelOnIsStoredAsAll() {
        let (d, _) = change(on: ["calls"], to: dnd(ContactChannel.all.filter { $0 != "calls" }))
        XCTAssertEqual(d, dnd([], all: true))
        XCTAssertEqual(d.json, .string("all"))
    }

    func testTurningOneChannelOffAllLeavesTheOthers() {
        let (d, changed) = change(off: ["sms"], to: dnd([], all: true))
        XCTAssertTrue(changed)
        XCTAssertEqual(d, dnd(ContactChannel.all.filter { $0 != "sms" }.sorted()))
        XCTAssertEqual(change(off: ["all"], to: d).0, DoNotContact())
    }

    func testTheCanonicalFormIsAllForEveryChannelElseSortedAndOnce() {
        XCTAssertEqual(dnd(ContactChannel.all.reversed()).canonical, dnd([], all: true))
        XCTAssertEqual(dnd(["sms", "email", "sms"]).canonical, dnd(["email", "sms"]))
        XCTAssertEqual(dnd(["sms"], all: true).canonical, dnd([], all: true))
        XCTAssertEqual(dnd(["email", "sms"]).canonical, dnd(["email", "sms"]))
    }

    func testInboundBlockingGoesOnAndOffWithTheChange() {
        let (on, _) = change(on: ["sms"], inbound: true, to: DoNotContact())
        XCTAssertTrue(on.inbound)
        let (off, changed) = change(off: ["email"], inbound: true, to: on)
        XCTAssertTrue(changed)
        XCTAssertFalse(off.inbound)
        XCTAssertEqual(off.channels, ["sms"])
    }
}
