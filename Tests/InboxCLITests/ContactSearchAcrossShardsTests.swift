import Foundation
import XCTest

/// `contact list --search` finds the query in each index file by its rarest byte and reads the
/// matching lines straight into contacts, file by file, newest first: the listing is newest
/// first across files, --limit and --after cut it where they did, and a file that cannot be
/// read, or holds a line the search cannot read, fails the listing only when it reaches it.
final class ContactSearchAcrossShardsTests: XCTestCase {
    private func search(_ arguments: String..., in repo: TempDirectory, expect status: Int32 = 0) -> InboxResult {
        run(["contact", "list", "--search"] + arguments, in: repo, expect: status)
    }

    private func run(_ arguments: [String], in repo: TempDirectory, expect status: Int32 = 0, line: UInt = #line) -> InboxResult {
        let result = InProcessInbox.run(arguments, in: repo.path)
        XCTAssertEqual(result.status, status, "inbox \(arguments.joined(separator: " ")): \(result.stderr)", line: line)
        return result
    }

    /// 5,500 contacts: six index files.
    private func repository() -> TempDirectory {
        let repo = makeRepositoryInProcess()
        run(["fixture", "--contacts", "5500", "--conversations", "10", "--messages", "10", "--seed", "7"], in: repo)
        return repo
    }

    private func number(_ id: Substring) -> Int { Int(id.dropFirst(2))! }

    func testTheListingIsNewestFirstAcrossFilesAndLimitAndAfterCutItAsBefore() {
        let repo = repository()
        let ids = search("lovelace", "-q", in: repo).stdout.split(separator: "\n")
        XCTAssertGreaterThan(ids.count, 200)
        XCTAssertEqual(Set(ids.map { number($0) / 1000 }), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(ids.map(number), ids.map(number).sorted(by: >))
        // The same contacts as the listing that reads whole contacts from their shards.
        let json = search("lovelace", "--json", in: repo).stdout
        XCTAssertEqual(json.components(separatedBy: #""id":"ct"#).count - 1, ids.count)
        let rows = search("lovelace", in: repo).stdout.split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.map { $0.prefix { $0 != " " } }, ids)
        for limit in [1, 7, ids.count / 2, ids.count - 1, ids.count + 5] {
            XCTAssertEqual(search("lovelace", "-q", "--limit", "\(limit)", in: repo).stdout.split(separator: "\n"), Array(ids.prefix(limit)))
        }
        // Pages of 100 after the last id of the one before give the whole listing.
        var paged: [Substring] = []
        var after: [String] = []
        while true {
            let page = search(["lovelace", "-q", "--limit", "100"] + after, in: repo).stdout.split(separator: "\n")
            paged += page
            guard page.count == 100 else { break }
            after = ["--after", String(page.last!)]
        }
        XCTAssertEqual(paged, ids)
    }

    private func search(_ arguments: [String], in repo: TempDirectory) -> InboxResult {
        run(["contact", "list", "--search"] + arguments, in: repo)
    }

    /// A line the search cannot read in an older file, and then that file unreadable: a --limit
    /// met before it lists as ever; reaching it fails, naming the file.
    func testAFileIsOnlyReadIntoWhenTheListingReachesIt() throws {
        let repo = repository()
        let ids = search("lovelace", "-q", in: repo).stdout.split(separator: "\n")
        let newer = ids.filter { number($0) >= 2000 }.count
        let path = repo.file(".inbox/index/contact-search/0001.jsonl")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let broken = lines.map { $0.contains("lovelace") ? $0.replacingOccurrences(of: #""created_at":"#, with: #""created_at":7,"x":"#) : String($0) }
        try broken.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)

        XCTAssertEqual(search("lovelace", "-q", "--limit", "\(newer)", in: repo).stdout.split(separator: "\n"), Array(ids.prefix(newer)))
        let failed = search("lovelace", "-q", "--limit", "\(newer + 1)", in: repo, expect: 65)
        XCTAssertEqual(failed.stdout, "")
        XCTAssertTrue(failed.stderr.contains("index/contact-search/0001.jsonl"), failed.stderr)

        try FileManager.default.removeItem(atPath: path)
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        XCTAssertEqual(search("lovelace", "-q", "--limit", "\(newer)", in: repo).stdout.split(separator: "\n"), Array(ids.prefix(newer)))
        let unreadable = search("lovelace", "-q", in: repo, expect: 74)
        XCTAssertTrue(unreadable.stderr.contains("0001.jsonl") && unreadable.stderr.contains("not a regular file"), unreadable.stderr)
    }
}
