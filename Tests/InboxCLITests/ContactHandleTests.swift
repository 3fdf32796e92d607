import Foundation
import XCTest

/// Contacts carry Instagram, Telegram and Facebook handles (issue 12 item 6): set by `contact
/// add`/`edit`, shown by `contact show`, found by `contact list --search`, and needed to send on
/// those channels (exit 1 naming the missing handle, nothing written).
final class ContactHandleTests: XCTestCase {
    func testHandlesAreSetShownSearchedAndCleared() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--instagram", "@Ada.Lovelace", "--telegram", "ada_l", in: repo)
        inbox("contact", "add", "Grace Hopper", in: repo)
        let json = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(json["instagram"] as? String, "ada.lovelace", "stored without the @, lower case")
        XCTAssertEqual(json["telegram"] as? String, "ada_l")
        XCTAssertNil(json["facebook"], "a handle not set is not stored")
        let shown = inbox("contact", "show", "ct1", in: repo).stdout
        XCTAssertTrue(shown.contains("Instagram:") && shown.contains("@ada.lovelace"), shown)
        XCTAssertTrue(shown.contains("Telegram:") && shown.contains("@ada_l"), shown)
        XCTAssertFalse(shown.contains("Facebook:"), shown)

        inbox("contact", "edit", "ct2", "--facebook", "grace.hopper.1906", in: repo)
        XCTAssertTrue(inbox("contact", "show", "ct2", in: repo).stdout.contains("@grace.hopper.1906"))
        XCTAssertEqual(inbox("-q", "contact", "list", "--search", "@ada.lov", in: repo).lines, ["ct1"])
        XCTAssertEqual(inbox("-q", "contact", "list", "--search", "hopper.1906", in: repo).lines, ["ct2"])
        XCTAssertEqual(inbox("-q", "contact", "list", "--search", "ada_l", in: repo).lines, ["ct1"])

        let bad = inbox("contact", "edit", "ct1", "--instagram", "ada lovelace!", in: repo, expect: 64)
        XCTAssertTrue(bad.stderr.contains("'ada lovelace!' is not a valid Instagram username"), bad.stderr)
        inbox("contact", "edit", "ct1", "--instagram", "", in: repo)
        XCTAssertNil((inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first ?? [:])["instagram"])
        XCTAssertEqual(inbox("-q", "contact", "list", "--search", "@ada.lov", in: repo).lines, [])
        inbox("fsck", in: repo)
    }

    func testSendingOnAHandleChannelNeedsTheContactsHandle() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", in: repo)
        for (channel, name) in [("instagram", "Instagram"), ("telegram", "Telegram"), ("facebook", "Facebook")] {
            let before = everyFile(repo)
            let refused = inbox("message", "send", "--contact", "ct1", "--channel", channel, "Hello", in: repo, expect: 1)
            XCTAssertTrue(refused.stderr.contains("ct1 Ada Lovelace has no \(name) handle (inbox contact edit ct1 --\(channel) USERNAME)"), refused.stderr)
            XCTAssertEqual(everyFile(repo), before, "nothing written")
        }
        inbox("contact", "edit", "ct1", "--instagram", "ada.lovelace", "--telegram", "ada_l", "--facebook", "ada.lovelace.1815", in: repo)
        for (channel, handle) in [("instagram", "ada.lovelace"), ("telegram", "ada_l"), ("facebook", "ada.lovelace.1815")] {
            let sent = inbox("--json", "message", "send", "--contact", "ct1", "--channel", channel, "Hello", in: repo).jsonLines().first ?? [:]
            XCTAssertEqual(sent["to"] as? String, handle, channel)
            XCTAssertEqual(sent["state"] as? String, "sent", channel)
        }
        // A conversation opened by an inbound message still needs the handle to answer.
        inbox("contact", "add", "Grace Hopper", "--email", "grace@navy.example", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "telegram", "Hi from Telegram", in: repo)
        let reply = inbox("message", "send", "cv4", "Hi Grace", in: repo, expect: 1)
        XCTAssertTrue(reply.stderr.contains("has no Telegram handle"), reply.stderr)
        inbox("fsck", in: repo)
    }
}
