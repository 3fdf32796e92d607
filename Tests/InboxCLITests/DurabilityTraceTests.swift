import Foundation
import XCTest
import InboxCLI

/// Reads the system calls of a real write under strace: each file written must be a temp file
/// in `.inbox/tmp/` created with O_EXCL, fsynced before it is renamed over its target, and the
/// directory fsynced after the rename.
final class DurabilityTraceTests: XCTestCase {
    struct Call {
        let name: String
        let text: String
        /// The paths the call names, made whole: `openat(5</r/.inbox/tmp>, "x", …)` names
        /// `/r/.inbox/tmp/x` (strace -y prints the path behind each descriptor).
        var paths: [String] {
            let pattern = try! NSRegularExpression(pattern: #"(?:(?:\d+<([^>]*)>|AT_FDCWD), )?"([^"]*)""#)
            let range = NSRange(text.startIndex..., in: text)
            return pattern.matches(in: text, range: range).map { match in
                let name = String(text[Range(match.range(at: 2), in: text)!])
                guard let dirRange = Range(match.range(at: 1), in: text), !name.hasPrefix("/") else { return name }
                return text[dirRange] + "/" + name
            }
        }
    }

    func trace(_ arguments: [String], in repo: TempDirectory, stdin: String? = nil) throws -> [Call] {
        let log = repo.file("trace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=openat,fsync,fdatasync,syncfs,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,write", "--", Inbox.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: stdin)
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            // "1234  fsync(3</tmp/x/.inbox/contacts/.0000.jsonl.tmp.1234.1>) = 0"
            var body = Substring(line)
            if let space = body.firstIndex(of: " "), body[..<space].allSatisfy(\.isNumber) { body = body[space...].drop { $0 == " " } }
            guard let paren = body.firstIndex(of: "(") else { return nil }
            return Call(name: String(body[..<paren]), text: String(body))
        }
    }

    func testContactAddFsyncsEachTempFileBeforeItsRenameAndTheDirectoryAfter() throws {
        let repo = makeRepository()
        let calls = try trace(["contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com"], in: repo)
        let store = repo.file(".inbox")
        let renames = calls.enumerated().filter { $0.element.name.hasPrefix("rename") && $0.element.text.contains(store) }
        // Five files change (counter, contact shard, two address index shards, the search index)
        // plus the journal itself.
        XCTAssertEqual(renames.count, 6, calls.map(\.text).joined(separator: "\n"))
        var checkedTargets: [String] = []
        for (index, rename) in renames {
            let paths = rename.paths
            XCTAssertEqual(paths.count, 2, rename.text)
            guard paths.count == 2 else { continue }
            let (temp, target) = (paths[0], paths[1])
            XCTAssertTrue(temp.contains(".tmp."), "renamed from a temp file: \(rename.text)")
            XCTAssertEqual(parent(temp), store + "/tmp", "temp files are written in .inbox/tmp")
            // The temp file was created exclusively, then fsynced, before this rename.
            let before = calls[..<index]
            XCTAssertTrue(before.contains { $0.name == "openat" && $0.paths.first == temp && $0.text.contains("O_EXCL") },
                          "created with O_EXCL: \(temp)")
            XCTAssertTrue(before.contains { $0.name == "fsync" && $0.text.contains("<\(temp)>") }, "fsync before rename: \(temp)")
            // Its directory is fsynced after it.
            let after = calls[(index + 1)...]
            XCTAssertTrue(after.contains { $0.name == "fsync" && $0.text.contains("<\(parent(target))>") },
                          "directory fsync after rename of \(target)")
            checkedTargets.append(target)
        }
        XCTAssertTrue(checkedTargets.contains(store + "/contacts/0000.jsonl"))
        XCTAssertTrue(checkedTargets.contains(store + "/journal"), "a four-file change goes through the journal")
        // No file of the store is opened for writing in place, nor truncated.
        let inPlace = calls.filter { $0.name == "openat" && $0.text.contains(store) && ($0.text.contains("O_TRUNC") ||
            ($0.text.contains("O_WRONLY") || $0.text.contains("O_RDWR")) && !($0.paths.first ?? "").hasPrefix(store + "/tmp/")) }
        XCTAssertEqual(inPlace.map(\.text), [])
        // The journal is the last thing removed, once every rename is durable.
        let journalUnlink = calls.lastIndex { $0.name.hasPrefix("unlink") && $0.paths.first == store + "/journal" }
        XCTAssertNotNil(journalUnlink)
        XCTAssertGreaterThan(journalUnlink ?? 0, renames.last!.offset)
    }

    /// A journal that only replaced files goes without another fsync of `.inbox`: if a crash
    /// loses its removal, it names temp files that are gone and recovery renames nothing.
    func testAJournalThatOnlyReplacedFilesIsRemovedWithoutAnotherFsync() throws {
        let repo = makeRepository()
        let calls = try trace(["contact", "add", "Ada Lovelace", "--email", "ada@example.com"], in: repo)
        let store = repo.file(".inbox")
        let journalGone = try XCTUnwrap(calls.lastIndex { $0.name.hasPrefix("unlink") && $0.paths.first == store + "/journal" })
        XCTAssertEqual(calls[(journalGone + 1)...].filter { $0.name == "fsync" || $0.name == "syncfs" }.map(\.text), [],
                       "nothing is synced after the journal's removal")
        // Every directory a file was renamed into was fsynced before the journal went.
        let before = calls[..<journalGone]
        for rename in before where rename.name.hasPrefix("rename") && (rename.paths.last ?? "") != store + "/journal" {
            let directory = parent(rename.paths.last ?? "")
            XCTAssertTrue(before.contains { $0.name == "fsync" && $0.text.contains("<\(directory)>") }, "\(directory) synced before the journal's removal")
        }
        XCTAssertEqual(Inbox.run(["fsck"], in: repo.path).status, 0)
    }

    /// A journal that removed a file is removed durably: replayed after a crash it would remove
    /// the file again, and a later command may have made it again.
    func testAJournalThatRemovedAFileIsRemovedDurably() throws {
        let repo = makeRepository()
        XCTAssertEqual(Inbox.run(["contact", "add", "Ada Lovelace", "--email", "ada@example.com"], in: repo.path).status, 0)
        XCTAssertEqual(Inbox.run(["--now", "2026-06-01T09:15:00Z", "message", "receive", "--contact", "ct1", "--channel", "email", "My W-2"], in: repo.path).status, 0)
        let hourFile = repo.file(".inbox/index/activity/2026-06-01T09.jsonl")
        XCTAssertTrue(FileManager.default.fileExists(atPath: hourFile))
        // The reply an hour later moves the conversation's row out of the 09 file, which is left empty and removed.
        let calls = try trace(["--now", "2026-06-01T10:15:00Z", "message", "send", "cv1", "Thanks, got it"], in: repo)
        XCTAssertFalse(FileManager.default.fileExists(atPath: hourFile))
        let store = repo.file(".inbox")
        let journalGone = try XCTUnwrap(calls.lastIndex { $0.name.hasPrefix("unlink") && $0.paths.first == store + "/journal" })
        XCTAssertTrue(calls[(journalGone + 1)...].contains { $0.name == "fsync" && $0.text.contains("<\(store)>") },
                      "the store directory is fsynced after the journal's removal:\n" + calls.map(\.text).joined(separator: "\n"))
        XCTAssertEqual(Inbox.run(["fsck"], in: repo.path).status, 0)
    }

    /// A change of thousands of files (here 70 new threads and what follows them) makes its
    /// temp files durable with one syncfs, before the journal that names them: on a file system
    /// without a journal, an fsync each would flush the disk's cache once per file.
    func testABigChangeSyncsItsTempFilesOnceBeforeTheJournal() throws {
        let repo = makeRepository()
        let people = (1...70).map { "contact add 'Client \($0)' --email c\($0)@example.com" }.joined(separator: "\n") + "\n"
        XCTAssertEqual(Inbox.run(["-q", "batch"], in: repo.path, stdin: people).status, 0)
        let receives = (1...70).map { "message receive --contact ct\($0) --channel email 'My W-2 \($0)'" }.joined(separator: "\n") + "\n"
        let calls = try trace(["-q", "batch"], in: repo, stdin: receives)
        let store = repo.file(".inbox")
        let syncs = calls.indices.filter { calls[$0].name == "syncfs" }
        XCTAssertEqual(syncs.count, 1, calls.map(\.text).joined(separator: "\n"))
        let journal = calls.firstIndex { $0.name.hasPrefix("rename") && $0.paths.last == store + "/journal" }
        XCTAssertNotNil(journal)
        XCTAssertLessThan(syncs.first ?? .max, journal ?? 0, "syncfs before the journal is renamed into place")
        XCTAssertEqual(calls.filter { $0.name == "fsync" && $0.text.contains(store + "/tmp/") && !$0.text.contains("/tmp/journal.tmp.") }.map(\.text), [],
                       "no temp file but the journal is fsynced one by one")
        let threads = calls.filter { $0.name.hasPrefix("rename") && ($0.paths.last ?? "").hasPrefix(store + "/messages/") }
        XCTAssertEqual(threads.count, 70)
        // The renames are made durable before the journal goes.
        let lastRename = calls.lastIndex { $0.name.hasPrefix("rename") } ?? 0
        let journalGone = calls.lastIndex { $0.name.hasPrefix("unlink") && $0.paths.first == store + "/journal" }
        XCTAssertNotNil(journalGone)
        XCTAssertTrue(calls[lastRename..<(journalGone ?? lastRename)].contains { $0.name == "syncfs" || $0.name == "fsync" }, "synced between the renames and the journal's removal")
        XCTAssertEqual(Inbox.run(["fsck"], in: repo.path).status, 0)
    }

    /// A big change frees the files it replaces after their renames, not inside them: the
    /// kernel frees an old inode (and discards its blocks) while it holds the file system's
    /// lock for renames between directories, so each old thread is held open (O_PATH) across
    /// its rename and closed after, and the two cores no longer take turns (a flush at 1M:
    /// renames 1.8 s → 1.0 s).
    func testABigChangeHoldsEachReplacedFileOpenAcrossItsRename() throws {
        let repo = makeRepository()
        let people = (1...70).map { "contact add 'Client \($0)' --email c\($0)@example.com" }.joined(separator: "\n") + "\n"
        XCTAssertEqual(Inbox.run(["-q", "batch"], in: repo.path, stdin: people).status, 0)
        let receives = { (n: Int) in (1...70).map { "message receive --contact ct\($0) --channel email 'W-2 part \(n)'" }.joined(separator: "\n") + "\n" }
        XCTAssertEqual(Inbox.run(["-q", "batch"], in: repo.path, stdin: receives(1)).status, 0)
        // One log per thread (-ff), so no call is split by another thread's.
        let log = repo.file("threads.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-ff", "-y", "-o", log, "-e", "trace=openat,renameat,renameat2,close", "--", Inbox.binary, "-q", "batch"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = Inbox.baseEnvironment()
        let result = Inbox.capture(process, stdin: receives(2))
        XCTAssertEqual(result.status, 0, result.stderr)
        let store = repo.file(".inbox")
        let logs = try FileManager.default.contentsOfDirectory(atPath: repo.path).filter { $0.hasPrefix("threads.log.") }
        let openPattern = try NSRegularExpression(pattern: #"^openat\(\d+<([^>]*)>, "([^"]*)", [^)]*O_PATH[^)]*\) = (\d+)"#)
        let renamePattern = try NSRegularExpression(pattern: #"^renameat2?\(\d+<[^>]*>, "[^"]*", \d+<([^>]*)>, "([^"]*)"[^)]*\) = 0"#)
        let closePattern = try NSRegularExpression(pattern: #"^close\((\d+)"#)
        func groups(_ pattern: NSRegularExpression, _ line: String) -> [String]? {
            guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
            return (1..<match.numberOfRanges).map { String(line[Range(match.range(at: $0), in: line)!]) }
        }
        var heldAcross = 0, threadRenames = 0
        for name in logs {
            // Per thread: descriptors held on a path, and renames waiting for their descriptor's close.
            var held: [String: String] = [:], awaitingClose: Set<String> = []
            for line in try String(contentsOfFile: repo.file(name), encoding: .utf8).split(separator: "\n").map(String.init) {
                if let g = groups(openPattern, line) {
                    held[g[2]] = g[0] + "/" + g[1]
                } else if let g = groups(renamePattern, line), g[0].hasPrefix(store + "/messages/") {
                    threadRenames += 1
                    let target = g[0] + "/" + g[1]
                    if let fd = held.first(where: { $0.value == target })?.key { awaitingClose.insert(fd) }
                } else if let g = groups(closePattern, line) {
                    if awaitingClose.remove(g[0]) != nil { heldAcross += 1 }
                    held[g[0]] = nil
                }
            }
        }
        XCTAssertEqual(threadRenames, 70, "each of the 70 threads is replaced")
        XCTAssertEqual(heldAcross, 70, "each replaced thread was held open across its rename and closed after it")
        XCTAssertEqual(Inbox.run(["fsck"], in: repo.path).status, 0)
        XCTAssertEqual(Inbox.run(["conversation", "open", "cv70"], in: repo.path).stdout.components(separatedBy: "W-2 part").count - 1, 2)
    }

    /// What each `.read` command is run with in the walk below; a read command added to the
    /// table without an entry here fails the test, so none escapes it.
    static let readSamples: [String: [String]] = [
        "config get": ["sms.from"], "config list": [], "contact list": [], "contact show": ["ct1"],
        "conversation list": [], "conversation show": ["cv1"], "export": [], "hook status": [], "log list": [],
        "message list": [], "message show": ["ms1"], "report": [], "tag list": [], "task list": [], "task show": ["tk1"],
        "template list": [], "timeline": ["ct1"], "user list": [], "__complete": ["contacts"],
    ]

    /// Issue 13 item 8: every command the table declares `.read` writes nothing, traced; every
    /// `.none` command does not even look at the repository.
    func testEveryReadCommandWritesNothingAndNoCommandOfAccessNoneTouchesTheRepository() throws {
        let repo = makeRepository()
        for line in [["user", "add", "alice", "--role", "admin"], ["config", "set", "user.name", "alice"],
                     ["contact", "add", "Ada", "--email", "ada@example.com", "--tag", "vip"],
                     ["message", "receive", "--contact", "ct1", "--channel", "email", "Hello"],
                     ["task", "create", "Send the form", "--contact", "ct1", "--kind", "question"],
                     ["log", "add", "Called", "--contact", "ct1", "--kind", "call"], ["template", "add", "thanks", "Thanks"]] {
            XCTAssertEqual(Inbox.run(line, in: repo.path).status, 0, line.joined(separator: " "))
        }
        // A dead writer's temp file: the next writer removes it; a reader must leave it.
        XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/tmp/0000.jsonl.tmp.999999.0"), contents: Data("x".utf8)))
        let table = CommandTable.shared.entries
        let reads = table.filter { $0.access == .read }.map(\.name)
        XCTAssertEqual(Set(reads), Set(Self.readSamples.keys), "each read command needs a sample command line here")
        var traced = 0
        for name in reads {
            guard let sample = Self.readSamples[name] else { continue }
            let command = name.split(separator: " ").map(String.init) + sample
            let calls = try trace(command, in: repo)
            XCTAssertTrue(calls.contains { $0.name == "openat" && $0.text.contains(repo.file(".inbox")) }, "\(name): the trace saw the repository read")
            XCTAssertEqual(calls.filter(Self.isWrite).map(\.text), [], "inbox \(command.joined(separator: " ")) wrote")
            traced += 1
        }
        XCTAssertEqual(traced, Self.readSamples.count)
        let untouching = ["date": ["now"], "help": ["contact", "add"], "__manpage": [], "__completion": ["bash"]]
        XCTAssertEqual(Set(table.filter { $0.access == .none }.map(\.name)), Set(untouching.keys))
        for (name, sample) in untouching {
            let calls = try trace([name] + sample, in: repo)
            XCTAssertEqual(calls.filter { $0.text.contains(repo.file(".inbox")) }.map(\.text), [], "inbox \(name) touched the repository")
        }
    }

    /// A call that changes the file system: a rename, unlink, mkdir or fsync, or an open for writing.
    static func isWrite(_ call: Call) -> Bool {
        ["rename", "unlink", "mkdir", "fsync", "fdatasync"].contains { call.name.hasPrefix($0) } ||
            (call.name == "openat" && ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"].contains { call.text.contains($0) })
    }

    func parent(_ path: String) -> String { (path as NSString).deletingLastPathComponent }
}
