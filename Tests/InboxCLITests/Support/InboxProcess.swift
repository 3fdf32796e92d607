import Foundation
import XCTest

/// Runs the built `inbox` binary as a real process, the way users and scripts do.
struct InboxResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// Each stdout line parsed as a JSON object (fails the test on anything else).
    func jsonLines(file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        lines.compactMap { text in
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                XCTFail("not a JSON object: \(text)", file: file, line: line)
                return nil
            }
            return object
        }
    }
}

enum Inbox {
    /// The binary under test: INBOX_BIN, else the `inbox` built beside this test bundle (debug
    /// or release, whichever `swift test` built).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["INBOX_BIN"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("inbox").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/inbox").path
    }()

    /// The environment every test starts from: no user settings leak in, and the clock is fixed.
    static func baseEnvironment(now: String = "2026-11-21T10:00:00Z") -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": NSTemporaryDirectory(),
            "USER": "tester",
            "TZ": "UTC",
            "LANG": "C.UTF-8",
        ]
        if !now.isEmpty { env["INBOX_NOW"] = now }
        return env
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: String, stdin: String? = nil,
                    environment: [String: String] = baseEnvironment()) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        return capture(process, stdin: stdin)
    }

    /// Runs a shell command line (for pipes and loops), with `inbox` on the PATH.
    @discardableResult
    static func shell(_ script: String, in directory: String, environment: [String: String] = baseEnvironment()) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = environment
        env["PATH"] = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        process.environment = env
        return capture(process, stdin: nil)
    }

    static func capture(_ process: Process, stdin: String?) -> InboxResult {
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return InboxResult(status: -1, stdout: "", stderr: "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes while the process runs so neither can fill up and block it.
        let outData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return InboxResult(status: process.terminationStatus,
                           stdout: String(decoding: outData.data, as: UTF8.self),
                           stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Bytes read on another queue; the DispatchGroup orders the write before the read.
final class Collected: @unchecked Sendable {
    var data = Data()
}

/// A fresh temporary directory, removed when the test ends.
final class TempDirectory {
    let path: String

    init(_ name: String = "inbox-test") {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(name)-XXXXXX")
        var buffer = Array(template.utf8CString)
        let created = buffer.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        // The canonical path, as the binary's getcwd will report it.
        path = URL(fileURLWithPath: created).resolvingSymlinksInPath().path
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension XCTestCase {
    /// A new repository, initialized through the binary.
    func makeRepository(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let dir = TempDirectory()
        let result = Inbox.run(["init"], in: dir.path)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return dir
    }

    /// Runs inbox and fails the test unless it exits with `status`.
    @discardableResult
    func inbox(_ arguments: String..., in dir: TempDirectory, stdin: String? = nil, expect status: Int32 = 0,
               environment: [String: String] = Inbox.baseEnvironment(),
               file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = Inbox.run(arguments, in: dir.path, stdin: stdin, environment: environment)
        XCTAssertEqual(result.status, status, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    func readBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}

extension XCTestCase {
    /// Writes `count` contacts (ct1…) straight into the shard files, the way the store lays them
    /// out, for tests that need volume rather than the add path. fsck accepts the result.
    func seedContacts(_ repo: TempDirectory, count: Int, file: StaticString = #filePath, line: UInt = #line) {
        var shards: [Int: String] = [:]
        var search: [Int: String] = [:]
        for n in 1...count {
            let record = #"{"id":"ct\#(n)","first_name":"Person","last_name":"Number \#(n)","phones":[],"emails":[],"company":null,"owner":null,"disposition":null,"tags":[],"dnd":[],"dnd_inbound":false,"fields":{},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}"#
            shards[n / 1000, default: ""] += record + "\n"
            // The search index entry the store keeps beside each contact shard.
            search[n / 1000, default: ""] += #"{"id":"ct\#(n)","text":"person number \#(n)","row":{"first_name":"Person","last_name":"Number \#(n)","phones":[],"emails":[],"company":null,"owner":null,"tags":[],"created_at":"2026-11-01T00:00:00Z"}}"# + "\n"
        }
        try? FileManager.default.createDirectory(atPath: repo.file(".inbox/index/contact-search"), withIntermediateDirectories: true)
        for (shard, text) in shards {
            let name = String(format: "%04d", shard) + ".jsonl"
            XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/contacts/" + name), contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]), file: file, line: line)
            XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/index/contact-search/" + name), contents: Data(search[shard]!.utf8), attributes: [.posixPermissions: 0o600]), file: file, line: line)
        }
        let sequences = #"{"prefix":"ct","last":\#(count)}"# + "\n"
        XCTAssertTrue(FileManager.default.createFile(atPath: repo.file(".inbox/sequences.jsonl"), contents: Data(sequences.utf8), attributes: [.posixPermissions: 0o600]))
    }
}

extension XCTestCase {
    /// The path of a tool the test drives (strace, fish, …): skipped where it is missing, except
    /// in CI, where .ci/run installs it and its absence is a failure.
    func requiredTool(_ name: String) throws -> String {
        for dir in ["/usr/bin", "/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("\(name) is required in CI (.ci/run installs it)") }
        throw XCTSkip("\(name) is not installed")
    }
}
