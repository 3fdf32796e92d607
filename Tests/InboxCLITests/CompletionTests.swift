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

    /// Every noun, verb and long option the binary's help lists is offered by all three scripts
    /// (each asked to complete, as the shell would) and documented in its man page section.
    func testEveryNounVerbAndOptionIsInEveryScriptAndTheManPage() throws {
        let dir = TempDirectory()
        let overview = Inbox.run(["help"], in: dir.path).stdout
        let commands = overview.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("Commands:") }.dropFirst().prefix { !$0.isEmpty }
            .map { $0.split(separator: " ").prefix(2).map(String.init).filter { $0.first!.isLowercase } }
        XCTAssertGreaterThan(commands.count, 40)
        var nouns: [String] = [], verbs: [String: Set<String>] = [:]
        for words in commands {
            if !nouns.contains(words[0]) { nouns.append(words[0]) }
            if words.count == 2 { verbs[words[0], default: []].insert(words[1]) }
        }
        // What each script offers: after "inbox", after each noun, and after "-" for each command.
        let nounsWithVerbs = nouns.filter { verbs[$0] != nil }
        let queries = [["inbox", ""]] + nounsWithVerbs.map { ["inbox", $0, ""] } + commands.map { ["inbox"] + $0 + ["-"] }
        let offered = try ["bash", "zsh", "fish"].map { ($0, try complete(queries, in: $0, repo: dir)) }
        let man = file("man/inbox.1")
        var checked = 0
        for (shell, answers) in offered {
            XCTAssertEqual(answers.count, queries.count, "\(shell) answered \(answers.count) of \(queries.count) queries")
            guard answers.count == queries.count else { continue }
            XCTAssertEqual(Set(answers[0]), Set(nouns), "\(shell): the nouns")
            for (i, noun) in nounsWithVerbs.enumerated() {
                XCTAssertEqual(Set(answers[1 + i]), verbs[noun], "\(shell): the verbs of \(noun)")
            }
            for (i, words) in commands.enumerated() {
                let options = helpOptions(words, in: dir)
                let missing = options.subtracting(answers[1 + nounsWithVerbs.count + i])
                XCTAssertEqual(missing, [], "\(shell) does not offer these for inbox \(words.joined(separator: " "))")
                checked += options.count
            }
        }
        for words in commands {
            let title = words.joined(separator: " ")
            let sections = man.components(separatedBy: "\n.Ss inbox ").dropFirst().filter {
                let heading = $0.prefix { $0 != "\n" }
                return heading == title || heading.hasPrefix(title + " ")
            }
            XCTAssertEqual(sections.count, 1, "man/inbox.1 has no one section .Ss inbox \(title)")
            for option in helpOptions(words, globals: false, in: dir) {
                XCTAssertTrue(sections.first?.contains("Fl -\(option.dropFirst(2))") == true, "man/inbox.1 section inbox \(title) lacks \(option)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 600)
    }

    /// The long options `inbox help WORDS` lists under "Options:", and with `globals` those under
    /// "Global options:" (every command takes them; the man page documents them once).
    func helpOptions(_ words: [String], globals: Bool = true, in dir: TempDirectory) -> Set<String> {
        var options = Set<String>(), section = ""
        for line in Inbox.run(["help"] + words, in: dir.path).stdout.split(separator: "\n") {
            if !line.hasPrefix(" ") { section = String(line); continue }
            guard section == "Options:" || (globals && section == "Global options:") else { continue }
            let entry = line.drop { $0 == " " }
            guard entry.hasPrefix("-") else { continue }
            for word in entry.split(whereSeparator: { " ,".contains($0) }).prefix(2) where word.hasPrefix("--") {
                options.insert(String(word))
            }
        }
        return options
    }

    /// Runs each script's completion in its shell for each command line (the last word is the one
    /// being completed): the candidates offered, one list per query.
    func complete(_ queries: [[String]], in shell: String, repo: TempDirectory) throws -> [[String]] {
        let executable = try requiredTool(shell)
        func quoted(_ word: String) -> String { "'" + word + "'" }
        let script: String
        switch shell {
        case "bash":
            script = """
                source '\(root)/Completions/inbox.bash'
                t() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _inbox; echo "${COMPREPLY[*]}"; }
                """ + queries.map { "\nt " + $0.map(quoted).joined(separator: " ") }.joined()
        case "zsh":
            // compadd stands in for zsh's own, so the function runs outside a completion widget.
            script = """
                fpath=('\(root)/Completions' $fpath); autoload -U _inbox
                typeset -a offered
                compadd() { if [[ $1 == -a ]]; then offered+=(${(P)2}); else while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; offered+=("$@"); fi }
                t() { local -a words; words=("$@"); local CURRENT=$#; offered=(); _inbox; print -r -- "${offered[*]}"; }
                """ + queries.map { "\nt " + $0.map(quoted).joined(separator: " ") }.joined()
        default:
            script = "source '\(root)/Completions/inbox.fish'" + queries.map {
                "\necho (complete -C \(quoted($0.joined(separator: " "))) | string replace -r '\\t.*' '' | string join ' ')"
            }.joined()
        }
        let result = self.shell(executable, shell == "zsh" ? ["-f", "-c", script] : ["-c", script], in: repo)
        XCTAssertEqual(result.stderr, "", shell)
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.split(separator: " ").map(String.init) }
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
        // And it completes: nouns, a value list, and open conversations from the repository.
        XCTAssertEqual(try complete([["inbox", "conv"], ["inbox", "conversation", "list", "--status", ""], ["inbox", "conversation", "close", ""]],
                                    in: "zsh", repo: repo).dropFirst(), [["open", "closed", "all"], ["cv3", "cv1"]])
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
