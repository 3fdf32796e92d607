import InboxCore

struct FsckCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "fsck", access: .write, abstract: "Check every line, reference and index of the repository",
        options: [OptionSpec("repair", "rebuild what is derivable (the address index, id counters) when the sources are sound")],
        discussion: "Prints one line per problem, PATH:LINE: reason, and exits 65 if there is any. Without --repair it only reads.",
        examples: ["inbox fsck", "inbox fsck --repair"]
    )

    var repair: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> FsckCommand {
        try arguments.allowPositionals(0)
        return FsckCommand(repair: arguments.flag("repair"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let report: Fsck.Report
        if repair {
            report = try context.write(adminOnly: true) { (tx, _) throws(InboxError) in try Fsck.repair(tx) }
        } else {
            report = try context.read { (s) throws(InboxError) in try Fsck.check(s) }
        }
        var out = CommandOutput()
        out.lines = report.problems.map { .plain(ErrorText.describe($0)) }
        out.records = report.problems.map { p in
            .object(JSONObject([("path", .string(p.path)), ("line", p.line.map { .int(Int64($0)) } ?? .null),
                                ("reason", .string(ErrorText.render(p.reason))), ("repairable", .bool(p.derivable))]))
        }
        out.ids = report.problems.map(ErrorText.describe)
        out.info = report.repaired
        let summary = "\(report.filesChecked) files, \(report.recordsChecked) records checked"
        if report.problems.isEmpty {
            out.info.append("fsck: \(summary); no problems")
        } else {
            let derivable = report.problems.filter(\.derivable).count
            var hint = ""
            if derivable > 0 && !repair { hint = "; \(derivable) can be rebuilt with 'inbox fsck --repair'" }
            if repair && derivable < report.problems.count { hint = "; nothing was repaired until the others are fixed by hand" }
            out.failure = .dataProblems("fsck: \(summary); \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")\(hint)")
        }
        return out
    }
}
