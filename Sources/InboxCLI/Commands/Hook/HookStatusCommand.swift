import InboxCore

struct HookStatusCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "hook", verb: "status", access: .read, abstract: "Show the delivery hook: installed, executable, its SHA-256, and whether this machine trusts it",
        discussion: "A hook runs only once trusted on this machine ('inbox hook trust', after you have read it). Trust is kept outside the repository, in ${XDG_DATA_HOME:-$HOME/.local/share}/inbox/trusted-hooks/, by the hook's SHA-256: a hook that changes is untrusted again.",
        examples: ["inbox hook status", "inbox --json hook status | jq -r .trust"]
    )

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> HookStatusCommand {
        try arguments.allowPositionals(0)
        return HookStatusCommand()
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let status = try HookTrust.status(try context.repository())
        var out = CommandOutput()
        out.ids = status.sha256.map { [$0] } ?? []
        out.records = [.object(HookView.json(status))]
        let trust: String
        switch status.state {
        case .none: trust = "-"
        case .trusted: trust = "trusted on this machine"
        case .untrusted: trust = "untrusted: never trusted on this machine (read it, then 'inbox hook trust')"
        case .changed: trust = "untrusted: changed since it was trusted (read it, then 'inbox hook trust')"
        }
        let fields: [(String, String)] = [
            ("Hook", status.path),
            ("Installed", status.installed ? "yes" : "no (messages are recorded as sent without delivery)"),
            ("Executable", status.installed ? (status.executable ? "yes" : "no (chmod +x .inbox/hooks/deliver)") : "-"),
            ("SHA-256", status.sha256 ?? "-"),
            ("Trust", trust),
            ("Trusted SHA-256", status.trustedSHA256 ?? "-"),
            ("Trust record", status.recordPath),
        ]
        let width = fields.map { $0.0.count }.max() ?? 0
        out.lines = fields.map { .plain($0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1) }
        return out
    }
}

enum HookView {
    static func json(_ status: HookTrust.Status) -> JSONObject {
        JSONObject([("path", .string(status.path)), ("installed", .bool(status.installed)), ("executable", .bool(status.executable)),
                    ("sha256", .optional(status.sha256)), ("trust", .string(status.state.rawValue)),
                    ("trusted_sha256", .optional(status.trustedSHA256)), ("record", .string(status.recordPath))])
    }
}
