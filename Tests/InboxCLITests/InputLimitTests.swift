import Foundation
import XCTest

/// What the tool reads is bounded (issue 10, item 9): endless standard input, a huge line, a
/// 20 GiB attachment or an absurd fixture size is refused with exit 64 or 65 and a message
/// that says which limit, before memory runs out, and nothing is written.
final class InputLimitTests: XCTestCase {
    func makeContactRepository() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", in: repo)
        return repo
    }

    func snapshot(_ repo: TempDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: repo.file(".inbox")) {
            if let data = readBytes(repo.file(".inbox/" + path)) { files[path] = data }
        }
        return files
    }

    func expect(_ script: String, in repo: TempDirectory, status: Int32, saying words: String...,
                file: StaticString = #filePath, line: UInt = #line) {
        let result = Inbox.shell(script, in: repo.path)
        XCTAssertEqual(result.status, status, "\(script): \(result.stderr)", file: file, line: line)
        for word in words { XCTAssertTrue(result.stderr.contains(word), "\(script): \(result.stderr)", file: file, line: line) }
    }

    func testEndlessStandardInputIsCutOffWithInputAndLine() throws {
        let repo = makeContactRepository()
        let before = try snapshot(repo)
        expect("head -c 150M /dev/zero | inbox import -", in: repo, status: 65, saying: "<stdin>:1: line is longer than 140 MiB")
        expect("yes '{}' | head -c 300M | inbox import -", in: repo, status: 65, saying: "the import is longer than 256 MiB")
        expect("head -c 2M /dev/zero | inbox batch", in: repo, status: 65, saying: "<stdin>:1: line is longer than 1 MiB")
        expect("yes 'contact add Someone' | head -c 70M | inbox batch", in: repo, status: 65, saying: "the batch is longer than 64 MiB")
        expect("head -c 2M /dev/zero | tr '\\0' a | inbox message send --contact ct1 --channel email -", in: repo, status: 65,
               saying: "<stdin>:1: the text is longer than 1 MiB")
        expect("head -c 2M /dev/zero | tr '\\0' a | inbox contact note ct1 -", in: repo, status: 65, saying: "the text is longer than 1 MiB")
        expect("yes ct1 | head -c 70M | inbox contact tag - --add vip", in: repo, status: 65, saying: "the list of ids is longer than 64 MiB")
        XCTAssertEqual(try snapshot(repo), before, "nothing was written")
        // At the limit is fine: a text of exactly 1 MiB is sent.
        expect("head -c 1048576 /dev/zero | tr '\\0' a | inbox message send --contact ct1 --channel email -", in: repo, status: 0)
        inbox("fsck", in: repo)
    }

    func testAHugeAttachmentOrImportFileIsMeasuredBeforeItIsRead() throws {
        let repo = makeContactRepository()
        let before = try snapshot(repo)
        let big = repo.file("huge.pdf")
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: nil))
        try FileHandle(forWritingAtPath: big)!.truncate(atOffset: 20 << 30)  // sparse: 20 GiB that take no disk
        let started = Date()
        let sent = inbox("message", "send", "--contact", "ct1", "--channel", "email", "The file", "--attach", big, in: repo, expect: 64)
        XCTAssertTrue(sent.stderr.contains("huge.pdf is larger than 100 MiB"), sent.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "refused without reading 20 GiB")
        let task = inbox("task", "create", "--contact", "ct1", "--kind", "document-request", "Sign", "--attach", big, in: repo, expect: 64)
        XCTAssertTrue(task.stderr.contains("larger than 100 MiB"), task.stderr)
        try FileHandle(forWritingAtPath: big)!.truncate(atOffset: 100 << 20 + 1)
        inbox("message", "send", "--contact", "ct1", "--channel", "email", "The file", "--attach", big, in: repo, expect: 64)
        let imported = inbox("import", big, in: repo, expect: 65)
        XCTAssertFalse(imported.stderr.contains("larger than"), "101 MiB is within the import limit: \(imported.stderr)")
        try FileHandle(forWritingAtPath: big)!.truncate(atOffset: 300 << 20)
        let refused = inbox("import", big, in: repo, expect: 64)
        XCTAssertTrue(refused.stderr.contains("larger than 268435456 bytes"), refused.stderr)
        XCTAssertEqual(try snapshot(repo), before, "nothing was written")
    }

    func testFixtureSizesAreBounded() throws {
        let repo = makeRepository()
        let before = try snapshot(repo)
        for (option, value) in [("contacts", "9223372036854775807"), ("contacts", "1000001"), ("conversations", "1000001"), ("messages", "10000001")] {
            var sizes = ["contacts": "10", "conversations": "10", "messages": "10"]
            sizes[option] = value
            let arguments = ["fixture"] + sizes.sorted { $0.key < $1.key }.flatMap { ["--" + $0.key, $0.value] }
            let result = Inbox.run(arguments, in: repo.path)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains("--\(option) takes 0 to"), result.stderr)
        }
        XCTAssertEqual(try snapshot(repo), before)
        inbox("fixture", "--contacts", "10", "--conversations", "5", "--messages", "20", in: repo)
        inbox("fsck", in: repo)
    }
}
