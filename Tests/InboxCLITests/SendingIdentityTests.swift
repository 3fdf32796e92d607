import Foundation
import XCTest

/// Who sends, from where, to what (issue 11 items 5–8): signatures are the sender's and go on
/// email only, `--from` is one of the firm's numbers, addresses match their channel, phones are
/// normalised by the firm's region, and once users exist only they make changes.
final class SendingIdentityTests: XCTestCase {
    func env(as user: String?, now: String = "2026-11-21T10:00:00Z") -> [String: String] {
        var env = Inbox.baseEnvironment(now: now)
        if let user { env["INBOX_USER"] = user }
        return env
    }

    /// Alice (admin) and Bob (agent), each with a signature; Ada reachable by SMS and email.
    func firm(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let repo = makeRepository(file: file, line: line)
        inbox("user", "add", "alice", "--role", "admin", "--signature", "— Alice Moreau", in: repo, file: file, line: line)
        inbox("config", "set", "user.name", "alice", in: repo, file: file, line: line)
        inbox("user", "add", "bob", in: repo, file: file, line: line)
        inbox("config", "set", "sms.from", "+1 212 555 0199", "+1 212 555 0198", in: repo, file: file, line: line)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 212 555 0100", "--email", "ada@example.com", in: repo, file: file, line: line)
        return repo
    }

    func sent(_ arguments: String..., in repo: TempDirectory, as user: String, expect status: Int32 = 0,
              file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let result = Inbox.run(["--json"] + arguments, in: repo.path, environment: env(as: user))
        XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", file: file, line: line)
        return result.jsonLines(file: file, line: line).first ?? [:]
    }

    func messageCount(_ repo: TempDirectory) -> Int {
        inbox("message", "list", "-q", in: repo).lines.count
    }

    // Item 5
    func testSignaturesAreTheSendersAndGoOnEmailButNeverOnSmsOrTemplates() {
        let repo = firm()
        // Bob sets his own signature (no admin needed for your own details).
        inbox("user", "edit", "bob", "--signature", "— Bob Lin", in: repo, environment: env(as: "bob"))
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "Your form", in: repo, as: "bob")["text"] as? String,
                       "Your form\n\n— Bob Lin")
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "Also this", in: repo, as: "alice")["text"] as? String,
                       "Also this\n\n— Alice Moreau")
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "sms", "On its way", in: repo, as: "bob")["text"] as? String,
                       "On its way", "no signature on SMS")
        inbox("template", "add", "receipt", "Dear {first_name}, we received your documents.", in: repo)
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "--template", "receipt", in: repo, as: "bob")["text"] as? String,
                       "Dear Ada, we received your documents.", "a template goes out exactly as written")
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "--no-signature", "Short", in: repo, as: "bob")["text"] as? String,
                       "Short")
        // Someone else's signature is an admin's to change.
        let refused = inbox("user", "edit", "alice", "--signature", "— not Alice", in: repo, expect: 1, environment: env(as: "bob"))
        XCTAssertTrue(refused.stderr.contains("--as alice"), refused.stderr)
        let users = inbox("--json", "user", "list", in: repo).jsonLines()
        XCTAssertEqual(users.map { $0["signature"] as? String }, ["— Alice Moreau", "— Bob Lin"])
    }

    // Item 5: the old repository-wide setting keeps working, as the firm's fallback for email.
    func testTheRepositorySignatureIsOnlyAnEmailFallback() {
        let repo = firm()
        inbox("config", "set", "signature", "— Moreau & Co", in: repo)
        XCTAssertTrue(inbox("config", "get", "signature", in: repo).stdout.contains("— Moreau & Co"))
        XCTAssertTrue(inbox("config", "list", in: repo).stdout.contains("signature"))
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "Hello", in: repo, as: "bob")["text"] as? String,
                       "Hello\n\n— Moreau & Co", "bob has no signature of his own")
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "email", "Hi", in: repo, as: "alice")["text"] as? String,
                       "Hi\n\n— Alice Moreau", "a user's own signature wins")
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "sms", "Hi", in: repo, as: "alice")["text"] as? String, "Hi")
        inbox("fsck", in: repo)
    }

    // Item 5: a scheduled email edited later keeps its author's signature.
    func testEditingAScheduledEmailKeepsItsAuthorsSignature() {
        let repo = firm()
        inbox("user", "edit", "bob", "--signature", "— Bob Lin", in: repo, environment: env(as: "bob"))
        let scheduled = sent("message", "send", "--contact", "ct1", "--channel", "email", "Reminder", "--at", "+1d", in: repo, as: "bob")
        let id = scheduled["id"] as? String ?? "?"
        XCTAssertEqual(scheduled["text"] as? String, "Reminder\n\n— Bob Lin")
        XCTAssertEqual(sent("message", "edit", id, "Reminder: Friday", in: repo, as: "alice")["text"] as? String, "Reminder: Friday\n\n— Bob Lin")
    }

    // Item 6
    func testFromIsOneOfTheFirmsNumbersAndAddressesMatchTheirChannel() {
        let repo = firm()
        XCTAssertEqual(sent("message", "send", "--contact", "ct1", "--channel", "sms", "--from", "(212) 555-0198", "Hi", in: repo, as: "alice")["from"] as? String,
                       "+12125550198", "a configured number, typed differently")
        let before = messageCount(repo)
        let stranger = inbox("message", "send", "--contact", "ct1", "--channel", "sms", "--from", "+1 646 555 0142", "Hi", in: repo, expect: 1, environment: env(as: "alice"))
        XCTAssertTrue(stranger.stderr.contains("not one of the firm's SMS numbers"), stranger.stderr)
        XCTAssertTrue(stranger.stderr.contains("inbox config set sms.from"), stranger.stderr)
        inbox("message", "send", "--contact", "ct1", "--channel", "email", "--from", "+1 212 555 0199", "Hi", in: repo, expect: 64, environment: env(as: "alice"))
        inbox("message", "schedule", "cv1", "Later", "--from", "+1 646 555 0142", "--at", "+1h", in: repo, expect: 1, environment: env(as: "alice"))
        XCTAssertEqual(messageCount(repo), before, "nothing written by a refused send")

        let phoneAsEmail = inbox("message", "receive", "--from", "+1 212 555 0100", "--channel", "email", "Hello", in: repo, expect: 64)
        XCTAssertTrue(phoneAsEmail.stderr.contains("not an email address"), phoneAsEmail.stderr)
        inbox("message", "receive", "--from", "ada@example.com", "--channel", "sms", "Hello", in: repo, expect: 64)
        inbox("message", "receive", "--from", "ada@example.com", "--channel", "whatsapp", "Hello", in: repo, expect: 64)
        XCTAssertEqual(messageCount(repo), before)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct1"], "no contact made from a refused address")
        inbox("message", "receive", "--from", "ADA@example.com", "--channel", "email", "Hello", in: repo)
        inbox("message", "receive", "--from", "212-555-0100", "--channel", "sms", "Hi", in: repo)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines.count, 2,
                       "without phone.region, 212-555-0100 is not known to be +12125550100 (next test)")
    }

    // Item 7
    func testPhoneRegionNormalisesNationalNumbersToE164AndRefusesInvalidOnes() {
        let repo = makeRepository()
        inbox("config", "set", "phone.region", "us", in: repo)
        XCTAssertEqual(inbox("config", "get", "phone.region", in: repo).lines, ["US"])
        let bad = inbox("config", "set", "phone.region", "USA", in: repo, expect: 64)
        XCTAssertTrue(bad.stderr.contains("GB"), "the message lists the regions: \(bad.stderr)")

        inbox("contact", "add", "Ada Lovelace", "--phone", "212-555-0001", in: repo)
        let ada = inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(ada["phones"] as? [String], ["+12125550001"])
        inbox("contact", "add", "Ada Again", "--phone", "+1 212 555 0001", in: repo, expect: 1)
        inbox("contact", "add", "Ada Thrice", "--phone", "1 (212) 555-0001", in: repo, expect: 1)
        for (number, why) in [("555-0001", "area code"), ("(112) 555-0001", "cannot start with 0 or 1"),
                              ("212-555-00011", "digits"), ("+1 555 0100", "digits")] {
            let refused = inbox("contact", "add", "Nobody", "--phone", number, in: repo, expect: 64)
            XCTAssertTrue(refused.stderr.contains(why), "\(number): \(refused.stderr)")
        }
        inbox("config", "set", "sms.from", "212 555 0199", in: repo)
        XCTAssertEqual(inbox("config", "get", "sms.from", in: repo).lines, ["+12125550199"])
        inbox("message", "receive", "--from", "646.555.0123", "--channel", "sms", "Hello", in: repo)
        let sender = inbox("--json", "contact", "show", "ct2", in: repo).jsonLines().first ?? [:]
        XCTAssertEqual(sender["phones"] as? [String], ["+16465550123"])
        inbox("message", "receive", "--from", "+1 646 555 0123", "--channel", "sms", "Again", in: repo)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines.sorted(), ["ct1", "ct2"], "the same sender, however written")
        // Numbers of other countries are checked by their own rules.
        inbox("contact", "add", "Alan Turing", "--phone", "+44 20 7946 0018", in: repo)
        inbox("contact", "add", "Short Uk", "--phone", "+44 20 7946", in: repo, expect: 64)
        inbox("fsck", in: repo)

        let london = makeRepository()
        inbox("config", "set", "phone.region", "GB", in: london)
        inbox("contact", "add", "Alan Turing", "--phone", "020 7946 0018", in: london)
        inbox("contact", "add", "Joan Clarke", "--phone", "07700 900123", in: london)
        let phones = inbox("--json", "contact", "list", in: london).jsonLines().compactMap { ($0["phones"] as? [String])?.first }
        XCTAssertEqual(phones.sorted(), ["+442079460018", "+447700900123"])
    }

    // Item 8
    func testOnceUsersExistOnlyRegisteredUsersChangeThingsAndEveryRefusalNamesTheFix() {
        let repo = makeRepository()
        // The person at the keyboard ($USER=tester) registers the first user...
        let added = inbox("user", "add", "alice", "--role", "admin", in: repo)
        XCTAssertTrue(added.stderr.contains("inbox config set user.name alice"), "the hint says how to act as alice: \(added.stderr)")
        // ...and, until they act as her, is refused, with the three ways out named.
        for arguments in [["contact", "add", "Ada Lovelace"], ["--as", "nobody", "contact", "add", "Ada"],
                          ["config", "set", "availability", "off"], ["user", "add", "bob"]] {
            let refused = Inbox.run(arguments, in: repo.path)
            XCTAssertEqual(refused.status, 1, "\(arguments): \(refused.stderr)")
            for fix in ["--as alice", "INBOX_USER=alice", "inbox config set user.name alice"] {
                XCTAssertTrue(refused.stderr.contains(fix), "\(arguments) names \(fix): \(refused.stderr)")
            }
        }
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, [], "reading needs no registration; nothing was added")
        inbox("config", "set", "user.name", "nobody", in: repo, expect: 66)
        inbox("config", "set", "user.name", "alice", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 212 555 0100", in: repo)
        inbox("user", "add", "vera", "--role", "viewer", in: repo)
        inbox("user", "add", "bob", in: repo)
        let viewer = inbox("--as", "vera", "contact", "note", "ct1", "hello", in: repo, expect: 1)
        XCTAssertTrue(viewer.stderr.contains("viewer") && viewer.stderr.contains("--as"), viewer.stderr)
        let agent = inbox("--as", "bob", "config", "set", "availability", "off", in: repo, expect: 1)
        XCTAssertTrue(agent.stderr.contains("--as alice"), agent.stderr)
        // Webhooks and cron are not people: receiving and flushing work as anyone.
        inbox("--as", "webhook", "message", "receive", "--contact", "ct1", "--channel", "sms", "Hi", in: repo)
        inbox("--as", "cron", "message", "flush", in: repo)
        inbox("conversation", "assign", "cv1", "--me", in: repo)
        XCTAssertEqual(inbox("--json", "conversation", "show", "cv1", in: repo).jsonLines().first?["assignee"] as? String, "alice")
    }
}
