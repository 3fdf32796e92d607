import Foundation
import XCTest

/// Scripts and cron (issue 11, items 9 and 10): `-q` prints what was asked and nothing else when
/// all goes well; bulk commands can go on past an unknown id with `--keep-going`.
final class ScriptOutputTests: XCTestCase {
    func testQuietCronFlushWithNothingDuePrintsNothingAtAll() {
        let repo = makeRepository()
        // As in the crontab: */5 * * * * inbox --repo /srv/firm -q message flush
        let idle = Inbox.shell("inbox --repo \"$PWD\" -q message flush", in: repo.path)
        XCTAssertEqual(idle.status, 0, idle.stderr)
        XCTAssertEqual(idle.stdout, "")
        XCTAssertEqual(idle.stderr, "", "cron mails whatever a quiet flush prints")
        // Without -q, people still get the summary.
        XCTAssertTrue(inbox("message", "flush", in: repo).stderr.contains("flush: 0 sent"))
    }

    func testQuietReceiveFromAWebhookPrintsOnlyTheMessageId() {
        let repo = makeRepository()
        // A webhook creating the contact and filing the conversation as missed: all of it is
        // news for people, none of it for a script that reads the id.
        inbox("config", "set", "availability", "off", in: repo)
        inbox("config", "set", "sms.from", "+1 212 555 0199", in: repo)
        inbox("config", "set", "auto_response", "We are closed; back at 9", in: repo)
        let quiet = inbox("-q", "message", "receive", "--from", "+1 212 555 0142", "--channel", "sms", "Are you open?", in: repo)
        XCTAssertEqual(quiet.stdout, "ms1\n")
        XCTAssertEqual(quiet.stderr, "")
        let loud = inbox("message", "receive", "--from", "+1 212 555 0143", "--channel", "sms", "Hello?", in: repo)
        XCTAssertTrue(loud.stderr.contains("New contact ct2"), loud.stderr)
        XCTAssertTrue(loud.stderr.contains("auto-response"), loud.stderr)
    }

    func testQuietFlushPrintsOnlyTheIdsItDelivered() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("conversation", "create", "--contact", "ct1", "--channel", "email", "--subject", "Forms", in: repo)
        let id = inbox("-q", "message", "schedule", "cv1", "Reminder", "--at", "+1h", in: repo).stdout
        let later = Inbox.baseEnvironment(now: "2026-11-21T12:00:00Z")
        let flush = inbox("-q", "message", "flush", in: repo, environment: later)
        XCTAssertEqual(flush.stdout, id)
        XCTAssertEqual(flush.stderr, "")
        XCTAssertEqual(inbox("-q", "message", "flush", "--dry-run", in: repo, environment: later).stderr, "")
    }

    func testQuietTagAndDndPrintOnlyIdsAndProblemsStillShow() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Smith", in: repo)
        inbox("contact", "add", "Bob Smith", in: repo)
        let tag = Inbox.shell("inbox contact list --search smith -q | inbox -q contact tag - --add vip", in: repo.path)
        XCTAssertEqual(tag.status, 0, tag.stderr)
        XCTAssertEqual(tag.stdout, "ct2\nct1\n")
        XCTAssertEqual(tag.stderr, "")
        let dnd = inbox("-q", "contact", "dnd", "ct1", "--on", "sms", in: repo)
        XCTAssertEqual(dnd.stdout, "ct1\n")
        XCTAssertEqual(dnd.stderr, "")
        // Nothing to change: nothing printed either.
        XCTAssertEqual(inbox("contact", "dnd", "ct1", "--on", "sms", "-q", in: repo).stderr, "")
        let fsck = inbox("-q", "fsck", in: repo)
        XCTAssertEqual(fsck.stdout + fsck.stderr, "")
        // Problems still go to stderr.
        let unknown = inbox("-q", "contact", "tag", "ct9", "--add", "x", in: repo, expect: 66)
        XCTAssertTrue(unknown.stderr.contains("no contact 'ct9'"), unknown.stderr)
        // And without -q the summary is there for people.
        XCTAssertTrue(inbox("contact", "tag", "ct1", "--add", "late", in: repo).stderr.contains("1 changed, 0 already so"))
    }

    func testTagKeepGoingSkipsUnknownIdsAndTagsTheRestInOneChange() throws {
        let repo = makeRepository()
        seedContacts(repo, count: 5_000)
        var ids = (1...5_000).map { "ct\($0)" }
        ids.insert("ct99999", at: 2_500)
        let stdin = ids.joined(separator: "\n") + "\n"
        // Default stays all-or-nothing: one unknown id and nothing is tagged.
        let strict = inbox("contact", "tag", "-", "--add", "vip", in: repo, stdin: stdin, expect: 66)
        XCTAssertTrue(strict.stderr.contains("no contact 'ct99999'"), strict.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.count, 0)

        let going = inbox("-q", "contact", "tag", "-", "--add", "vip", "--keep-going", in: repo, stdin: stdin, expect: 1)
        XCTAssertEqual(going.lines.count, 5_000, "the ids it changed, on stdout")
        XCTAssertTrue(going.stderr.contains("skipped ct99999: no contact 'ct99999'"), going.stderr)
        XCTAssertTrue(going.stderr.contains("1 id was skipped"), going.stderr)
        XCTAssertEqual(inbox("contact", "list", "--tag", "vip", "-q", in: repo).lines.count, 5_000)
        inbox("fsck", in: repo)
        // Nothing skipped: exit 0.
        inbox("contact", "tag", "ct1", "ct2", "--remove", "vip", "--keep-going", in: repo)
    }

    func testDndKeepGoingSkipsUnknownAndAmbiguousIds() {
        let repo = makeRepository()
        for name in ["Ada Smith", "Bob Smith", "Carol Jones"] { inbox("contact", "add", name, in: repo) }
        let stdin = "ct1\nct42\nct\nct3\n"
        inbox("contact", "dnd", "-", "--on", "sms", in: repo, stdin: stdin, expect: 66)
        XCTAssertEqual(inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first?["dnd"] as? [String], [])
        let going = inbox("contact", "dnd", "-", "--on", "sms", "--keep-going", in: repo, stdin: stdin, expect: 1)
        XCTAssertTrue(going.stderr.contains("skipped ct42: no contact 'ct42'"), going.stderr)
        XCTAssertTrue(going.stderr.contains("skipped ct: "), going.stderr)
        XCTAssertTrue(going.stderr.contains("2 changed, 0 already so, 2 skipped"), going.stderr)
        XCTAssertEqual(inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first?["dnd"] as? [String], ["sms"])
        XCTAssertEqual(inbox("--json", "contact", "show", "ct3", in: repo).jsonLines().first?["dnd"] as? [String], ["sms"])
        XCTAssertEqual(inbox("--json", "contact", "show", "ct2", in: repo).jsonLines().first?["dnd"] as? [String], [])
        // A dry run reports the same and writes nothing.
        let dry = inbox("contact", "dnd", "-", "--on", "email", "--keep-going", "--dry-run", in: repo, stdin: stdin, expect: 1)
        XCTAssertTrue(dry.stderr.contains("2 would change"), dry.stderr)
        XCTAssertEqual(inbox("--json", "contact", "show", "ct1", in: repo).jsonLines().first?["dnd"] as? [String], ["sms"])
    }
}
