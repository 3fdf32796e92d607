import InboxCore

/// Long output for people goes through a pager on a terminal, as git does: the command in
/// INBOX_PAGER, else PAGER, else `less -FRX` (which prints short output and exits at once).
/// Never when stdout is not a terminal, with --no-pager, for --json or -q, or when the chosen
/// pager is empty or `cat`.
enum Pager {
    /// The commands whose output is read rather than acted on; writes print one line and stay direct.
    static let pagedCommands: Set<String> = [
        "help", "conversation list", "conversation open", "conversation show", "message list", "message show",
        "contact list", "contact show", "task list", "task show", "log list", "timeline", "report",
        "template list", "user list", "config list", "tag list",
    ]

    static let defaultCommand = "less -FRX"

    /// The pager command to run for this output, or nil to write it straight to stdout.
    static func command(for commandName: String, _ globals: GlobalOptions, _ environment: ProcessEnvironment) -> String? {
        guard environment.stdoutIsTerminal, environment.page != nil, !globals.noPager, !globals.json, !globals.quiet,
              pagedCommands.contains(commandName) else { return nil }
        let chosen = (environment.variable("INBOX_PAGER") ?? environment.variable("PAGER") ?? defaultCommand).trimmingWhitespace()
        return chosen.isEmpty || chosen == "cat" ? nil : chosen
    }

    /// Writes text for people through the pager when one applies, else to stdout.
    static func show(_ text: String, command commandName: String, _ globals: GlobalOptions, _ environment: ProcessEnvironment) {
        if !text.isEmpty, let pager = command(for: commandName, globals, environment), let page = environment.page, page(pager, text) { return }
        environment.stdout.write(text)
    }
}
