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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"readelf -d "$0" | grep NEEDED"#, Inbox.binary]
        let result = Inbox.capture(process, stdin: nil)
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

    /// A record schema makes no key path object for a stored property: `Field.field` and
    /// `FieldSlot` are inlined into the declaration, where the property's offset folds to a
    /// constant. Only fields reached through a subscript or a computed property make one: a
    /// contact's handles (`\.handles[channel]`, in `Contact` and `ContactRow`) and an
    /// attachment's `path`. Read off the optimized binary README's test command builds (a
    /// debug build inlines nothing and makes them all).
    func testRecordSchemasMakeKeyPathsOnlyForComputedFields() throws {
        guard !Inbox.binary.contains("/debug/") else { throw XCTSkip("a debug build makes every key path; run the tests with -c release") }
        // Each function (by mangled name) that calls swift_getKeyPath, for the schemas' static
        // initializers and the closures declared in them.
        let script = #"objdump -d --no-show-raw-insn "$0" | awk '/^[0-9a-f]+ <.*>:$/ { f = $2 } /call.*<swift_getKeyPath/ { print f }' | grep '6schema' | sort -u"#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, Inbox.binary]
        let result = Inbox.capture(process, stdin: nil)
        XCTAssertEqual(result.status, 0, result.stderr)
        // `<$s9InboxCore7ContactV6schema_WZ>:` → Contact (the first type named in the symbol).
        let owners = Set(result.lines.compactMap { line -> String? in
            guard let range = line.range(of: "InboxCore") else { return nil }
            let rest = line[range.upperBound...]
            let digits = rest.prefix { $0.isNumber }
            guard let length = Int(digits) else { return nil }
            return String(rest.dropFirst(digits.count).prefix(length))
        })
        XCTAssertFalse(result.lines.isEmpty, "no schema makes a key path: the handles fields should (is objdump reading \(Inbox.binary)?)")
        XCTAssertEqual(owners, ["Contact", "ContactRow", "Attachment"], result.stdout)
    }
}
