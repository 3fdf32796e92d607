/// Text for the user whose interface-dependent parts stay data: which piece of a request was
/// wrong (an `InputField`) and what would put it right (a `Remedy`). The core never spells an
/// option or a command; the command line names its own (`ErrorText` in InboxCLI). Written as a
/// string literal: `"\(InputField.outcome) is for calls and meetings"`.
public struct Explanation: Equatable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public enum Part: Equatable, Sendable {
        case text(String)
        /// The field, with the value shown after it (`--map 'Phone=FIELD'`), or its placeholder
        /// when `value` is nil and `placeholder` is set (`--from ADDRESS`).
        case field(InputField, value: String?, placeholder: Bool)
        case remedy(Remedy)
        case command(CommandReference)
    }

    public private(set) var parts: [Part]

    public init(_ text: String) { parts = [.text(text)] }
    public init(joining items: [Explanation], separator: String) {
        var joined = Interpolation(literalCapacity: 0, interpolationCount: 0)
        for (i, item) in items.enumerated() {
            if i > 0 { joined.appendLiteral(separator) }
            joined.appendInterpolation(item)
        }
        parts = joined.parts
    }
    public init(stringLiteral value: String) { parts = [.text(value)] }
    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        mutating func add(_ part: Part) {
            if case .text(let more) = part, case .text(let text)? = parts.last { parts[parts.count - 1] = .text(text + more) } else { parts.append(part) }
        }
        public mutating func appendLiteral(_ literal: String) { add(.text(literal)) }
        public mutating func appendInterpolation<T>(_ value: T) { add(.text(String(describing: value))) }
        public mutating func appendInterpolation(_ text: String) { add(.text(text)) }
        public mutating func appendInterpolation(_ field: InputField) { add(.field(field, value: nil, placeholder: false)) }
        public mutating func appendInterpolation(_ field: InputField, value: String) { add(.field(field, value: value, placeholder: false)) }
        public mutating func appendInterpolation(placeholder field: InputField) { add(.field(field, value: nil, placeholder: true)) }
        public mutating func appendInterpolation(_ remedy: Remedy) { add(.remedy(remedy)) }
        public mutating func appendInterpolation(_ command: CommandReference) { add(.command(command)) }
        public mutating func appendInterpolation(_ explanation: Explanation) { explanation.parts.forEach { add($0) } }
    }

    /// The text with fields and remedies spelled by `field` and `remedy`.
    public func rendered(field: (InputField, _ value: String?, _ placeholder: Bool) -> String, remedy: (Remedy) -> String,
                         command: (CommandReference) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): return text
            case .field(let f, let value, let placeholder): return field(f, value, placeholder)
            case .remedy(let r): return remedy(r)
            case .command(let c): return command(c)
            }
        }.joined()
    }

    /// In the domain's own words, for text the core keeps or passes on without an interface
    /// (a stored message error, a journal note).
    public var description: String {
        rendered(field: { f, value, _ in f.domainName + (value.map { " " + $0 } ?? "") }, remedy: \.domainText, command: \.domainText)
    }

    public var fields: [InputField] { parts.compactMap { if case .field(let f, _, _) = $0 { return f } else { return nil } } }
    public var remedies: [Remedy] { parts.compactMap { if case .remedy(let r) = $0 { return r } else { return nil } } }

    public func hasPrefix(_ prefix: String) -> Bool { description.hasPrefix(prefix) }
}

/// A command the core's text refers to ("run '…' once"); the command line spells it.
public enum CommandReference: Equatable, Sendable {
    case initRepository(path: String)
    case upgrade
    case check
    case sync
    case trustHook
    case hookStatus
    case listTemplates
    case listUsers
    case addUser(name: String)
    case showContact(String)
    case setConfig(key: String, value: String)

    /// The command's own words without the program's name, for text kept without an interface.
    public var domainText: String {
        switch self {
        case .initRepository(let path): return "init \(path)"
        case .upgrade: return "upgrade"
        case .check: return "fsck"
        case .sync: return "sync"
        case .trustHook: return "hook trust"
        case .hookStatus: return "hook status"
        case .listTemplates: return "template list"
        case .listUsers: return "user list"
        case .addUser(let name): return "user add \(name)"
        case .showContact(let id): return "contact show \(id)"
        case .setConfig(let key, let value): return "config set \(key) \(value)"
        }
    }
}

/// A piece of a request the core can find wrong, in domain terms.
public enum InputField: String, CaseIterable, Sendable {
    case logOutcome, logRecording
    case customField, importColumnMap
    case inboundSubject, inboundSender, inboundContact
    case outboundContact, outboundChannel, copyTo, firmNumber
    case searchWords
    case actingUser
    case fixtureContacts, fixtureConversations, fixtureMessages

    public var domainName: String {
        switch self {
        case .logOutcome: return "the outcome"
        case .logRecording: return "the recording"
        case .customField: return "a custom field"
        case .importColumnMap: return "the column map"
        case .inboundSubject: return "the subject"
        case .inboundSender: return "the sender"
        case .inboundContact: return "the contact"
        case .outboundContact: return "the contact"
        case .outboundChannel: return "the channel"
        case .copyTo: return "the copy (cc) address"
        case .firmNumber: return "the firm's sending number"
        case .searchWords: return "the search"
        case .actingUser: return "the acting user"
        case .fixtureContacts: return "the contact count"
        case .fixtureConversations: return "the conversation count"
        case .fixtureMessages: return "the message count"
        }
    }
}

/// What would put a refused or failed request right. The command line spells each as its own
/// command or option; `domainText` says it without one.
public enum Remedy: Equatable, Sendable {
    /// Lift do-not-contact on `scope` (a channel, or "all").
    case liftDoNotContact(contact: String, scope: String)
    case sendTemplate
    /// Reopen a closed conversation, or start a new one with the contact on a channel.
    case reopenOrStartNew(conversation: String)
    case addPhone(contact: String)
    case addEmail(contact: String)
    case addHandle(contact: String, channel: Channel)
    /// Give a From number for this SMS, or configure the firm's default.
    case chooseSMSNumber
    /// Add a number to the firm's SMS numbers (`numbers` is the whole new list).
    case addFirmNumber(numbers: [String])
    case retrySend(message: String)
    /// Repair derived data; `effect` says what it does ("rebuilds the index").
    case repair(effect: String)
    case runRepair
    case allowDuplicate
    case waitForLock
    case createRepository
    /// The ways to point at a repository directory.
    case nameRepository
    /// Delete a contact's conversations, messages and tasks with it, or keep them elsewhere.
    case deleteReferencesToo(plural: Bool)
    case actAs(user: String)
    case makeAnotherAdmin
    case reassignConversations(user: String)
    case reassignContacts
    case reassignTasks
    case setUserSignature
    /// Start sharing this repository through git.
    case shareThroughGit
    /// Name a column's field in an import, or skip it (`field` nil: any column).
    case mapColumn(column: String?, field: String)

    public var domainText: String {
        switch self {
        case .liftDoNotContact(_, let scope): return "lifting do-not-contact on \(scope) allows it"
        case .sendTemplate: return "send an approved template"
        case .reopenOrStartNew: return "reopen it first, or start a new conversation with the contact"
        case .addPhone(let contact): return "add a phone number to \(contact)"
        case .addEmail(let contact): return "add an email address to \(contact)"
        case .addHandle(let contact, let channel): return "add a \(channel.rawValue) handle to \(contact)"
        case .chooseSMSNumber: return "choose a From number or configure sms.from"
        case .addFirmNumber(let numbers): return "add it to sms.from (\(numbers.joined(separator: ", ")))"
        case .retrySend(let message): return "retrying \(message) sends it again"
        case .repair(let effect): return "repair \(effect)"
        case .runRepair: return "repair the repository"
        case .allowDuplicate: return "allow the duplicate to add it anyway"
        case .waitForLock: return "try again, or wait longer for the lock"
        case .createRepository: return "create one"
        case .nameRepository: return "name the directory that holds .inbox"
        case .deleteReferencesToo: return "deleting them too, merging the contact or moving its conversations resolves it"
        case .actAs(let user): return "act as a registered user such as \(user)"
        case .makeAnotherAdmin: return "make another user admin first"
        case .reassignConversations: return "assign them to another user"
        case .reassignContacts: return "give them another owner"
        case .reassignTasks: return "assign them to another user"
        case .setUserSignature: return "a user's own signature overrides it"
        case .shareThroughGit: return "set up git sharing first"
        case .mapColumn(let column, let field): return "map \(column.map { "'\($0)'" } ?? "a column") to \(field)"
        }
    }
}
