import InboxCore

/// The one place the core's structured explanations become command-line text: each
/// `InputField` is named as the option that fills it, each `Remedy` as the commands that apply
/// it. Next to `ExitStatus`, which decides the status; `InboxCLI.report` prints the result.
public enum ErrorText {
    /// The command and option through which the user gives `field` (command "" for a global option).
    public static func option(for field: InputField) -> (command: String, option: String) {
        switch field {
        case .logOutcome: return ("log add", "outcome")
        case .logRecording: return ("log add", "recording")
        case .customField: return ("contact add", "field")
        case .importColumnMap: return ("contact import", "map")
        case .inboundSubject: return ("message receive", "subject")
        case .inboundSender: return ("message receive", "from")
        case .inboundContact: return ("message receive", "contact")
        case .outboundContact: return ("message send", "contact")
        case .outboundChannel: return ("message send", "channel")
        case .copyTo: return ("message send", "cc")
        case .firmNumber: return ("message send", "from")
        case .searchWords: return ("message list", "search")
        case .actingUser: return ("", "as")
        case .fixtureContacts: return ("fixture", "contacts")
        case .fixtureConversations: return ("fixture", "conversations")
        case .fixtureMessages: return ("fixture", "messages")
        }
    }

    static func field(_ field: InputField, value: String?, placeholder: Bool) -> String {
        let (command, long) = option(for: field)
        var text = "--" + long
        if let value { text += " " + value } else if placeholder, let name = CommandTable.shared.entries.first(where: { $0.name == command })?.option(long)?.valueName { text += " " + name }
        return text
    }

    public static func remedy(_ remedy: Remedy) -> String {
        switch remedy {
        case .liftDoNotContact(let contact, let scope): return "inbox contact dnd \(contact) --off \(scope) lifts it"
        case .sendTemplate: return "send a template with --template NAME"
        case .reopenOrStartNew(let conversation):
            return "reopen it first (inbox conversation reopen \(conversation)) or send with --contact and --channel to start a new one"
        case .addPhone(let contact): return "inbox contact edit \(contact) --add-phone NUMBER"
        case .addEmail(let contact): return "inbox contact edit \(contact) --add-email ADDRESS"
        case .addHandle(let contact, let channel): return "inbox contact edit \(contact) --\(channel.rawValue) USERNAME"
        case .chooseSMSNumber: return "pass --from NUMBER or run 'inbox config set sms.from NUMBER'"
        case .addFirmNumber(let numbers): return "inbox config set sms.from " + numbers.map { "\"\($0)\"" }.joined(separator: " ")
        case .retrySend(let message): return "inbox message send --retry \(message) sends it again"
        case .repair(let effect): return "inbox fsck --repair \(effect)"
        case .runRepair: return "run 'inbox fsck --repair'"
        case .allowDuplicate: return "use --allow-duplicate to add it anyway"
        case .waitForLock: return "try again, or raise --lock-timeout"
        case .createRepository: return "run 'inbox init' to create one, or pass --repo DIR"
        case .nameRepository: return "--repo and INBOX_REPO name the directory that holds .inbox"
        case .deleteReferencesToo(let plural):
            return "--force deletes \(plural ? "those" : "them") too; 'contact merge' or 'conversation move' keeps them"
        case .actAs(let user): return "act as a registered user with --as \(user), INBOX_USER=\(user), or 'inbox config set user.name \(user)'"
        case .makeAnotherAdmin: return "make another user admin first ('inbox user edit NAME --role admin')"
        case .reassignConversations(let user): return "inbox conversation list --assignee \(user) --status all -q | inbox conversation assign - USER"
        case .reassignContacts: return "inbox contact edit ID --owner USER"
        case .reassignTasks: return "inbox task update ID --assign USER"
        case .setUserSignature: return "inbox user edit NAME --signature TEXT"
        case .shareThroughGit: return "run 'inbox sync init' (or create it with 'inbox init --shared')"
        case .mapColumn(let column, let field): return "--map " + (column.map { "'\($0)=\(field)'" } ?? "COLUMN=\(field)")
        }
    }

    public static func command(_ command: CommandReference) -> String {
        switch command {
        case .initRepository(let path): return "inbox init \(path)"
        case .upgrade: return "inbox upgrade"
        case .check: return "inbox fsck"
        case .sync: return "inbox sync"
        case .trustHook: return "inbox hook trust"
        case .hookStatus: return "inbox hook status"
        case .listTemplates: return "inbox template list"
        case .listUsers: return "inbox user list"
        case .addUser(let name): return "inbox user add \(name)"
        case .showContact(let id): return "inbox contact show \(id)"
        case .setConfig(let key, let value): return "inbox config set \(key) \(value)"
        }
    }

    public static func render(_ explanation: Explanation) -> String {
        explanation.rendered(field: field, remedy: remedy, command: command)
    }

    /// An error's message as the command line prints it.
    public static func message(_ error: InboxError) -> String { render(error.explanation) }

    public static func describe(_ problem: FsckProblem) -> String {
        problem.path + (problem.line.map { ":\($0)" } ?? "") + ": " + render(problem.reason)
    }
}
