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
        var holdsID = (output.info + output.notices).contains(where: mayHoldMintedID)
        if !holdsID && !json && !quiet {
            holdsID = output.lines.contains { line in
                switch line {
                case .plain(let s), .heading(let s), .dim(let s), .rendered(let s): return mayHoldMintedID(s)
                case .table(let table): return table.rows.contains { $0.contains(where: mayHoldMintedID) }
                case .packedTable(let table): return table.hasLongWord && table.textTable.rows.contains { $0.contains(where: mayHoldMintedID) }
                case .raw: return false
                }
            }
        }
        guard holdsID, let repository = try? context.repository() else { return }
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
                case .packedTable(let packed):
                    guard packed.hasLongWord else { return line }
                    var table = packed.textTable
                    table.rows = try table.rows.map { (row) throws(InboxError) in try row.map(short) }
                    return .table(table)
                }
            }
        }
    }

    /// `IDDisplay.mayHoldMintedID`, after a look that needs no copy of the text: a minted id
    /// is 14 letters and digits in a row, which most cells (names, states, times) never have.
    /// A listing of ten thousand rows asks this of seventy thousand cells.
    static func mayHoldMintedID(_ text: String) -> Bool {
        let idLength = 2 + MintedID.length
        guard text.utf8.count >= idLength else { return false }
        func longWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var run = 0
            for b in bytes {
                let word = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
                run = word ? run + 1 : 0
                if run >= idLength { return true }
            }
            return false
        }
        let long = text.utf8.withContiguousStorageIfAvailable(longWord) ?? Array(text.utf8).withUnsafeBufferPointer(longWord)
        if long { return IDDisplay.mayHoldMintedID(text) }
        return false
    }
}
