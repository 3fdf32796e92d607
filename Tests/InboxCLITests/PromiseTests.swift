import Foundation
import XCTest

/// Issue 13 item 2: promises of the README and DESIGN that no test checked, run in process.
final class PromiseTests: XCTestCase {
    func at(_ time: String, as user: String = "alice") -> [String: String] {
        var env = Inbox.baseEnvironment(now: time)
        env["INBOX_USER"] = user
        return env
    }

    /// alice (admin), bob, vic (viewer); Ada (vip, SMS and email) and Grace; cv1 Ada SMS 08:00
    /// assigned to alice, cv2 Grace email 09:00 assigned to bob, cv3 Ada email the day before.
    func team() -> TempDirectory {
        let repo = makeRepositoryInProcess()
        let now = at("2026-11-21T10:00:00Z")
        run("user", "add", "alice", "--role", "admin", in: repo)
        run("user", "add", "bob", in: repo, environment: now)
        run("user", "add", "vic", "--role", "viewer", in: repo, environment: now)
        run("config", "set", "sms.from", "+1 555 0199", "+1 555 0198", in: repo, environment: now)
        run("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", "--tag", "vip", in: repo, environment: now)
        run("contact", "add", "Grace Hopper", "--phone", "+1 555 0102", "--email", "grace@example.com", in: repo, environment: now)
        run("message", "receive", "--contact", "ct1", "--channel", "sms", "Need the tax form", in: repo, environment: at("2026-11-21T08:00:00Z"))
        run("message", "receive", "--contact", "ct2", "--channel", "email", "Invoice question", in: repo, environment: at("2026-11-21T09:00:00Z"))
        run("message", "receive", "--contact", "ct1", "--channel", "email", "Older email", in: repo, environment: at("2026-11-20T09:00:00Z"))
        run("conversation", "assign", "cv1", "--me", in: repo, environment: now)
        run("conversation", "assign", "cv2", "bob", in: repo, environment: now)
        return repo
    }

    func ids(_ arguments: String..., in repo: TempDirectory, as user: String = "alice") -> [String] {
        InProcessInbox.run(["-q"] + arguments, in: repo.path, environment: at("2026-11-21T10:00:00Z", as: user)).lines
    }

    func testConversationListFilters() {
        let repo = team()
        XCTAssertEqual(ids("conversation", "list", in: repo), ["cv2", "cv1", "cv3"], "most recent activity first")
        XCTAssertEqual(ids("conversation", "list", "--mine", in: repo), ["cv1"])
        XCTAssertEqual(ids("conversation", "list", "--mine", in: repo, as: "bob"), ["cv2"])
        XCTAssertEqual(ids("conversation", "list", "--unassigned", in: repo), ["cv3"])
        XCTAssertEqual(ids("conversation", "list", "--assignee", "bob", in: repo), ["cv2"])
        XCTAssertEqual(ids("conversation", "list", "--channel", "email", in: repo), ["cv2", "cv3"])
        XCTAssertEqual(ids("conversation", "list", "--contact", "ct1", in: repo), ["cv1", "cv3"])
        XCTAssertEqual(ids("conversation", "list", "--tag", "VIP", in: repo), ["cv1", "cv3"], "tags ignore case")
        XCTAssertEqual(ids("conversation", "list", "--search", "invoice", in: repo), ["cv2"])
        XCTAssertEqual(ids("conversation", "list", "--since", "2026-11-21T07:00Z", in: repo), ["cv2", "cv1"])
        XCTAssertEqual(ids("conversation", "list", "--until", "2026-11-21T07:00Z", in: repo), ["cv3"])
        XCTAssertEqual(ids("conversation", "list", "--channel", "email", "--unassigned", "--contact", "ct1", in: repo), ["cv3"], "filters combine")
    }

    func testAssignNoneCloseSeveralAndReopen() {
        let repo = team()
        let now = at("2026-11-21T10:00:00Z")
        XCTAssertEqual(run("conversation", "assign", "cv2", "--none", in: repo, environment: now).stdout, "cv2 is unassigned\n")
        XCTAssertEqual(ids("conversation", "list", "--unassigned", in: repo), ["cv2", "cv3"])
        XCTAssertEqual(run("conversation", "close", "cv1", "cv2", in: repo, environment: now).stdout, "Closed cv1\nClosed cv2\n")
        XCTAssertEqual(ids("conversation", "list", "--status", "closed", in: repo), ["cv2", "cv1"])
        XCTAssertEqual(ids("conversation", "list", in: repo), ["cv3"])
        XCTAssertEqual(run("conversation", "reopen", "cv1", "cv2", in: repo, environment: now).stdout, "Reopened cv1\nReopened cv2\n")
        XCTAssertEqual(ids("conversation", "list", "--status", "closed", in: repo), [])
        let again = run("conversation", "reopen", "cv1", in: repo, expect: 1, environment: now)
        XCTAssertEqual(again.stderr, "Error: cv1 is already open\n")
    }

    func message(_ id: String, _ repo: TempDirectory) -> [String: Any] {
        run("--json", "message", "show", id, in: repo).jsonLines().first ?? [:]
    }

    func testSendWithCcFromNoSignatureTextFromStdinAndTheAuthorsSignature() {
        let repo = team()
        let now = at("2026-11-21T10:00:00Z")
        run("user", "edit", "alice", "--signature", "— Alice", in: repo, environment: now)
        XCTAssertEqual(run("message", "send", "cv3", "See you", "--cc", "Boss@Example.com", in: repo, environment: now).stdout,
                       "Sent ms4 in cv3 by email to ada@example.com\n")
        XCTAssertEqual(message("ms4", repo)["text"] as? String, "See you\n\n— Alice", "the author's signature on email")
        XCTAssertEqual(message("ms4", repo)["cc"] as? [String], ["Boss@example.com"], "the domain is normalised, the local part kept")
        run("message", "send", "cv3", "No signature", "--no-signature", in: repo, environment: now)
        XCTAssertEqual(message("ms5", repo)["text"] as? String, "No signature")
        run("message", "send", "cv3", "-", in: repo, stdin: "From standard input\n", environment: now)
        XCTAssertEqual(message("ms6", repo)["text"] as? String, "From standard input\n\n— Alice")
        run("message", "send", "cv1", "Hi {first_name}", "--from", "555 0198", in: repo, environment: now)
        XCTAssertEqual(message("ms7", repo)["text"] as? String, "Hi Ada", "no signature on SMS")
        XCTAssertEqual(message("ms7", repo)["from"] as? String, "+15550198", "the firm number it ends like")
        run("message", "send", "cv1", "Default", in: repo, environment: now)
        XCTAssertEqual(message("ms8", repo)["from"] as? String, "+15550199", "the first sms.from is the default")
        let cc = run("message", "send", "cv1", "x", "--cc", "a@example.com", in: repo, expect: 64, environment: now)
        XCTAssertTrue(cc.stderr.hasPrefix("Error: --cc is for email; cv1 is sms\n"), cc.stderr)
    }

    func testSMSWithoutAFromNumberIsRefusedAndNothingIsWritten() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada", "--phone", "+1 555 0100", in: repo)
        let refused = run("message", "send", "--contact", "ct1", "--channel", "sms", "Hello", in: repo, expect: 1)
        XCTAssertEqual(refused.stderr, "Error: SMS needs a From number: pass --from NUMBER or run 'inbox config set sms.from NUMBER'\n")
        XCTAssertEqual(ids("message", "list", in: repo), [])
        XCTAssertEqual(ids("conversation", "list", "--status", "all", in: repo), [], "no conversation started for it")
    }

    func testAViewerIsRefusedEveryChangeButMayRead() {
        let repo = team()
        let vic = at("2026-11-21T10:00:00Z", as: "vic")
        let refused = run("message", "send", "cv1", "Hi", in: repo, expect: 1, environment: vic)
        XCTAssertTrue(refused.stderr.hasPrefix("Error: user 'vic' is a viewer and cannot make changes"), refused.stderr)
        run("conversation", "close", "cv1", in: repo, expect: 1, environment: vic)
        XCTAssertEqual(ids("conversation", "list", "--status", "closed", in: repo), [])
        XCTAssertEqual(ids("conversation", "list", in: repo, as: "vic"), ["cv2", "cv1", "cv3"])
    }

    func testAgesAreRelativeToNow() {
        let repo = team()
        let rows = run("conversation", "list", in: repo, environment: at("2026-11-21T10:00:00Z")).lines.dropFirst()
        XCTAssertEqual(rows.map { $0.contains(" 1h ago ") }, [true, false, false])
        XCTAssertEqual(rows.map { $0.contains(" 2h ago ") }, [false, true, false])
        XCTAssertEqual(rows.map { $0.contains(" 1d ago ") }, [false, false, true])
    }

    func testColourOnlyOnATerminalAndNeverWithNoColorOrADumbTerminal() {
        let repo = team()
        func output(_ extra: [String] = [], _ variables: [String: String] = [:], terminal: Bool = true) -> String {
            var env = at("2026-11-21T10:00:00Z").merging(["TERM": "xterm-256color"]) { $1 }
            env.merge(variables) { $1 }
            return InProcessInbox.run(extra + ["conversation", "list"], in: repo.path, terminal: terminal, environment: env).stdout
        }
        XCTAssertTrue(output().contains("\u{1B}["), "a terminal gets colour")
        XCTAssertFalse(output(terminal: false).contains("\u{1B}["), "a pipe never does")
        XCTAssertFalse(output(["--no-color"]).contains("\u{1B}["), "--no-color")
        XCTAssertFalse(output([], ["NO_COLOR": "1"]).contains("\u{1B}["), "NO_COLOR")
        XCTAssertFalse(output([], ["TERM": "dumb"]).contains("\u{1B}["), "TERM=dumb")
        XCTAssertEqual(output(["--no-color"]), output(terminal: false), "the same text, uncoloured")
    }

    func testTheWhatsAppWindowIsCheckedAgainAtTheFlush() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada", "--phone", "+1 555 0100", in: repo)
        run("message", "receive", "--contact", "ct1", "--channel", "whatsapp", "Hi", in: repo, environment: at("2026-11-21T10:00:00Z"))
        // Inside the window when scheduled; 25 hours after her message when it is due.
        run("message", "schedule", "cv1", "Reminder", "--at", "2026-11-22T09:00Z", in: repo, environment: at("2026-11-21T10:00:00Z"))
        let flush = run("message", "flush", in: repo, environment: at("2026-11-22T11:00:00Z"))
        XCTAssertEqual(flush.stderr, "flush: 0 sent, 0 failed, 1 blocked, 0 in-doubt\n")
        XCTAssertEqual(message("ms2", repo)["state"] as? String, "blocked")
        XCTAssertTrue((message("ms2", repo)["error"] as? String ?? "").hasPrefix("WhatsApp allows free text only within 24 hours"))
    }

    func testFlushDryRunShowsWhatIsDueWithinTheLimitAndSendsNothing() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada", "--email", "ada@example.com", in: repo)
        run("conversation", "create", "--contact", "ct1", "--channel", "email", in: repo)
        for (text, due) in [("First", "2026-11-21T11:00Z"), ("Second", "2026-11-21T11:30Z"), ("Third", "2026-11-21T13:00Z")] {
            run("message", "schedule", "cv1", text, "--at", due, in: repo)
        }
        let dry = run("--json", "message", "flush", "--dry-run", "--limit", "1", in: repo, environment: at("2026-11-21T12:00:00Z"))
        XCTAssertEqual(dry.jsonLines().map { $0["id"] as? String }, ["ms1"])
        let all = run("--json", "message", "flush", "--dry-run", in: repo, environment: at("2026-11-21T12:00:00Z"))
        XCTAssertEqual(all.jsonLines().map { $0["id"] as? String }, ["ms1", "ms2"], "soonest first, only what is due")
        XCTAssertEqual(ids("message", "list", "--scheduled", in: repo), ["ms1", "ms2", "ms3"], "a dry run sends nothing")
    }
}
