import Foundation
import XCTest

/// One writing command on a prepared repository, for the kill and fault campaigns: what to run,
/// and how to tell "none of it happened" from "all of it happened" afterwards.
struct WriteScenario {
    let name: String
    let arguments: [String]
    var stdin: String? = nil
    /// Builds the repository the command runs on (once; each round works on a copy).
    let prepare: (TempDirectory) -> Void
    /// A single change, so that afterwards the repository must equal the one before or the one
    /// an uninterrupted run leaves. Flushes through a hook commit once per message instead.
    var allOrNothing = true
    /// Runs a delivery hook that logs each message id it is given.
    var delivers = false
    /// Who may repair the repository afterwards, when the command registers users.
    var admin: String? = nil
}

/// The clock every campaign runs at; scheduled sends were made due before it.
let campaignNow = "2026-11-21T10:00:00Z"

/// A delivery hook that records each message it is given in $DELIVERY_LOG, one id per line. It
/// takes a moment, as a provider's API does, so that kills land while it runs.
let loggingHook = """
    #!/bin/sh
    cat >/dev/null
    sleep 0.02
    echo "$INBOX_MESSAGE_ID" >> "$DELIVERY_LOG"
    """

extension XCTestCase {
    /// Installs `script` as the repository's delivery hook and trusts it on this machine.
    func installHook(_ script: String, in repo: TempDirectory, file: StaticString = #filePath, line: UInt = #line) {
        try? FileManager.default.createDirectory(atPath: repo.file(".inbox/hooks"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: repo.file(".inbox/hooks/deliver"), contents: Data(script.utf8), attributes: [.posixPermissions: 0o700])
        inbox("hook", "trust", in: repo, file: file, line: line)
    }

    /// Runs `lines` through `inbox batch` at `now`.
    func batch(_ lines: [String], in repo: TempDirectory, now: String = "2026-11-21T08:00:00Z",
               file: StaticString = #filePath, line: UInt = #line) {
        inbox("batch", in: repo, stdin: lines.joined(separator: "\n") + "\n", environment: Inbox.baseEnvironment(now: now), file: file, line: line)
    }

    /// The writing commands of DESIGN §5's safety campaigns, each on a small repository.
    func writeScenarios() -> [WriteScenario] {
        let people = (1...40).map { "contact add 'Person \($0)' --phone '+1 212 555 \(String(format: "%04d", 100 + $0))' --email p\($0)@example.com" }
        let conversations = (1...40).map { "conversation create --contact ct\($0) --channel sms --subject 'Return \($0)'" }
        let scheduled = (1...40).map { "message schedule cv\($0) 'Reminder \($0)' --at '2026-11-21T09:00:00Z'" }
        let base: (TempDirectory) -> Void = { repo in
            self.batch(["config set sms.from '+1 212 555 0199'"] + people + conversations, in: repo)
        }
        let withDue: (TempDirectory) -> Void = { repo in
            base(repo)
            self.batch(scheduled, in: repo)
        }
        let exportLines = (41...140).map { n in
            #"{"type":"contact","id":"ct\#(n)","first_name":"Imported","last_name":"\#(n)","phones":[],"emails":["i\#(n)@example.com"],"company":null,"owner":null,"disposition":null,"tags":[],"dnd":[],"dnd_inbound":false,"fields":{},"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}"#
        }
        return [
            WriteScenario(name: "batch", arguments: ["batch"],
                          stdin: (1...30).map { "contact add 'Batch \($0)' --email b\($0)@example.com" }.joined(separator: "\n") + "\n",
                          prepare: base),
            WriteScenario(name: "import", arguments: ["import", "-"], stdin: exportLines.joined(separator: "\n") + "\n", prepare: base),
            WriteScenario(name: "contact tag", arguments: ["contact", "tag", "-", "--add", "vip", "--remove", "prospect"],
                          stdin: (1...40).map { "ct\($0)" }.joined(separator: "\n") + "\n", prepare: base),
            WriteScenario(name: "message receive", arguments: ["message", "receive", "--contact", "ct3", "--channel", "sms", "Here is my W-2"],
                          prepare: base),
            WriteScenario(name: "message flush (no hook)", arguments: ["message", "flush"], prepare: withDue),
            WriteScenario(name: "message flush (hook)", arguments: ["message", "flush"], prepare: { repo in
                withDue(repo)
                self.installHook(loggingHook, in: repo)
            }, allOrNothing: false, delivers: true),
            WriteScenario(name: "conversation close --message", arguments: ["conversation", "close", "cv2", "--message", "Thanks, all done"],
                          prepare: { repo in
                base(repo)
                self.installHook(loggingHook, in: repo)
            }, allOrNothing: false, delivers: true),
            WriteScenario(name: "fixture", arguments: ["fixture", "--contacts", "60", "--conversations", "60", "--messages", "300", "--seed", "7"],
                          prepare: { _ in }, admin: "alice"),
        ]
    }

    /// The record files of a repository and their bytes: what a change may alter. Machine-local
    /// and in-flight files (tmp/, journal, locks, spooled outcomes) are left out.
    /// Every file under .inbox with its bytes (temp files, journal and lock included), to show a
    /// refused command wrote nothing at all.
    func everyFile(_ repo: TempDirectory) -> [String: Data] {
        var files: [String: Data] = [:]
        let root = repo.file(".inbox")
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] {
            if let data = readBytes(root + "/" + path) { files[path] = data }
        }
        return files
    }

    func recordFiles(_ repo: TempDirectory) -> [String: Data] {
        let root = repo.file(".inbox")
        var files: [String: Data] = [:]
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] {
            if path == "journal" || path.hasPrefix("tmp") || path.hasSuffix(".lock") || path.hasPrefix("outcomes") || path.contains(".tmp.") { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: root + "/" + path)
            }
        }
        return files
    }

    /// A copy of `base` to run one round on.
    func copy(_ base: TempDirectory, trustHook: Bool) throws -> TempDirectory {
        let round = TempDirectory()
        try FileManager.default.removeItem(atPath: round.path)
        try FileManager.default.copyItem(atPath: base.path, toPath: round.path)
        // Trust is recorded per repository path on this machine: a copy is a new repository.
        if trustHook { inbox("hook", "trust", in: round) }
        return round
    }

    /// Message ids a delivery log shows more than once.
    func doubleDeliveries(_ log: String) -> [String] {
        let ids = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

    /// The environment a campaign round runs in.
    func campaignEnvironment(log: String) -> [String: String] {
        var env = Inbox.baseEnvironment(now: campaignNow)
        env["DELIVERY_LOG"] = log
        return env
    }
}
