import InboxCore

struct InitCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "init", access: .write, abstract: "Create an inbox repository (DIR/.inbox) in DIR or the current directory",
        arguments: [ArgumentSpec("DIR", optional: true, completion: .directory, "where to create it, with any missing parents (default: the current directory)")],
        options: [OptionSpec("shared", "also set it up to be shared through git, as 'inbox sync init' does")],
        examples: ["inbox init", "inbox init /srv/firm", "inbox init --shared firm"]
    )

    var directory: String?
    var shared = false

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> InitCommand {
        try arguments.allowPositionals(1)
        return InitCommand(directory: arguments.positionals.first, shared: arguments.flag("shared"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let target = directory ?? context.globals.repo ?? context.environment.currentDirectory
        let (repo, created) = try Repository.initialize(at: target, lockTimeout: try context.lockTimeout)
        var out = CommandOutput()
        out.ids = [repo.storePath]
        out.records = [.object(JSONObject([("path", .string(repo.storePath)), ("created", .bool(created))]))]
        if created {
            out.lines = [.plain("Initialized empty inbox repository in \(repo.storePath)")]
        } else {
            out.lines = [.plain("An inbox repository already exists in \(repo.storePath)\(shared ? "" : "; nothing changed")")]
        }
        if shared {
            out.lines += try Sync.initialize(repo, binary: Sync.runningBinary()).map { .plain($0) }
        }
        return out
    }
}
