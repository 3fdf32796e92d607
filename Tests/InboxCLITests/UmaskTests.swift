import Foundation
import XCTest

/// Issue 13 item 2, DESIGN §4: "Repository files 0600 and directories 0700 unless the user's
/// umask is stricter." What the tool promises under any umask: nothing it creates lets group or
/// other in, files are 0600 and directories 0700 — a umask that also takes the owner's bits
/// (0277) does not make a directory the owner cannot write in, so the tool keeps working. Run
/// as an ordinary user (root ignores permissions and would hide a broken directory).
final class UmaskTests: XCTestCase {
    static let script = """
        inbox init && inbox config set sms.from "+1 555 0199" \
        && inbox contact add Ada --email ada@example.com --phone "+1 555 0100" && inbox contact note ct1 "Prefers SMS" \
        && inbox message receive --contact ct1 --channel sms "Hi" && inbox message send cv1 "Hello" \
        && inbox message send cv1 "Later" --at "tomorrow 9:00" && inbox message flush --now +3d \
        && inbox task create --contact ct1 --kind question "Which form?" && inbox log add --contact ct1 --kind call --direction out "Called" \
        && inbox message flush --now +4d > /dev/null && inbox conversation open cv1 > /dev/null && inbox contact list --search ada > /dev/null && inbox fsck && inbox fsck --repair
        """

    func testUnderAStricterUmaskEveryFileIs0600EveryDirectory0700AndTheToolWorks() throws {
        for umask in ["0277", "0077"] {
            let dir = TempDirectory()
            var env = Inbox.baseEnvironment()
            env["HOME"] = dir.path
            var run = "umask \(umask)\n" + Self.script
            if getuid() == 0 {
                // An ordinary user: nobody, owning the test directory.
                guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("needs setpriv to drop root") }
                XCTAssertEqual(chown(dir.path, 65534, 65534), 0)
                try run.write(toFile: dir.file("script.sh"), atomically: true, encoding: .utf8)
                XCTAssertEqual(chmod(dir.file("script.sh"), 0o644), 0)
                run = "setpriv --reuid=65534 --regid=65534 --clear-groups sh script.sh"
            }
            let result = Inbox.shell(run, in: dir.path, environment: env)
            XCTAssertEqual(result.status, 0, "umask \(umask): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Error"), "umask \(umask): \(result.stderr)")
            var files = 0, directories = 0, wrong: [String] = []
            let store = dir.file(".inbox")
            for relative in [""] + (FileManager.default.subpaths(atPath: store) ?? []) {
                var info = stat()
                XCTAssertEqual(lstat(store + "/" + relative, &info), 0, relative)
                let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                if isDirectory { directories += 1 } else { files += 1 }
                let mode = info.st_mode & 0o7777
                if mode != (isDirectory ? 0o700 : 0o600) { wrong.append(".inbox/\(relative) " + String(mode, radix: 8)) }
            }
            XCTAssertEqual(wrong, [], "umask \(umask)")
            XCTAssertGreaterThan(files, 12, "umask \(umask)")
            XCTAssertGreaterThan(directories, 12, "umask \(umask)")
        }
    }
}
