import Foundation
import XCTest

/// What every run of the binary pays before its command does its work: a script or a cron job
/// runs thousands of one-line commands, each a new process.
final class StartupWorkTests: XCTestCase {
    /// Linked position-dependent (ELF type EXEC, no relative relocations), so the loader has
    /// nothing of ours to relocate at each start. As a PIE (type DYN) it carried ~30,000.
    func testTheExecutableIsLinkedPositionDependent() throws {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: Inbox.binary), Inbox.binary)
        defer { try? handle.close() }
        let header = try XCTUnwrap(try handle.read(upToCount: 18))
        XCTAssertEqual(Array(header.prefix(4)), [0x7F, 0x45, 0x4C, 0x46], "\(Inbox.binary) is not an ELF file")
        let type = UInt16(header[16]) | UInt16(header[17]) << 8
        XCTAssertEqual(type, 2, "\(Inbox.binary) has ELF type \(type) (3 is a position-independent executable); Package.swift links it with -no-pie")
    }

    /// The Swift runtime is linked in (`-static-stdlib` in Package.swift), in every build. A
    /// position-dependent executable that loads libswiftCore.so instead makes the loader warn
    /// on stderr ("direct reference to protected function ... may break pointer equality")
    /// in the middle of a command's own messages.
    func testTheSwiftRuntimeIsLinkedIn() throws {
        let result = onBinary(#"readelf -d "$0" | grep NEEDED"#)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("libc.so"), result.stdout)
        XCTAssertFalse(result.stdout.contains("libswift"), result.stdout)

        // A usage error's suggestion goes through the runtime's character tables (where the
        // warnings appeared): stderr holds the error and nothing before it.
        let repo = makeRepository()
        let unknown = Inbox.run(["contact", "add", "Ada", "--fisrt-name", "A"], in: repo.path)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.hasPrefix("Error: unknown option '--fisrt-name'"), unknown.stderr)
    }

    /// No key path object is made where a plain property access would do: each costs a few
    /// microseconds at run time (in a generic function, every time it runs), and a command
    /// made over a hundred of them before doing anything. A schema's stored fields fold to
    /// offsets (`Field.field` and `FieldSlot` are inlined into the declaration), and
    /// `.map { $0.rawValue }` replaces `.map(\.rawValue)` in generic code (a command spec's
    /// choices, read for every command before the one run). What is left needs a key path: a
    /// contact's handles (`\.handles[channel]`, in `Contact` and `ContactRow`), an
    /// attachment's derived `path`, and the report's goals (key path parameters).
    ///
    /// Read off the optimized binary README's test command builds (a debug build inlines
    /// nothing and makes them all).
    func testKeyPathsAreMadeOnlyWhereAPropertyAccessCannotDo() throws {
        guard !Inbox.binary.contains("/debug/") else { throw XCTSkip("a debug build makes every key path; run the tests with -c release") }
        // Each function of ours (by mangled name) that calls swift_getKeyPath.
        let script = #"objdump -d --no-show-raw-insn "$0" | awk '/^[0-9a-f]+ <.*>:$/ { f = $2 } /call.*<swift_getKeyPath/ { print f }' | grep -E '^<\$s(9InboxCore|8InboxCLI)' | sort -u"#
        let result = onBinary(script)
        XCTAssertEqual(result.status, 0, result.stderr)
        let allowed = ["$s9InboxCore7ContactV6schema", "$s9InboxCore10ContactRowV6schema",
                       "$s9InboxCore10AttachmentV6schema", "$s9InboxCore0A6ReportV3add"]
        let callers = result.lines.map { String($0.dropFirst().prefix { $0 != ">" }) }
        XCTAssertFalse(callers.isEmpty, "nothing calls swift_getKeyPath: the handles fields should (is objdump reading \(Inbox.binary)?)")
        let unexpected = callers.filter { caller in !allowed.contains { caller.hasPrefix($0) } }
        XCTAssertEqual(unexpected, [], "these make key path objects at run time: \(unexpected.joined(separator: ", "))")
    }

    /// Runs a shell script with the binary under test as `$0`.
    private func onBinary(_ script: String) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, Inbox.binary]
        return Inbox.capture(process, stdin: nil)
    }
}
