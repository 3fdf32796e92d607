#if canImport(Glibc)
import Glibc
#endif
import InboxCore

/// `inbox merge-file BASE OURS THEIRS [PATH]`: git's merge driver for record files (registered
/// by `inbox sync init` as `inbox merge-file %O %A %B %P`). Writes the merge into OURS, as git
/// expects, and exits 0; a record file always merges. It fails (exit 65, `PATH:LINE: reason`,
/// OURS untouched) only when a side is not a valid record file or one id names two different
/// records, and never writes conflict markers.
struct MergeFileCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "merge-file", access: .write, abstract: "Merge three versions of a record file by record (git's merge driver for .inbox)",
        arguments: [
            ArgumentSpec("BASE", completion: .file, "the common ancestor (git's %O)"),
            ArgumentSpec("OURS", completion: .file, "this side, replaced by the merge (git's %A)"),
            ArgumentSpec("THEIRS", completion: .file, "the other side (git's %B)"),
            ArgumentSpec("PATH", optional: true, "the file's path in the repository (git's %P), which says what kind of records it holds"),
        ],
        discussion: """
            Records are matched by id (settings by key, users and templates by name). A record changed on one side takes \
            that side; changed on both, each field takes the later change (updated_at, else a fixed rule on the records' \
            bytes), sets such as tags merge as sets, and a message a flush handed to delivery keeps its delivery: an edit \
            or cancel from the other side is recorded as refused in its error field. See inbox-repository(5).
            """,
        examples: ["inbox merge-file base.jsonl ours.jsonl theirs.jsonl .inbox/contacts/0000.jsonl"],
        hidden: true
    )

    var base: String
    var ours: String
    var theirs: String
    var path: String?

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> MergeFileCommand {
        try arguments.allowPositionals(4)
        return MergeFileCommand(base: try arguments.positional(0, "BASE"), ours: try arguments.positional(1, "OURS"),
                                theirs: try arguments.positional(2, "THEIRS"),
                                path: arguments.positionals.count > 3 ? arguments.positionals[3] : nil)
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        func load(_ file: String) throws(InboxError) -> [UInt8] {
            guard let bytes = try FileSystem.readOutside(file) else { throw InboxError.notFound("no file \(file) to merge") }
            return bytes
        }
        let (baseBytes, oursBytes, theirsBytes) = (try load(base), try load(ours), try load(theirs))
        let merged: [UInt8]
        do throws(RecordMerge.Failure) {
            merged = try RecordMerge.merge(base: baseBytes, ours: oursBytes, theirs: theirsBytes, path: path,
                                           names: (base, path ?? ours, theirs))
        } catch {
            if let line = error.line { throw InboxError.badData(path: error.path, line: line, reason: error.reason) }
            throw InboxError.dataProblems(Explanation(error.description))
        }
        // Replace OURS whole: a temp file beside it, renamed over it.
        let temp = ours + ".inbox-merge.\(getpid())"
        try FileSystem.writeNew(temp, merged, mode: 0o644)
        do throws(InboxError) {
            try FileSystem.rename(temp, ours)
        } catch {
            try? FileSystem.remove(temp)
            throw error
        }
        return CommandOutput()
    }
}
