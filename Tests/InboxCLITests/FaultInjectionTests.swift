import Foundation
import XCTest

/// DESIGN §5: an error at any file-system call of a write gives exit 74 naming the file and
/// leaves the repository as it was, or, once the change is saved, exit 0 with a warning; never
/// a half-made change, and never one a retry would repeat. strace injects the errors, one call
/// at a time, at every call that touches the repository.
final class FaultInjectionTests: XCTestCase {
    /// The repository's files and their bytes, leaving out temp files (the next writer removes them).
    func snapshot(_ repo: TempDirectory) -> [String: Data] {
        var files: [String: Data] = [:]
        let root = repo.file(".inbox")
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] where !path.contains(".tmp.") {
            if let data = readBytes(root + "/" + path) { files[path] = data }
        }
        return files
    }

    /// 1-based positions, among all calls of `syscall` in one run, of those that touch the repository.
    func positions(of syscall: String, in arguments: [String], repo: TempDirectory) throws -> [Int] {
        let probe = TempDirectory()
        try FileManager.default.removeItem(atPath: probe.path)
        try FileManager.default.copyItem(atPath: repo.path, toPath: probe.path)
        let log = probe.file("calls.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        process.arguments = ["-f", "-y", "-o", log, "-e", "trace=\(syscall)", "--", Inbox.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: probe.path)
        process.environment = Inbox.baseEnvironment()
        XCTAssertEqual(Inbox.capture(process, stdin: nil).status, 0)
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(syscall + "(") }
        return calls.enumerated().filter { $0.element.contains(probe.path + "/.inbox") }.map { $0.offset + 1 }
    }

    func testAnErrorAtAnyFileSystemCallOfAWriteLeavesAllOrNothing() throws {
        let tracer = try requiredTool("strace")
        let faults: [(syscall: String, errno: String)] = [
            ("openat", "ENOSPC"), ("write", "ENOSPC"), ("fsync", "EIO"), ("renameat", "EIO"), ("unlinkat", "EIO"),
            ("mkdirat", "EACCES"), ("getdents64", "EIO"), ("read", "EIO"), ("flock", "EIO"), ("newfstatat", "EACCES"),
        ]
        let command = ["contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com"]
        let base = makeRepository()
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: base)
        var injected = 0, refused = 0, savedWithWarning = 0
        for fault in faults {
            for position in try positions(of: fault.syscall, in: command, repo: base) {
                let repo = TempDirectory()
                try FileManager.default.removeItem(atPath: repo.path)
                try FileManager.default.copyItem(atPath: base.path, toPath: repo.path)
                let before = snapshot(repo)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tracer)
                process.arguments = ["-f", "-o", "/dev/null", "-e", "trace=\(fault.syscall)",
                                     "-e", "inject=\(fault.syscall):error=\(fault.errno):when=\(position)", "--", Inbox.binary] + command
                process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
                process.environment = Inbox.baseEnvironment()
                let result = Inbox.capture(process, stdin: nil)
                let label = "\(fault.syscall) #\(position) \(fault.errno)"
                injected += 1
                let names = inbox("--json", "contact", "list", in: repo).jsonLines().compactMap { $0["first_name"] as? String }
                switch result.status {
                case 74:
                    refused += 1
                    XCTAssertTrue(result.stderr.contains(".inbox"), "\(label): the error names the file: \(result.stderr)")
                    XCTAssertEqual(snapshot(repo), before, "\(label): exit 74 but the repository changed")
                    XCTAssertEqual(names, ["Grace"], label)
                case 0:
                    if result.stderr.contains("warning:") { savedWithWarning += 1 }
                    XCTAssertEqual(Set(names), ["Ada", "Grace"], "\(label): exit 0 but the contact is missing")
                default:
                    XCTFail("\(label): exit \(result.status): \(result.stderr)")
                }
                // Whatever happened, the next writer finds a sound repository and overwrites nothing.
                inbox("contact", "add", "Alan Turing", in: repo)
                let after = inbox("--json", "contact", "list", in: repo).jsonLines().compactMap { $0["first_name"] as? String }
                XCTAssertEqual(Set(after), Set(names + ["Alan"]), label)
                XCTAssertEqual(after.count, names.count + 1, label)
                let fsck = Inbox.run(["fsck"], in: repo.path)
                XCTAssertEqual(fsck.status, 0, "\(label): \(fsck.stdout)")
            }
        }
        print("fault injection: \(injected) faults, \(refused) refused with exit 74 and nothing changed, \(savedWithWarning) saved with a warning, the rest absorbed")
        XCTAssertGreaterThan(injected, 30)
        XCTAssertGreaterThan(refused, 10)
    }
    /// A change of many files writes its temp files on every core (`StoreDirectory.writeAllNew`):
    /// one that cannot be written (here too large for `ulimit -f`, with SIGXFSZ ignored, so the
    /// write fails with EFBIG) refuses the whole change with exit 74 naming it, and every temp
    /// file written beside it on the other core is taken back.
    func testATempFileThatCannotBeWrittenInABigChangeLeavesNothingBehind() throws {
        let bash = try requiredTool("bash")
        let repo = makeRepository()
        let people = (1...70).map { "contact add 'Client \($0)' --email c\($0)@example.com" }.joined(separator: "\n") + "\n"
        inbox("-q", "batch", in: repo, stdin: people)
        let before = snapshot(repo)
        // Line 40's thread would be 96 KB, over the 64 KB limit; every other file stays under it.
        let long = String(repeating: "w2 ", count: 32_000)
        let receives = (1...70).map { "message receive --contact ct\($0) --channel email '\($0 == 40 ? long : "My W-2 \($0)")'" }
        try (receives.joined(separator: "\n") + "\n").write(toFile: repo.file("receives.txt"), atomically: true, encoding: .utf8)
        let result = Inbox.shell("exec \(bash) -c \"trap '' XFSZ; ulimit -f 64; exec inbox -q batch < receives.txt\"", in: repo.path)
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertTrue(result.stderr.contains(".inbox/tmp/cv40.jsonl.tmp."), result.stderr)
        XCTAssertTrue(result.stderr.contains("too large"), result.stderr)
        XCTAssertEqual(snapshot(repo), before, "exit 74 but the repository changed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.file(".inbox/tmp"))
        XCTAssertEqual(leftovers, [], "temp files written beside the failed one are taken back")
        XCTAssertEqual(inbox("-q", "conversation", "list", in: repo).stdout, "")
        // Without the limit the same batch goes through whole.
        inbox("-q", "batch", in: repo, stdin: receives.joined(separator: "\n") + "\n")
        XCTAssertEqual(inbox("-q", "conversation", "list", "--limit", "100", in: repo).lines.count, 70)
        XCTAssertEqual(Inbox.run(["fsck"], in: repo.path).status, 0)
    }
}
