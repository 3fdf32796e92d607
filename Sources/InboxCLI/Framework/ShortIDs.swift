import InboxCore

/// Text for people shows minted ids at their short length, as git shows short hashes
/// (`IDDisplay`); JSON and `-q` keep every id whole for scripts. Done here, once, for every
/// command, so no command formats ids on its own.
enum ShortIDs {
    static func apply(to output: inout CommandOutput, _ globals: GlobalOptions, _ context: CommandContext, command: CommandSpec) {
        // Completion candidates are for the shell, which keeps those that begin with the word
        // typed so far: a whole id always does.
        guard command.noun != CompleteCommand.spec.noun else { return }
        // A command that does not use the repository (help, the man page) must not open it.
        guard command.access != .none else { return }
        let json = output.forcedForm == .json || (globals.json && output.forcedForm == nil)
        let quiet = globals.quiet && output.forcedForm == nil
        var texts = output.info + output.notices
        if !json && !quiet {
            for line in output.lines {
                switch line {
                case .plain(let s), .heading(let s), .dim(let s), .rendered(let s): texts.append(s)
                case .table(let table): texts += table.rows.flatMap { $0 }
                case .raw: break
                }
            }
        }
        guard texts.contains(where: IDDisplay.mayHoldMintedID), let repository = try? context.repository() else { return }
        // Shortening is a courtesy: if the repository cannot be read now, ids stay whole.
        try? repository.read { (session) throws(InboxError) in
            var display = IDDisplay(session: session)
            func short(_ s: String) throws(InboxError) -> String { try display.shorten(s) }
            output.info = try output.info.map(short)
            output.notices = try output.notices.map(short)
            guard !json && !quiet else { return }
            output.lines = try output.lines.map { (line) throws(InboxError) -> CommandOutput.Line in
                switch line {
                case .plain(let s): return .plain(try short(s))
                case .heading(let s): return .heading(try short(s))
                case .dim(let s): return .dim(try short(s))
                case .rendered(let s): return .rendered(try short(s))
                case .raw: return line
                case .table(var table):
                    table.rows = try table.rows.map { (row) throws(InboxError) in try row.map(short) }
                    return .table(table)
                }
            }
        }
    }
}
