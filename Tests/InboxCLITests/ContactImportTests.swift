import Foundation
import XCTest

/// Issue 12 item 4: `contact import FILE.csv`, as a firm moves in from a spreadsheet.
final class ContactImportTests: XCTestCase {
    func write(_ text: String, to name: String, in repo: TempDirectory) -> String {
        FileManager.default.createFile(atPath: repo.file(name), contents: Data(text.utf8))
        return name
    }

    func contacts(_ repo: TempDirectory) -> [[String: Any]] {
        Inbox.run(["--json", "contact", "list"], in: repo.path).jsonLines().reversed()
    }

    /// The n-th record, or an empty one (so a missing record fails the assertions, not the run).
    func item(_ records: [[String: Any]], _ n: Int) -> [String: Any] { n < records.count ? records[n] : [:] }

    func testASpreadsheetExportWithQuotesNewlinesCRLFAndBOMIsReadByItsHeader() {
        let repo = makeRepository()
        inbox("user", "add", "tester", "--role", "admin", in: repo)
        inbox("user", "add", "alice", in: repo)
        let csv = "\u{FEFF}First Name,Last Name,Phone,E-mail,Company,Tags,Owner,Plan,Referral Source\r\n"
            + "Grace,Hopper,+1 555 0102,grace@navy.example,\"Navy, Inc.\",vip;tax-2026,alice,gold,\"said \"\"hi\"\"\"\r\n"
            + "Pat,O'Brien,,pat@ob.example,\"Line one\r\nline two\",,,,\r\n"
            + "Ken,,(555) 010-3,,,,,,\r\n"
        let file = write(csv, to: "clients.csv", in: repo)
        let result = inbox("contact", "import", file, in: repo)
        XCTAssertEqual(result.stdout, "Imported clients.csv: 3 added, 0 updated, 0 rejected\n")
        let all = contacts(repo)
        XCTAssertEqual(all.map { $0["id"] as? String }, ["ct1", "ct2", "ct3"])
        XCTAssertEqual(item(all, 0)["first_name"] as? String, "Grace")
        XCTAssertEqual(item(all, 0)["phones"] as? [String], ["+15550102"])
        XCTAssertEqual(item(all, 0)["company"] as? String, "Navy, Inc.")
        XCTAssertEqual(item(all, 0)["tags"] as? [String], ["vip", "tax-2026"])
        XCTAssertEqual(item(all, 0)["owner"] as? String, "alice")
        XCTAssertEqual(item(all, 0)["fields"] as? [String: String], ["plan": "gold", "referral_source": "said \"hi\""])
        XCTAssertEqual(item(all, 1)["last_name"] as? String, "O'Brien")
        XCTAssertEqual(item(all, 1)["company"] as? String, "Line one\r\nline two")
        XCTAssertEqual(item(all, 2)["phones"] as? [String], ["5550103"])
        inbox("fsck", in: repo)
        // The new contacts are found as any other.
        XCTAssertEqual(inbox("contact", "list", "--search", "hopper", "-q", in: repo).lines, ["ct1"])
    }

    func testRowsMatchingAPhoneOrEmailUpdateThatContactInsteadOfDuplicatingIt() {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--phone", "+1 555 0100", "--email", "ada@example.com", "--tag", "client", in: repo)
        let csv = """
            name,phone,email,tags,company
            Ada King,555-0100,,vip,Analytical Ltd
            ,,ADA@example.com,,
            Grace Hopper,,grace@navy.example,,
            ,+1 555 0102,grace@navy.example,,Navy

            """
        inbox("config", "set", "phone.country_code", "1", in: repo)
        let file = write(csv, to: "c.csv", in: repo)
        let dry = inbox("contact", "import", file, "--dry-run", in: repo)
        XCTAssertEqual(dry.lines, ["c.csv:2: update ct1 Ada King", "c.csv:3: no change to ct1 Ada King",
                                   "c.csv:4: add Grace Hopper", "c.csv:5: update Grace Hopper"])
        XCTAssertTrue(dry.stderr.contains("Would import c.csv: 1 added, 1 updated, 0 rejected"), dry.stderr)
        XCTAssertEqual(contacts(repo).count, 1, "a dry run wrote")

        inbox("contact", "import", file, in: repo)
        let all = contacts(repo)
        XCTAssertEqual(all.count, 2)
        XCTAssertEqual(item(all, 0)["last_name"] as? String, "King")
        XCTAssertEqual(item(all, 0)["company"] as? String, "Analytical Ltd")
        XCTAssertEqual(item(all, 0)["tags"] as? [String], ["client", "vip"])
        XCTAssertEqual(item(all, 0)["phones"] as? [String], ["+15550100"])
        XCTAssertEqual(item(all, 1)["phones"] as? [String], ["+15550102"])
        XCTAssertEqual(item(all, 1)["company"] as? String, "Navy")
        // Importing the same file again changes nothing.
        let again = inbox("contact", "import", file, in: repo)
        XCTAssertEqual(again.stdout, "Imported c.csv: 0 added, 0 updated, 0 rejected\n")
        inbox("fsck", in: repo)
    }

    func testABadRowWritesNothingAndNamesItsLineUnlessKeepGoing() {
        let repo = makeRepository()
        inbox("contact", "add", "Bob", "--phone", "+1 555 0200", in: repo)
        inbox("contact", "add", "Carol", "--email", "carol@example.com", in: repo)
        let csv = "name,phone,email,notes\n"
            + "Good One,+1 555 0300,,\"two\nlines\"\n"
            + "Bad Phone,call me,,\n"
            + "Both,+1 555 0200,carol@example.com,\n"
            + "Too,Many,cells,here,!\n"
            + ",,,just a note\n"
            + "Last Good,,last@example.com,\n"
        let file = write(csv, to: "in.csv", in: repo)
        let before = recordFiles(repo)
        let refused = inbox("contact", "import", file, in: repo, expect: 65)
        XCTAssertEqual(refused.stdout, "")
        let reasons = refused.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(reasons, ["in.csv:4: 'call me' is not a phone number (digits, spaces, '-', '.', '(', ')' and a leading '+')",
                                 "in.csv:5: its phones and emails belong to different contacts: ct1, ct2",
                                 "in.csv:6: 5 cells, but the header has 4 columns",
                                 "in.csv:7: no name, phone or email",
                                 "Error: 4 rows were rejected (see above): nothing was imported"])
        XCTAssertEqual(recordFiles(repo), before, "a refused import wrote")

        let dry = inbox("contact", "import", file, "--dry-run", "--keep-going", in: repo, expect: 1)
        XCTAssertEqual(dry.lines, ["in.csv:2: add Good One", "in.csv:8: add Last Good"])
        XCTAssertEqual(recordFiles(repo), before, "a dry run wrote")

        let kept = inbox("contact", "import", file, "--keep-going", in: repo, expect: 1)
        XCTAssertEqual(kept.stdout, "Imported in.csv: 2 added, 0 updated, 4 rejected\n")
        XCTAssertTrue(kept.stderr.contains("in.csv:6: 5 cells"), kept.stderr)
        XCTAssertEqual(contacts(repo).map { $0["first_name"] as? String }, ["Bob", "Carol", "Good", "Last"])
        XCTAssertEqual(item(contacts(repo), 2)["fields"] as? [String: String], ["notes": "two\nlines"])
        inbox("fsck", in: repo)
    }

    func testMalformedCSVAndHeadersAreBadDataNamingTheLine() {
        let repo = makeRepository()
        func refused(_ csv: String, _ args: String..., status: Int32 = 65, file: StaticString = #filePath, line: UInt = #line) -> String {
            let name = write(csv, to: "x.csv", in: repo)
            let result = Inbox.run(["contact", "import", name] + args, in: repo.path)
            XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
            return result.stderr
        }
        XCTAssertTrue(refused("name,email\n\"Open,a@b.example\nNext,c@d.example\n").hasPrefix("x.csv:2: a quoted field is never closed"))
        XCTAssertTrue(refused("name,email\nSay \"hi\",a@b.example\n").hasPrefix("x.csv:2: a quote inside an unquoted field"))
        XCTAssertTrue(refused("name,email\n\"Ada\" L,a@b.example\n").hasPrefix("x.csv:2: text after a closing quote"))
        FileManager.default.createFile(atPath: repo.file("bytes.csv"), contents: Data("name,email\nAda,a@b.example\nBo".utf8) + Data([0xFF]) + Data("b,c@d.example\n".utf8))
        let invalid = Inbox.run(["contact", "import", "bytes.csv"], in: repo.path)
        XCTAssertEqual(invalid.status, 65)
        XCTAssertTrue(invalid.stderr.hasPrefix("bytes.csv:3: the text is not valid UTF-8"), invalid.stderr)
        XCTAssertTrue(refused("").hasPrefix("x.csv:1: the file is empty"))
        XCTAssertTrue(refused("name,Référence\nAda,web\n").hasPrefix("x.csv:1: column 'Référence' cannot be a custom field name"))
        XCTAssertTrue(refused("company,plan\nAcme,gold\n").hasPrefix("x.csv:1: no column gives a name, phone or email"))
        XCTAssertTrue(refused("name,company,Organization\nAda,A,B\n").hasPrefix("x.csv:1: columns 'company' and 'Organization' both fill company"))
        XCTAssertTrue(refused("name\nAda\n", "--map", "Nope=phone", status: 64).contains("--map names column 'Nope'"))
        XCTAssertTrue(refused("name\nAda\n", "--map", "name=colour", status: 64).contains("'colour' is not a contact field"))
        XCTAssertEqual(contacts(repo).count, 0)
    }

    func testMapNamesOtherHeadersAndStdinIsRead() {
        let repo = makeRepository()
        let csv = "Client,Mobile Number,Client ID,Internal\nAda Lovelace,+44 20 7946 0000,A-17,secret\n"
        let result = Inbox.run(["contact", "import", "-", "--map", "Client=name", "--map", "mobile number=phone",
                                "--map", "Client ID=field:client_id", "--map", "Internal=skip", "-q"], in: repo.path, stdin: csv)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "ct1\n")
        let c = item(contacts(repo), 0)
        XCTAssertEqual(c["first_name"] as? String, "Ada")
        XCTAssertEqual(c["last_name"] as? String, "Lovelace")
        XCTAssertEqual(c["phones"] as? [String], ["+442079460000"])
        XCTAssertEqual(c["fields"] as? [String: String], ["client_id": "A-17"])
        inbox("fsck", in: repo)
    }

    /// 10,000 rows into the 10,000-contact fixture (half update, half add): one change, each
    /// contact shard renamed into place once, and fsck clean.
    func testTenThousandRowsAreOneChangeWritingEachShardOnce() throws {
        let repo = makeRepository()
        inbox("fixture", "--contacts", "10000", "--conversations", "100", "--messages", "100", in: repo)
        let env = Inbox.baseEnvironment().merging(["INBOX_USER": "alice"]) { $1 }
        var csv = "first name,last name,email,phone,tags\n"
        for n in 1...5000 { csv += "Updated,Person \(n),,\(String(format: "+1 555 %07d", n)),imported\n" }
        for n in 1...5000 { csv += "New,Client \(n),new\(n)@example.org,,imported\n" }
        FileManager.default.createFile(atPath: repo.file("big.csv"), contents: Data(csv.utf8))
        let strace = Process()
        strace.executableURL = URL(fileURLWithPath: try requiredTool("strace"))
        strace.arguments = ["-f", "-y", "-o", repo.file("trace.log"), "-e", "trace=rename,renameat,renameat2", "--", Inbox.binary, "contact", "import", "big.csv"]
        strace.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        strace.environment = env
        let started = Date()
        let traced = Inbox.capture(strace, stdin: nil)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(traced.status, 0, traced.stderr)
        XCTAssertEqual(traced.stdout, "Imported big.csv: 5000 added, 5000 updated, 0 rejected\n")
        let renamed = try String(contentsOfFile: repo.file("trace.log"), encoding: .utf8).split(separator: "\n")
            .compactMap { line -> String? in
                // renameat(5</r/.inbox/tmp>, "0000.jsonl.tmp.1.0", 8</r/.inbox/contacts>, "0000.jsonl") = 0
                guard !line.contains("ENOENT"), let r = line.range(of: "/.inbox/contacts>, \"") else { return nil }
                return String(line[r.upperBound...].prefix(10))
            }
        // ct1–ct5000 are updated (shards 0000–0005), ct10001–ct15000 added (0010–0015): each once.
        XCTAssertEqual(renamed.sorted(), (Array(0...5) + Array(10...15)).map { String(format: "%04d.jsonl", $0) })
        XCTAssertLessThan(elapsed, 60, "10,000 rows took \(elapsed) s")
        let fsck = Inbox.run(["fsck"], in: repo.path, environment: env)
        XCTAssertEqual(fsck.status, 0, fsck.stdout)
        XCTAssertEqual(Inbox.run(["contact", "list", "--search", "client 4999", "-q"], in: repo.path, environment: env).lines, ["ct14999"])
    }
}
