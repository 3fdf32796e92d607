import Foundation
import XCTest
import InboxCLI
import InboxCore

/// Runs `InboxCLI.run` inside the test process, through the same `ProcessEnvironment` seam
/// main.swift fills from the real process: no spawn, so a rule's test costs microseconds, and a
/// failure points at the rule rather than at a process. What needs a real process (exit by
/// signal, strace, locks held by another process, the pager) keeps spawning the binary (`Inbox`),
/// and so does anything touching the hook trust store, which the core finds through this
/// process's own HOME, not the `environment` given here.
enum InProcessInbox {
    /// Text written to one stream, kept in order.
    final class Captured: OutputSink {
        var text = ""
        func write(_ text: String) { self.text += text }
    }

    /// The process's own clock zone is what local times are shown in, as for the binary.
    static let utc: Void = {
        setenv("TZ", "UTC", 1)
        tzset()
    }()

    /// `terminal`: stdout is a terminal (colour, escaping), as a person at the keyboard sees it.
    static func run(_ arguments: [String], in directory: String, stdin: String = "", terminal: Bool = false,
                    environment: [String: String] = Inbox.baseEnvironment()) -> InboxResult {
        _ = utc
        let out = Captured(), err = Captured()
        let process = ProcessEnvironment(
            variable: { environment[$0] }, currentDirectory: directory, stdout: out, stderr: err, stdoutIsTerminal: terminal,
            accountName: { environment["USER"] },
            readStandardInput: { (limit) throws(InboxError) -> [UInt8] in Array(Array(stdin.utf8).prefix(limit + 1)) })
        let status = InboxCLI.run(arguments, process)
        return InboxResult(status: status, stdout: out.text, stderr: err.text)
    }
}

extension XCTestCase {
    /// Runs a command line in process and fails the test unless it exits with `status`.
    @discardableResult
    func run(_ arguments: String..., in dir: TempDirectory, stdin: String = "", terminal: Bool = false, expect status: Int32 = 0,
             environment: [String: String] = Inbox.baseEnvironment(),
             file: StaticString = #filePath, line: UInt = #line) -> InboxResult {
        let result = InProcessInbox.run(arguments, in: dir.path, stdin: stdin, terminal: terminal, environment: environment)
        XCTAssertEqual(result.status, status, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    /// A new repository, made in process.
    func makeRepositoryInProcess(file: StaticString = #filePath, line: UInt = #line) -> TempDirectory {
        let dir = TempDirectory()
        run("init", in: dir, file: file, line: line)
        return dir
    }
}
