import Foundation
import XCTest

/// Issue 12 item 2: deleting and merging contacts, moving a conversation to another contact.
final class ContactMergeTests: XCTestCase {
    func json(_ args: String..., in repo: TempDirectory) -> [[String: Any]] {
        Inbox.run(["--json"] + args, in: repo.path).jsonLines()
    }

    /// Ada twice over: ct1 as entered, ct2 created by an inbound text, with a thread, a closing
    /// note, a note, a task, a log entry and a scheduled email; ct3 a third copy by email only.
    func duplicates() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", "--tag", "vip",
              "--field", "plan=gold", in: repo)
        inbox("contact", "add", "A. Lovelace", "--phone", "+1 555 0199", "--email", "ada@home.example", "--tag", "tax-2026",
              "--field", "plan=silver", "--field", "ref=walk-in", in: repo)
        inbox("contact", "dnd", "ct2", "--on", "sms", in: repo)
        inbox("contact", "add", "--email", "ada.l@work.example", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "Here is my W-2", in: repo)
        inbox("conversation", "close", "cv1", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "One more thing", in: repo)
        inbox("message", "schedule", "cv1", "Reminder: sign the form", "--at", "+2d", in: repo)
        inbox("contact", "note", "ct2", "Prefers mornings", in: repo)
        inbox("task", "create", "--contact", "ct2", "--kind", "question", "Which tax year?", in: repo)
        inbox("log", "add", "--contact", "ct3", "--kind", "call", "Called about the form", in: repo)
        return repo
    }

    func testMergeMovesEverythingToKeepAndTheOldIdsResolveToIt() {
        let repo = duplicates()
        let merged = inbox("contact", "merge", "ct1", "ct2", "ct3", in: repo)
        XCTAssertEqual(merged.lines, ["Merged ct2 A. Lovelace into ct1 Ada Lovelace, moving 1 conversation, 2 notes, 1 task",
                                      "Merged ct3 ada.l@work.example into ct1 Ada Lovelace, moving 1 log entry"])
        XCTAssertTrue(merged.stderr.contains("plan: kept ct1's \"gold\", not ct2's \"silver\""), merged.stderr)
        inbox("fsck", in: repo)

        let keep = json("contact", "show", "ct1", in: repo).first ?? [:]
        XCTAssertEqual(keep["phones"] as? [String], ["+15550100", "+15550199"])
        XCTAssertEqual(keep["emails"] as? [String], ["ada@example.com", "ada@home.example", "ada.l@work.example"])
        XCTAssertEqual(keep["tags"] as? [String], ["vip", "tax-2026"])
        XCTAssertEqual(keep["fields"] as? [String: String], ["plan": "gold", "ref": "walk-in"])
        XCTAssertEqual(keep["dnd"] as? [String], ["sms"])
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct1"])

        // The merged ids stand for ct1 wherever a contact id is taken.
        XCTAssertEqual(json("contact", "show", "ct2", in: repo).first?["id"] as? String, "ct1")
        XCTAssertEqual(json("contact", "show", "ct3", in: repo).first?["id"] as? String, "ct1")
        XCTAssertEqual(inbox("log", "list", "--contact", "ct3", "-q", in: repo).lines, ["lg1"])
        XCTAssertEqual(inbox("task", "list", "--contact", "ct2", "-q", in: repo).lines, ["tk1"])

        // Conversations, their messages and the listing rows follow.
        let conversation = json("conversation", "show", "cv1", in: repo).first ?? [:]
        XCTAssertEqual(conversation["contact"] as? String, "ct1")
        let messages = json("message", "list", "--contact", "ct1", in: repo)
        XCTAssertEqual(messages.count, 3)
        XCTAssertEqual(Set(messages.compactMap { $0["conversation"] as? String }), ["cv1"])
        XCTAssertTrue(inbox("conversation", "list", "--status", "all", in: repo).stdout.contains("Ada Lovelace"))
        XCTAssertFalse(inbox("conversation", "list", "--status", "all", in: repo).stdout.contains("A. Lovelace"))
        XCTAssertEqual(inbox("conversation", "list", "--contact", "ct1", "--status", "all", "-q", in: repo).lines, ["cv1"])
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines.count, 1)
        let shown = json("contact", "show", "ct1", in: repo).first ?? [:]
        XCTAssertEqual((shown["notes"] as? [[String: Any]])?.count, 2)

        // Search and address matching find ct1 by the others' phone and email.
        XCTAssertEqual(inbox("contact", "list", "--search", "0199", "-q", in: repo).lines, ["ct1"])
        XCTAssertEqual(inbox("contact", "list", "--search", "work.example", "-q", in: repo).lines, ["ct1"])
        inbox("message", "receive", "--from", "ada@home.example", "--channel", "email", "Hello again", in: repo)
        XCTAssertEqual(inbox("contact", "list", "-q", in: repo).lines, ["ct1"], "an inbound message from a merged address made a new contact")
        inbox("contact", "add", "Someone", "--phone", "+1 555 0199", in: repo, expect: 1)
        inbox("fsck", in: repo)
    }

    func testMergesChainAndTheRecordStaysFlatAndChecked() throws {
        let repo = duplicates()
        inbox("contact", "merge", "ct1", "ct2", in: repo)
        inbox("contact", "add", "Ada Byron", in: repo)
        inbox("contact", "merge", "ct4", "ct1", in: repo)
        XCTAssertEqual(json("contact", "show", "ct2", in: repo).first?["id"] as? String, "ct4")
        let record = try String(contentsOfFile: repo.file(".inbox/contact-merges.jsonl"), encoding: .utf8)
        XCTAssertEqual(record, """
            {"merged":"ct1","into":"ct4","at":"2026-11-21T10:00:00Z","by":"tester"}
            {"merged":"ct2","into":"ct4","at":"2026-11-21T10:00:00Z","by":"tester"}

            """)
        inbox("fsck", in: repo)
        // fsck notices a merge record that leads nowhere, or names a contact that still exists.
        try (record + #"{"merged":"ct3","into":"ct9","at":"2026-11-21T10:00:00Z","by":"tester"}"# + "\n")
            .write(toFile: repo.file(".inbox/contact-merges.jsonl"), atomically: false, encoding: .utf8)
        let fsck = inbox("fsck", in: repo, expect: 65)
        XCTAssertTrue(fsck.stdout.contains("contact-merges.jsonl:3: contact ct3 is recorded as merged into ct9 but still exists"), fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains("contact-merges.jsonl:3: contact ct3 is recorded as merged into ct9, which does not exist"), fsck.stdout)
    }

    /// ct1 merged away must find what it became, not be read as a prefix of ct10–ct12.
    func testAMergedIdIsLookedUpBeforeIdPrefixes() {
        let repo = makeRepository()
        for n in 1...12 { inbox("contact", "add", "Person \(n)", in: repo) }
        inbox("contact", "merge", "ct2", "ct1", in: repo)
        XCTAssertEqual((json("contact", "show", "ct1", in: repo).first ?? [:])["id"] as? String, "ct2")
        XCTAssertEqual(inbox("contact", "tag", "ct1", "--add", "vip", "-q", in: repo).lines, ["ct2"])
        inbox("fsck", in: repo)
    }

    func testMergeRefusesItselfAndUnknownIdsAndDryRunWritesNothing() {
        let repo = duplicates()
        let before = recordFiles(repo)
        inbox("contact", "merge", "ct1", "ct1", in: repo, expect: 64)
        inbox("contact", "merge", "ct1", in: repo, expect: 64)
        inbox("contact", "merge", "ct1", "ct2", "ct404", in: repo, expect: 66)
        let dry = inbox("contact", "merge", "ct1", "ct2", "--dry-run", in: repo)
        XCTAssertEqual(dry.lines, ["Would merge ct2 A. Lovelace into ct1 Ada Lovelace, moving 1 conversation, 2 notes, 1 task"])
        XCTAssertEqual(recordFiles(repo), before)
    }

    func testDeleteIsRefusedWhileRecordsReferToTheContactAndForceSaysWhatItRemoves() {
        let repo = duplicates()
        let before = recordFiles(repo)
        let refused = inbox("contact", "delete", "ct2", in: repo, expect: 1)
        XCTAssertTrue(refused.stderr.contains("ct2 A. Lovelace has 1 conversation, 2 notes, 1 task"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
        // One refused id keeps every other one too.
        inbox("contact", "delete", "ct1", "ct3", in: repo, expect: 1)
        inbox("contact", "delete", "ct1", "ct404", in: repo, expect: 66)
        XCTAssertEqual(inbox("contact", "delete", "ct2", "--force", "--dry-run", in: repo).lines,
                       ["Would delete contact ct2 A. Lovelace with 1 conversation, 2 notes, 1 task"])
        XCTAssertEqual(recordFiles(repo), before)

        XCTAssertEqual(inbox("message", "list", "--search", "w-2", "-q", in: repo).lines.count, 1)
        let forced = inbox("contact", "delete", "ct2", "--force", in: repo)
        XCTAssertEqual(forced.lines, ["Deleted contact ct2 A. Lovelace with 1 conversation, 2 notes, 1 task"])
        // Its messages leave the word index with it (fsck compares the index with the threads).
        XCTAssertEqual(inbox("message", "list", "--search", "w-2", "-q", in: repo).lines, [])
        inbox("fsck", in: repo)
        inbox("contact", "show", "ct2", in: repo, expect: 66)
        inbox("conversation", "show", "cv1", in: repo, expect: 66)
        XCTAssertEqual(inbox("message", "list", "--scheduled", "-q", in: repo).lines, [])
        XCTAssertEqual(inbox("task", "list", "-q", in: repo).lines, [])
        XCTAssertEqual(inbox("conversation", "list", "--status", "all", "-q", in: repo).lines, [])
        XCTAssertEqual(inbox("contact", "list", "--search", "lovelace", "-q", in: repo).lines, ["ct1"])
        // Its phone is free again.
        inbox("contact", "add", "New Owner", "--phone", "+1 555 0199", in: repo)
        // A contact nothing refers to goes at once; ids are never reused.
        XCTAssertEqual(inbox("contact", "delete", "ct4", in: repo).lines, ["Deleted contact ct4 New Owner"])
        XCTAssertEqual(inbox("contact", "add", "Later", "-q", in: repo).lines, ["ct5"])
        inbox("fsck", in: repo)
    }

    func testDeletingTheContactOthersWereMergedIntoForgetsTheirIds() {
        let repo = duplicates()
        inbox("contact", "merge", "ct3", "ct1", in: repo)
        inbox("contact", "delete", "ct3", "--force", in: repo)
        inbox("contact", "show", "ct1", in: repo, expect: 66)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.file(".inbox/contact-merges.jsonl")))
        inbox("fsck", in: repo)
    }

    func testConversationMoveTakesItsMessagesAndClosingNoteToTheOtherContact() {
        let repo = duplicates()
        inbox("conversation", "close", "cv1", "--message", "Thanks, all done", in: repo)
        let moved = inbox("conversation", "move", "cv1", "--contact", "ct1", in: repo)
        XCTAssertEqual(moved.lines, ["Moved cv1 from ct2 to ct1"])
        inbox("fsck", in: repo)
        XCTAssertEqual((json("conversation", "show", "cv1", in: repo).first ?? [:])["contact"] as? String, "ct1")
        XCTAssertEqual(Set(json("message", "list", "--conversation", "cv1", in: repo).compactMap { $0["contact"] as? String }), ["ct1"])
        XCTAssertEqual(inbox("conversation", "list", "--contact", "ct2", "--status", "all", "-q", in: repo).lines, [])
        XCTAssertTrue(inbox("conversation", "list", "--status", "all", in: repo).stdout.contains("Ada Lovelace"))
        // The note about the conversation went with it; the note about ct2 stayed.
        XCTAssertEqual(((json("contact", "show", "ct2", in: repo).first ?? [:])["notes"] as? [[String: Any]])?.compactMap { $0["text"] as? String },
                       ["Prefers mornings"])
        // ct2 has nothing but a note and a task now, which still keep it.
        inbox("contact", "delete", "ct2", in: repo, expect: 1)
        XCTAssertEqual(inbox("conversation", "move", "cv1", "--contact", "ct1", in: repo).lines, ["cv1 already belongs to ct1"])
        inbox("conversation", "move", "cv1", in: repo, expect: 64)
        inbox("conversation", "move", "cv1", "--contact", "ct404", in: repo, expect: 66)
        inbox("conversation", "move", "cv404", "--contact", "ct1", in: repo, expect: 66)
        inbox("fsck", in: repo)
    }

    func testEditRemovesAnEmailAndRefusesOneTheContactLacks() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--email", "ada@home.example", in: repo)
        inbox("contact", "edit", "ct1", "--remove-email", "ADA@home.example", in: repo)
        XCTAssertEqual((json("contact", "show", "ct1", in: repo).first ?? [:])["emails"] as? [String], ["ada@example.com"])
        inbox("contact", "edit", "ct1", "--remove-email", "nobody@example.com", in: repo, expect: 66)
        inbox("contact", "add", "Other", "--email", "ada@home.example", in: repo)
        inbox("fsck", in: repo)
    }
}
