import InboxCore

/// The one place a command is registered. Dispatch, help, completions and the man page (and
/// the tests that check them) all read this table.
public struct CommandTable: Sendable {
    public static let shared = CommandTable(
        nouns: [
            ("init", "Create a repository"),
            ("conversation", "Threads with contacts: list, open, assign, close"),
            ("message", "Send, receive and track messages and notes"),
            ("contact", "People the business talks to: details, notes, tags, do-not-contact"),
            ("template", "Saved message texts with placeholders"),
            ("tag", "Contact tags in use, with their counts"),
            ("task", "Client tasks: questions, document requests, notices"),
            ("log", "The communication log: calls, meetings, emails, notes"),
            ("timeline", "Everything with one contact, by date"),
            ("report", "How the inbox is doing: volumes, response times, goals"),
            ("export", "Write everything out as JSON lines, or conversations as CSV"),
            ("import", "Read JSON lines in, all or nothing"),
            ("batch", "Run many commands as one change"),
            ("fixture", "Generate a realistic repository for tests and benchmarks"),
            ("user", "People who work the inbox, with their roles"),
            ("config", "Repository settings"),
            ("hook", "The delivery hook: whether this machine trusts it"),
            ("fsck", "Check every line and reference of the repository"),
            ("upgrade", "Move an older repository to the current format"),
            ("sync", "Share the inbox with a team through git"),
            ("date", "Show what a time expression means"),
            ("demo", "Create a sample repository and show it"),
            ("help", "Show help for a command"),
            ("__manpage", "Print the inbox(1) man page generated from this table"),
            ("__completion", "Print a shell completion script generated from this table"),
            ("__complete", "Print completion candidates from the repository"),
            ("merge-file", "Merge three versions of a record file (git's merge driver)"),
        ],
        commands: [
            InitCommand.self,
            ConversationListCommand.self, ConversationOpenCommand.self, ConversationCloseCommand.self,
            ConversationAssignCommand.self, ConversationCreateCommand.self, ConversationShowCommand.self,
            ConversationReopenCommand.self, ConversationMoveCommand.self,
            MessageSendCommand.self, MessageReceiveCommand.self, MessageListCommand.self, MessageShowCommand.self,
            MessageScheduleCommand.self, MessageEditCommand.self, MessageCancelCommand.self, MessageFlushCommand.self,
            MessageSeenCommand.self, MessagePinCommand.self, MessageUnpinCommand.self,
            ContactAddCommand.self, ContactListCommand.self, ContactShowCommand.self,
            ContactEditCommand.self, ContactNoteCommand.self, ContactTagCommand.self, ContactDndCommand.self,
            ContactDeleteCommand.self, ContactMergeCommand.self, ContactImportCommand.self,
            TemplateAddCommand.self, TemplateListCommand.self, TemplateRemoveCommand.self, TagListCommand.self,
            TaskCreateCommand.self, TaskListCommand.self, TaskShowCommand.self, TaskUpdateCommand.self,
            LogAddCommand.self, LogListCommand.self, TimelineCommand.self, ReportCommand.self,
            ExportCommand.self, ImportCommand.self, BatchCommand.self, FixtureCommand.self,
            UserAddCommand.self, UserEditCommand.self, UserListCommand.self, UserRemoveCommand.self,
            ConfigGetCommand.self, ConfigSetCommand.self, ConfigUnsetCommand.self, ConfigListCommand.self,
            HookStatusCommand.self, HookTrustCommand.self, HookUntrustCommand.self,
            FsckCommand.self, UpgradeCommand.self, SyncCommand.self, DemoCommand.self, DateCommand.self, HelpCommand.self, ManPageCommand.self,
            CompletionCommand.self, CompleteCommand.self, MergeFileCommand.self,
        ]
    )

    let nounList: [(name: String, abstract: String)]
    let commands: [any InboxCommand.Type]

    init(nouns: [(String, String)], commands: [any InboxCommand.Type]) {
        self.nounList = nouns.map { (name: $0.0, abstract: $0.1) }
        self.commands = commands
    }

    public var nouns: [String] { nounList.map(\.name) }
    public var entries: [CommandSpec] { commands.map { $0.spec } }
    /// The commands people see in help and the man page.
    public var visibleEntries: [CommandSpec] { entries.filter { !$0.hidden } }
    public var visibleNouns: [String] { nouns.filter { noun in visibleEntries.contains { $0.noun == noun } } }

    public func nounAbstract(_ noun: String) -> String { nounList.first { $0.name == noun }?.abstract ?? "" }
    public func knowsNoun(_ noun: String) -> Bool { nounList.contains { $0.name == noun } }
    public func hasVerbs(_ noun: String) -> Bool { commands.contains { $0.spec.noun == noun && $0.spec.verb != nil } }
    public func verbs(of noun: String) -> [String] { commands.compactMap { $0.spec.noun == noun ? $0.spec.verb : nil } }

    public func command(_ noun: String, _ verb: String?) -> (any InboxCommand.Type)? {
        commands.first { $0.spec.noun == noun && $0.spec.verb == verb }
    }
}
