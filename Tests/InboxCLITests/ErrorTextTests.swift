import Foundation
import XCTest
@testable import InboxCLI
import InboxCore

/// Issue 13 item 7: every field the core can name is an option of a real command, every remedy
/// names real commands and options, and users see the same words as before the core stopped
/// spelling them.
final class ErrorTextTests: XCTestCase {
    static let global = Set(GlobalOptions.specs.map(\.long))

    func options(of command: String) -> Set<String>? {
        command.isEmpty ? Self.global : CommandTable.shared.entries.first { $0.name == command }.map { Set($0.options.map(\.long)) }
    }

    func testEveryFieldTheCoreNamesIsAnOptionOfACommand() {
        for field in InputField.allCases {
            let (command, option) = ErrorText.option(for: field)
            guard let declared = options(of: command) else { XCTFail("\(field): no command 'inbox \(command)'"); continue }
            XCTAssertTrue(declared.contains(option), "\(field): inbox \(command) has no --\(option)")
        }
    }

    /// One of each remedy; the switch stops compiling when a remedy is added without a sample.
    static let remedies: [Remedy] = [
        .liftDoNotContact(contact: "ct1", scope: "sms"), .sendTemplate, .reopenOrStartNew(conversation: "cv1"),
        .addPhone(contact: "ct1"), .addEmail(contact: "ct1"), .addHandle(contact: "ct1", channel: .telegram), .chooseSMSNumber,
        .addFirmNumber(numbers: ["+15550199"]), .retrySend(message: "ms1"), .repair(effect: "rebuilds the index"), .runRepair,
        .allowDuplicate, .waitForLock, .createRepository, .nameRepository, .deleteReferencesToo(plural: true), .actAs(user: "alice"),
        .makeAnotherAdmin, .reassignConversations(user: "alice"), .reassignContacts, .reassignTasks, .setUserSignature,
        .mapColumn(column: "Phone", field: "skip"), .shareThroughGit,
    ]

    static func sampled(_ remedy: Remedy) -> Bool {
        switch remedy {
        case .liftDoNotContact, .sendTemplate, .reopenOrStartNew, .addPhone, .addEmail, .addHandle, .chooseSMSNumber, .addFirmNumber,
             .retrySend, .repair, .runRepair, .allowDuplicate, .waitForLock, .createRepository, .nameRepository, .deleteReferencesToo,
             .actAs, .makeAnotherAdmin, .reassignConversations, .reassignContacts, .reassignTasks, .setUserSignature, .mapColumn, .shareThroughGit:
            return true
        }
    }

    /// Each `inbox NOUN [VERB]` in a remedy's text is a command, and each `--option` after it is
    /// one of that command's (or a global one); an option named without a command is some
    /// command's.
    func testEveryRemedyNamesRealCommandsAndOptions() throws {
        let every = CommandTable.shared.entries.reduce(into: Self.global) { $0.formUnion($1.options.map(\.long)) }
        let names = Set(CommandTable.shared.entries.map(\.name))
        var optionsChecked = 0, commandsChecked = 0
        for remedy in Self.remedies {
            XCTAssertTrue(Self.sampled(remedy))
            let text = ErrorText.remedy(remedy)
            XCTAssertNotEqual(text, remedy.domainText, "\(remedy)")
            // A command's options follow it within its clause: up to a parenthesis, quote, pipe or semicolon.
            for clause in text.split(whereSeparator: { "()'|;".contains($0) }) {
            var command: String? = nil
            let words = clause.split(whereSeparator: { " ,".contains($0) }).map(String.init)
            for (i, word) in words.enumerated() {
                if word == "inbox", i + 1 < words.count {
                    let two = i + 2 < words.count ? words[i + 1] + " " + words[i + 2] : ""
                    command = names.contains(two) ? two : words[i + 1]
                    XCTAssertTrue(names.contains(command!), "\(remedy): '\(text)' names no command 'inbox \(command!)'")
                    commandsChecked += 1
                } else if word.hasPrefix("--") {
                    let option = String(word.dropFirst(2).prefix { $0 != "=" })
                    let declared = command.flatMap { options(of: $0) }.map { $0.union(Self.global) } ?? every
                    XCTAssertTrue(declared.contains(option), "\(remedy): '\(text)': --\(option) is not an option of \(command.map { "inbox " + $0 } ?? "any command")")
                    optionsChecked += 1
                }
            }
            }
        }
        XCTAssertGreaterThan(optionsChecked, 20)
        XCTAssertGreaterThan(commandsChecked, 12)
    }

    /// One of each command the core refers to; the switch stops compiling when one is added
    /// without a sample.
    static let commands: [CommandReference] = [
        .initRepository(path: "/srv/inbox"), .upgrade, .check, .sync, .trustHook, .hookStatus, .listTemplates, .listUsers,
        .addUser(name: "alice"), .showContact("ct1"), .setConfig(key: "user.name", value: "alice"),
    ]

    static func sampled(_ command: CommandReference) -> Bool {
        switch command {
        case .initRepository, .upgrade, .check, .sync, .trustHook, .hookStatus, .listTemplates, .listUsers, .addUser, .showContact, .setConfig:
            return true
        }
    }

    func testEveryCommandTheCoreRefersToIsACommand() {
        let names = Set(CommandTable.shared.entries.map(\.name))
        for reference in Self.commands {
            XCTAssertTrue(Self.sampled(reference))
            let words = ErrorText.command(reference).split(separator: " ").map(String.init)
            XCTAssertEqual(words.first, "inbox", "\(reference)")
            let two = words.count > 2 ? words[1] + " " + words[2] : ""
            XCTAssertTrue(names.contains(two) || names.contains(words[1]), "\(reference): '\(words.joined(separator: " "))' is no command")
        }
    }

    /// The words people see are the command line's: options and commands, as before.
    func testMessagesNameTheCommandLinesOptions() {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada", "--phone", "+1 555 0100", in: repo)
        XCTAssertEqual(run("message", "receive", "--channel", "sms", "Hi", in: repo, expect: 64).stderr.split(separator: "\n").first,
                       "Error: give --contact ID or --from ADDRESS")
        XCTAssertEqual(run("message", "receive", "--channel", "sms", "--from", "a@example.com", "Hi", in: repo, expect: 64).stderr.split(separator: "\n").first,
                       "Error: --from 'a@example.com' is an email address, but sms messages come from a phone number")
        XCTAssertEqual(run("log", "add", "--contact", "ct1", "--kind", "email", "--outcome", "missed", "x", in: repo, expect: 64).stderr.split(separator: "\n").first,
                       "Error: --outcome is for calls and meetings")
        XCTAssertEqual(run("message", "send", "--contact", "ct1", "--channel", "email", "x", in: repo, expect: 1).stderr,
                       "Error: ct1 Ada has no email address (inbox contact edit ct1 --add-email ADDRESS)\n")
        XCTAssertEqual(run("contact", "add", "Copy", "--phone", "+1 555 0100", in: repo, expect: 1).stderr,
                       "Error: +15550100 already belongs to contact ct1; use --allow-duplicate to add it anyway\n")
        run("contact", "dnd", "ct1", "--on", "sms", in: repo)
        run("config", "set", "sms.from", "+1 555 0199", in: repo)
        XCTAssertEqual(run("message", "send", "--contact", "ct1", "--channel", "sms", "x", in: repo, expect: 1).stderr,
                       "Error: ct1 Ada has do-not-contact on sms; nothing was sent (inbox contact dnd ct1 --off sms lifts it)\n")
        XCTAssertEqual(run("template", "remove", "nope", in: repo, expect: 66).stderr,
                       "Error: no template 'nope' (see 'inbox template list'); nothing was removed\n")
        let config = run("config", "list", in: repo).stdout
        XCTAssertTrue(config.contains("acting user when --as and INBOX_USER are not given"), config)
    }

    /// fsck still says which repair rebuilds what, in text and in JSON.
    func testFsckNamesItsRepair() throws {
        let repo = makeRepositoryInProcess()
        run("contact", "add", "Ada", "--phone", "+1 555 0100", in: repo)
        let index = repo.path + "/.inbox/index/contact-search"
        for name in try FileManager.default.contentsOfDirectory(atPath: index) { try "".write(toFile: index + "/" + name, atomically: true, encoding: .utf8) }
        let text = run("fsck", in: repo, expect: 65).stdout
        XCTAssertTrue(text.contains("(inbox fsck --repair rebuilds it)"), text)
        let json = run("fsck", "--json", in: repo, expect: 65).stdout
        XCTAssertTrue(json.contains("(inbox fsck --repair rebuilds it)"), json)
    }
}
