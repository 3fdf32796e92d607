import Foundation
@testable import InboxCore
import XCTest

/// Whether the process that marked a message `sending` still runs: a flush judges abandoned
/// sends by it (DESIGN §3), so a zombie or a reused pid must read as gone.
final class ProcessIdentityTests: XCTestCase {
    func testThisProcessIsAliveAndAReusedPidOrNoProcessIsNot() {
        let me = ProcessIdentity.current()
        XCTAssertTrue(ProcessIdentity.isAlive(me))
        let pid = me.split(separator: ":")[0]
        XCTAssertFalse(ProcessIdentity.isAlive("\(pid):1"), "same pid, another start time: a reused pid")
        XCTAssertFalse(ProcessIdentity.isAlive("999999999:0"))
        XCTAssertFalse(ProcessIdentity.isAlive("garbage"))
    }

    func testAKilledProcessNobodyHasReapedIsNotAlive() throws {
        // sh starts a child that exits at once, then becomes `sleep`, which never reaps it.
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = ["-c", "sleep 0 & echo $!; exec sleep 30"]
        let out = Pipe()
        parent.standardOutput = out
        try parent.run()
        defer { parent.terminate(); parent.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let child = try XCTUnwrap(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)), line)
        let deadline = Date().addingTimeInterval(10)
        while ProcessIdentity.stat(of: child)?.state != "Z" && Date() < deadline { usleep(10_000) }
        let stat = try XCTUnwrap(ProcessIdentity.stat(of: child), "the child is still in the process table")
        XCTAssertEqual(stat.state, "Z", "the child is a zombie")
        XCTAssertFalse(ProcessIdentity.isAlive("\(child):\(stat.started)"), "a zombie with the right start time is gone all the same")
    }
}
