import Foundation
import XCTest

/// What completion offers, asked of the real shells (issue 12 item 11): bash through its
/// completion function with COMP_WORDS set, zsh through _inbox with words/CURRENT set and
/// compadd recording what it is given, fish through `complete -C`. Each case is checked in all three.
final class CompletionOfferTests: XCTestCase {
    var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static let timeForms: Set<String> = ["now", "+30m", "+1h", "+1d", "+1w", "-1h", "-1d", "-7d", "-30d", "today", "yesterday", "tomorrow"]

    /// A command line (words after `inbox`, the cursor on a new empty word) and what it must offer.
    struct Case {
        var words: [String]
        var offers: Set<String>
        /// Only check these are among the offers (lists others may grow).
        var subset = false
    }

    func repository() -> TempDirectory {
        let repo = makeRepository()
        inbox("user", "add", "tester", "--role", "admin", in: repo)
        inbox("user", "add", "bob", in: repo)
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("config", "set", "sms.from", "+1 212 555 0199", "+1 212 555 0198", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "Line one\nsecond line\twith a tab", in: repo)
        inbox("contact", "tag", "ct1", "--add", "big client", in: repo)
        // A file beside the repository: no option value may offer it.
        FileManager.default.createFile(atPath: repo.file("notes.txt"), contents: Data("x".utf8))
        return repo
    }

    var cases: [Case] {
        [
            Case(words: ["message", "seen", "ms1", "--by"], offers: ["tester", "bob", "ct1"]),
            Case(words: ["message", "send", "cv1", "--from"], offers: ["+12125550199", "+12125550198"]),
            Case(words: ["conversation", "assign", "cv1"], offers: ["tester", "bob"]),
            Case(words: ["conversation", "assign"], offers: ["cv1"]),
            Case(words: ["--now"], offers: Self.timeForms),
            Case(words: ["message", "send", "cv1", "Hi", "--at"], offers: Self.timeForms),
            Case(words: ["conversation", "list", "--since"], offers: Self.timeForms),
            Case(words: ["config", "set", "availability"], offers: ["on", "off"]),
            Case(words: ["config", "set", "user.name"], offers: ["tester", "bob"]),
            Case(words: ["help"], offers: ["contact", "conversation", "message", "timeline", "help"], subset: true),
            Case(words: ["help", "contact"], offers: ["add", "list", "show", "edit", "note", "tag", "dnd"], subset: true),
            Case(words: ["contact", "list", "--tag"], offers: ["big client"]),
            Case(words: ["contact", "list", "--limit", "5", "--tag"], offers: ["big client"]),
            Case(words: ["message", "receive", "--from"], offers: []),
            Case(words: ["message", "send", "cv1"], offers: []),
            Case(words: ["contact", "list", "--sort"], offers: ["created", "name", "updated"]),
            Case(words: ["task", "list", "--sort"], offers: ["due", "created", "updated"]),
            Case(words: ["log", "list", "--sort"], offers: ["at", "created"]),
            Case(words: ["conversation", "close"], offers: ["cv1"]),
            Case(words: ["message", "seen"], offers: ["ms1"]),
        ]
    }

    func run(_ executable: String, _ arguments: [String], in repo: TempDirectory) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        var env = Inbox.baseEnvironment()
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        process.environment = env
        return Inbox.capture(process, stdin: nil)
    }

    /// Single-quoted for any of the three shells (no case word holds a quote).
    func quoted(_ words: [String]) -> String { words.map { "'\($0)'" }.joined(separator: " ") }

    func check(_ shell: String, _ output: InboxResult, unquote: (String) -> String = { $0 }, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(output.stderr, "", shell, file: file, line: line)
        let rows = output.stdout.components(separatedBy: "\n").dropLast()
        XCTAssertEqual(rows.count, cases.count, "\(shell): \(output.stdout)", file: file, line: line)
        for (c, row) in zip(cases, rows) {
            let offered = Set(row.components(separatedBy: "\u{1F}").filter { !$0.isEmpty }.map(unquote))
            if c.subset {
                XCTAssertTrue(c.offers.isSubset(of: offered), "\(shell): inbox \(c.words.joined(separator: " ")) offers \(offered.sorted())", file: file, line: line)
                XCTAssertFalse(offered.contains("notes.txt") || offered.contains("ms1"), "\(shell): \(offered)", file: file, line: line)
            } else {
                XCTAssertEqual(offered, c.offers, "\(shell): inbox \(c.words.joined(separator: " ")) <TAB>", file: file, line: line)
            }
        }
    }

    func testBashOffersTheRightCandidates() throws {
        let bash = try requiredTool("bash")
        let repo = repository()
        var script = """
            source '\(root)/Completions/inbox.bash'
            t() { COMP_WORDS=(inbox "$@" ''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _inbox; local IFS=$'\\x1f'; echo "${COMPREPLY[*]}"; }

            """
        for c in cases { script += "t \(quoted(c.words))\n" }
        // bash puts the candidate on the command line as it is: a space must come quoted.
        check("bash", run(bash, ["-c", script], in: repo), unquote: { $0.replacingOccurrences(of: "\\ ", with: " ") })
        let raw = run(bash, ["-c", script], in: repo).stdout
        XCTAssertTrue(raw.contains("big\\ client"), raw)
    }

    func testZshOffersTheRightCandidates() throws {
        let zsh = try requiredTool("zsh")
        let repo = repository()
        var script = """
            fpath=('\(root)/Completions' $fpath); autoload -U +X _inbox
            compadd() { local -a got; if [[ $1 == -a ]]; then got=(${(P)2}); else [[ $1 == -- ]] && shift; got=("$@"); fi; reply+=("${got[@]}"); }
            _files() { reply+=(notes.txt); }
            t() { reply=(); words=(inbox "$@" ''); CURRENT=$#words; _inbox; print -r -- "${(pj:\\x1f:)reply}"; }

            """
        for c in cases { script += "t \(quoted(c.words))\n" }
        check("zsh", run(zsh, ["-f", "-c", script], in: repo))
    }

    func testFishOffersTheRightCandidates() throws {
        let fish = try requiredTool("fish")
        let repo = repository()
        var script = "source '\(root)/Completions/inbox.fish'\n"
        for c in cases {
            script += "echo (complete -C \(quoted(["inbox " + c.words.joined(separator: " ") + " "])) | cut -f1 | string join \\x1f)\n"
        }
        check("fish", run(fish, ["-c", script], in: repo))
    }

    func testMessageCandidatesAreOneLineEach() {
        let repo = repository()
        let result = inbox("__complete", "messages", in: repo)
        XCTAssertEqual(result.stdout, "ms1\tLine one second line with a tab\n")
        for kind in ["templates", "tasks", "scheduled-messages", "people", "tags"] {
            for line in inbox("__complete", kind, in: repo).lines {
                XCTAssertEqual(line.filter { $0 == "\t" }.count, 1, "\(kind): \(line)")
            }
        }
    }
}
