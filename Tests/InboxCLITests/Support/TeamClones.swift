import Foundation
import XCTest

/// One bare remote and clones of it, each with its own machine name (INBOX_HOST), user and git
/// identity, for the team sync tests. Clones live side by side in one temp directory.
final class Team {
    let dir = TempDirectory("inbox-team")
    var remote: String { dir.file("remote.git") }
    /// A delivery hook that appends each message id it delivers to $DELIVERY_LOG.
    var log: String { dir.file("delivery.log") }
    /// Names the tests give records (`ct1`, `ms1`) for the ids a shared clone minted for them
    /// (`ctk3f9x2m7qa4r`): arguments equal to a name are passed as its id.
    var ids: [String: String] = [:]

    init() {
        _ = Team.git(["init", "-q", "--bare", "-b", "main", remote], in: dir.path)
    }

    func path(_ clone: String) -> String { dir.file(clone) }

    func environment(_ clone: String, now: String, user: String = "alice") -> [String: String] {
        var env = Inbox.baseEnvironment(now: now)
        env["INBOX_HOST"] = "host-" + clone
        env["INBOX_USER"] = user
        env["INBOX_SEED"] = "clone-" + clone  // each clone its own clone id, deterministically
        env["DELIVERY_LOG"] = log
        env["GIT_AUTHOR_NAME"] = clone
        env["GIT_AUTHOR_EMAIL"] = clone + "@example.com"
        env["GIT_COMMITTER_NAME"] = clone
        env["GIT_COMMITTER_EMAIL"] = clone + "@example.com"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = dir.path  // no ~/.gitconfig of the machine running the tests
        return env
    }

    /// Runs inbox in a clone; fails the test unless it exits with `status`.
    @discardableResult
    func inbox(_ clone: String, _ arguments: [String], now: String, user: String = "alice", stdin: String? = nil, expect status: Int32 = 0,
               file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let arguments = arguments.map { ids[$0] ?? $0 }
        let result = Inbox.run(arguments, in: path(clone), stdin: stdin, environment: environment(clone, now: now, user: user))
        XCTAssertEqual(result.status, status, "[\(clone)] inbox \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)", file: file, line: line)
        return result
    }

    /// Runs a command that adds a record with `-q` and names the id it prints `name`.
    @discardableResult
    func add(_ name: String, _ clone: String, _ arguments: [String], now: String, user: String = "alice",
             file: StaticString = #filePath, line: UInt = #line) -> String {
        let id = inbox(clone, ["-q"] + arguments, now: now, user: user, file: file, line: line).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(id.isEmpty || id.contains("\n"), "\(arguments): printed \(id)", file: file, line: line)
        ids[name] = id
        return id
    }

    /// The first clone: a shared inbox pushed to the remote.
    func create(_ clone: String, now: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.file(".keep"), contents: nil))
        let result = Inbox.run(["init", "--shared", clone], in: dir.path, environment: environment(clone, now: now))
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(Team.git(["-C", path(clone), "remote", "add", "origin", remote], in: dir.path).status, 0, file: file, line: line)
        _ = Team.git(["-C", path(clone), "branch", "-M", "main"], in: dir.path)
    }

    /// Another clone of the remote, set up with `inbox sync init`.
    func join(_ clone: String, now: String, file: StaticString = #filePath, line: UInt = #line) {
        let cloned = Team.git(["clone", "-q", remote, clone], in: dir.path)
        XCTAssertEqual(cloned.status, 0, cloned.stderr, file: file, line: line)
        inbox(clone, ["sync", "init"], now: now, file: file, line: line)
    }

    func sync(_ clone: String, now: String, file: StaticString = #filePath, line: UInt = #line) {
        inbox(clone, ["sync"], now: now, file: file, line: line)
    }

    /// The files git shares (tracked under .inbox) with their bytes.
    func sharedFiles(_ clone: String) -> [String: Data] {
        let listed = Team.git(["-C", path(clone), "ls-files", "-z", "--", ".inbox"], in: dir.path).stdout
        var files: [String: Data] = [:]
        for name in listed.split(separator: "\0") {
            files[String(name)] = FileManager.default.contents(atPath: path(clone) + "/" + name)
        }
        return files
    }

    /// Files under .inbox that are neither tracked nor ignored: a sync should have committed them.
    func untracked(_ clone: String) -> [String] {
        Team.git(["-C", path(clone), "status", "--porcelain", "--", ".inbox"], in: dir.path).lines
    }

    func deliveries() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = Inbox.baseEnvironment(now: "")
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = directory
        env["GIT_AUTHOR_NAME"] = "test"; env["GIT_AUTHOR_EMAIL"] = "test@example.com"
        env["GIT_COMMITTER_NAME"] = "test"; env["GIT_COMMITTER_EMAIL"] = "test@example.com"
        process.environment = env
        return Inbox.capture(process, stdin: nil)
    }
}

extension XCTestCase {
    /// Every clone holds byte-identical shared files, nothing left uncommitted, and fsck is clean.
    func assertConverged(_ team: Team, _ clones: [String], now: String, file: StaticString = #filePath, line: UInt = #line) {
        let reference = team.sharedFiles(clones[0])
        XCTAssertFalse(reference.isEmpty, "no shared files in \(clones[0])", file: file, line: line)
        for clone in clones {
            let files = team.sharedFiles(clone)
            XCTAssertEqual(files.keys.sorted(), reference.keys.sorted(), "\(clone) shares other files than \(clones[0])", file: file, line: line)
            for (name, bytes) in reference where files[name] != bytes {
                XCTFail("\(name) differs between \(clones[0]) and \(clone):\n\(String(decoding: bytes, as: UTF8.self))\n---\n\(String(decoding: files[name] ?? Data(), as: UTF8.self))", file: file, line: line)
            }
            XCTAssertEqual(team.untracked(clone), [], "\(clone) has changes no sync committed", file: file, line: line)
            team.inbox(clone, ["fsck"], now: now, file: file, line: line)
        }
    }
}
