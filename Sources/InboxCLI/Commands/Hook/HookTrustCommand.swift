import InboxCore

struct HookTrustCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "hook", verb: "trust", access: .write, abstract: "Trust the delivery hook as it is now, on this machine (read it first)",
        discussion: "Records the SHA-256 of .inbox/hooks/deliver in ${XDG_DATA_HOME:-$HOME/.local/share}/inbox/trusted-hooks/, outside the repository, so a clone can never trust its own hook. Until then message send and message flush refuse to run it (exit 1). A symlinked hook is refused (exit 74). Prints the hash.",
        examples: ["cat .inbox/hooks/deliver && inbox hook trust", "inbox hook trust -q"]
    )

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> HookTrustCommand {
        try arguments.allowPositionals(0)
        return HookTrustCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let repository = try context.repository()
        let hash = try HookTrust.trust(repository)
        let status = try HookTrust.status(repository)
        var out = CommandOutput.record(hash, HookView.json(status), "Trusted \(status.path) on this machine (sha256 \(hash))")
        if !status.executable { out.notices = ["hook trust: \(status.path) is not executable; deliveries fail until you run chmod +x .inbox/hooks/deliver"] }
        return out
    }
}
