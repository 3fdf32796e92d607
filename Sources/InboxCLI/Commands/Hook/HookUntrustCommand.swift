import InboxCore

struct HookUntrustCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "hook", verb: "untrust", access: .write, abstract: "Stop trusting this repository's delivery hook on this machine",
        discussion: "Removes the trust record; message send and message flush refuse to run the hook until it is trusted again.",
        examples: ["inbox hook untrust"]
    )

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> HookUntrustCommand {
        try arguments.allowPositionals(0)
        return HookUntrustCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let repository = try context.repository()
        let removed = try HookTrust.untrust(repository)
        let status = try HookTrust.status(repository)
        return .record(status.sha256 ?? "-", HookView.json(status),
                       removed ? "This machine no longer trusts \(status.path)" : "\(status.path) was not trusted on this machine; nothing changed")
    }
}
