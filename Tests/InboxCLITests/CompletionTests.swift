import Foundation
import XCTest

/// The completion scripts and the man page are generated from the command table; these tests
/// check the committed files against it and exercise each script in its shell.
final class CompletionTests: XCTestCase {
    var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func file(_ relative: String) -> String { (try? String(contentsOfFile: root + "/" + relative, encoding: .utf8)) ?? "" }

    func testCommittedScriptsMatchTheCommandTable() {
        let dir = TempDirectory()
        for (shell, path) in [("bash", "Completions/inbox.bash"), ("zsh", "Completions/_inbox"), ("fish", "Completions/inbox.fish")] {
            let generated = Inbox.run(["__completion", shell], in: dir.path)
            XCTAssertEqual(generated.status, 0)
            XCTAssertEqual(file(path), generated.stdout, "\(path) is stale: run 'inbox __completion \(shell) > \(path)'")
        }
    }

    /// Every noun, verb and long option the binary's help lists appears in all three scripts and the man page.
    func testEveryNounVerbAndOptionIsInEveryScriptAndTheManPage() {
        let dir = TempDirectory()
        let overview = Inbox.run(["help"], in: dir.path).stdout
        let commands = overview.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("Commands:") }.dropFirst().prefix { !$0.isEmpty }
            .map { $0.split(separator: " ").prefix(2).map(String.init).filter { $0.first!.isLowercase } }
        XCTAssertGreaterThan(commands.count, 40)
        let documents = ["Completions/inbox.bash", "Completions/_inbox", "Completions/inbox.fish", "man/inbox.1"].map { ($0, file($0)) }
        var checked = 0
        for words in commands {
            let help = Inbox.run(["help"] + words, in: dir.path).stdout
            let options = Set(help.split(whereSeparator: { " \n,".contains($0) }).filter { $0.hasPrefix("--") }
                .map { String($0.prefix { $0.isLetter || $0.isNumber || $0 == "-" }.dropFirst(2)) })
            for (path, text) in documents {
                for word in words { XCTAssertTrue(text.contains(word), "\(path) lacks '\(word)'") }
                for option in options {
                    let needle = path.hasSuffix(".fish") ? "-l \(option)" : path.hasSuffix(".1") ? "Fl -\(option)" : "--\(option)"
                    XCTAssertTrue(text.contains(needle), "\(path) lacks --\(option) (inbox \(words.joined(separator: " ")))")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 400)
    }

    func repositoryWithConversations() -> TempDirectory {
        let repo = makeRepository()
        inbox("contact", "add", "Ada Lovelace", "--email", "ada@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "email", "One", in: repo)
        inbox("message", "receive", "--contact", "ct1", "--channel", "sms", "Two", in: repo)
        inbox("contact", "add", "Grace Hopper", "--email", "grace@example.com", in: repo)
        inbox("message", "receive", "--contact", "ct2", "--channel", "email", "Three", in: repo)
        inbox("conversation", "close", "cv2", in: repo)
        return repo
    }

    func shell(_ executable: String, _ arguments: [String], in repo: TempDirectory) -> InboxResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        var env = Inbox.baseEnvironment()
        env["PATH"] = URL(fileURLWithPath: Inbox.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        process.environment = env
        return Inbox.capture(process, stdin: nil)
    }

    func testBashCompletesNounsAndOpenConversationIds() throws {
        let bash = try requiredTool("bash")
        let repo = repositoryWithConversations()
        let script = """
            source '\(root)/Completions/inbox.bash'
            t() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _inbox; echo "${COMPREPLY[*]}"; }
            t inbox conv
            t inbox conversation close ''
            t inbox conversation list --status ''
            t inbox contact add --ph
            """
        let result = shell(bash, ["-c", script], in: repo)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.lines, ["conversation", "cv3 cv1", "open closed all", "--phone"])
    }

    func testFishListsTheMessageVerbs() throws {
        let fish = try requiredTool("fish")
        let repo = repositoryWithConversations()
        let result = shell(fish, ["-c", "source '\(root)/Completions/inbox.fish'; complete -C 'inbox message '"], in: repo)
        XCTAssertEqual(result.stderr, "")
        let verbs = Set(result.lines.map { String($0.split(separator: "\t")[0]) })
        XCTAssertEqual(verbs, ["send", "receive", "list", "show", "schedule", "edit", "cancel", "flush", "seen", "pin", "unpin"])
        let ids = shell(fish, ["-c", "source '\(root)/Completions/inbox.fish'; complete -C 'inbox conversation close '"], in: repo)
        XCTAssertEqual(ids.lines.map { String($0.split(separator: "\t")[0]) }.sorted(), ["cv1", "cv3"])
    }

    func testZshLoadsTheCompletionThroughCompinit() throws {
        let zsh = try requiredTool("zsh")
        let repo = repositoryWithConversations()
        let script = "fpath=('\(root)/Completions' $fpath); autoload -U compinit; compinit -u -d '\(repo.file("zcompdump"))'; autoload -U +X _inbox && print loaded; (( $+_comps[inbox] )) && print registered"
        let result = shell(zsh, ["-f", "-c", script], in: repo)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.lines, ["loaded", "registered"])
    }

    func testShellcheckPassesOnTheBashScript() throws {
        let shellcheck = try requiredTool("shellcheck")
        let repo = makeRepository()
        let result = shell(shellcheck, [root + "/Completions/inbox.bash"], in: repo)
        XCTAssertEqual(result.status, 0, result.stdout)
    }

    func testCandidatesComeFromTheRepositoryAndNeverShowErrors() {
        let repo = repositoryWithConversations()
        inbox("contact", "tag", "ct1", "--add", "VIP", in: repo)
        XCTAssertEqual(inbox("__complete", "open-conversations", in: repo).lines.map { String($0.split(separator: "\t")[0]) }, ["cv3", "cv1"])
        XCTAssertEqual(inbox("__complete", "tags", in: repo).lines, ["VIP\ttag"])
        let elsewhere = TempDirectory()
        let outside = Inbox.run(["__complete", "contacts"], in: elsewhere.path)
        XCTAssertEqual(outside.status, 0)
        XCTAssertEqual(outside.stdout + outside.stderr, "")
    }
}
