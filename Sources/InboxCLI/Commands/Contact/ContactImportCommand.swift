import InboxCore

struct ContactImportCommand: InboxCommand {
    static let spec = CommandSpec(
        noun: "contact", verb: "import", access: .write, abstract: "Add and update contacts from a CSV file with a header row",
        arguments: [ArgumentSpec("FILE", completion: .file, "a CSV file (RFC 4180, UTF-8); - reads standard input")],
        options: [
            OptionSpec("map", value: "COLUMN=FIELD", repeatable: true,
                       "read COLUMN as FIELD: first_name, last_name, name, phone, email, company, tags, owner, disposition, field:KEY or skip"),
            OptionSpec("dry-run", "print what each row would do (add, update, no change, reject) and write nothing"),
            OptionSpec("keep-going", "import the good rows and report each bad one on stderr; exit 1 if any was rejected"),
        ],
        discussion: """
            Columns are read by their header: first name, last name, name, phone, email, company, tags, owner and disposition \
            (common spellings such as "E-mail" or "Mobile" too); any other column is a custom field named after its header. \
            Several phones, emails or tags in one cell are separated by ';'. A row whose phone (normalized as 'contact add' \
            does) or email belongs to a contact updates that contact (non-empty cells replace, phones, emails and tags are \
            added), also when the contact was added by an earlier row; other rows add contacts. All or nothing: a bad row \
            is INPUT:LINE: reason on stderr, every one is listed, and exit 65 with nothing written, unless --keep-going.
            """,
        examples: ["inbox contact import clients.csv --dry-run", "inbox contact import export.csv --map 'Mobile Number=phone' --map 'Client ID=field:client_id'",
                   "inbox contact import - --keep-going < contacts.csv"]
    )

    var file: String
    var map: [(column: String, to: ContactColumn)]
    var dryRun: Bool
    var keepGoing: Bool

    static func parse(_ arguments: ParsedArguments) throws(InboxError) -> ContactImportCommand {
        try arguments.allowPositionals(1)
        let map = try arguments.list("map").map { (text) throws(InboxError) -> (column: String, to: ContactColumn) in
            guard let eq = text.lastIndex(of: "="), !String(text[..<eq]).trimmingWhitespace().isEmpty else {
                throw InboxError.usage("--map takes COLUMN=FIELD, not '\(text)'")
            }
            return (String(text[..<eq]).trimmingWhitespace(), try ContactColumn.parse(String(text[text.index(after: eq)...])))
        }
        return ContactImportCommand(file: try arguments.positional(0, "FILE"), map: map, dryRun: arguments.flag("dry-run"),
                                    keepGoing: arguments.flag("keep-going"))
    }

    func run(_ context: CommandContext) throws(InboxError) -> CommandOutput {
        let label = file == "-" ? "<stdin>" : file
        let bytes: [UInt8]
        if file == "-" {
            bytes = try context.standardInput(limit: InputLimits.importBytes, what: "the import")
        } else {
            guard let data = try FileSystem.readOutside(context.absolutePath(file), maxBytes: InputLimits.importBytes) else {
                throw InboxError.notFound("no file '\(file)'")
            }
            try InputLimits.check(data, input: label, limit: InputLimits.importBytes, what: "the import")
            bytes = data
        }
        let outcome: ContactImportOutcome
        if dryRun {
            outcome = try context.read { (s) throws(InboxError) in
                try ContactImport.plan(bytes, input: label, map: map, now: context.now, in: s).outcome
            }
        } else {
            outcome = try context.write { (tx, _) throws(InboxError) in
                var plan = try ContactImport.plan(bytes, input: label, map: map, now: context.now, in: tx)
                if plan.rejected.isEmpty || keepGoing { try ContactImport.apply(&plan, now: context.now, in: tx) }
                return plan.outcome
            }
        }
        return output(outcome)
    }

    func output(_ outcome: ContactImportOutcome) -> CommandOutput {
        var out = CommandOutput()
        let rejected = outcome.rejected
        let written = !dryRun && (rejected.isEmpty || keepGoing)
        var ids = Set<String>()
        for row in outcome.rows {
            var fields: [(String, JSONValue)] = [("line", .int(Int64(row.line)))]
            switch row.action {
            case .add: fields.append(("action", .string("add")))
            case .update: fields.append(("action", .string("update")))
            case .unchanged: fields.append(("action", .string("unchanged")))
            case .reject(let reason): fields += [("action", .string("reject")), ("reason", .string(ErrorText.render(reason)))]
            }
            if let id = row.id { fields.append(("id", .string(id))) }
            out.records.append(.object(JSONObject(fields)))
            if written, let id = row.id, row.action == .add || row.action == .update { ids.insert(id) }
            if dryRun, let name = row.name {
                let verb = row.action == .add ? "add" : row.action == .update ? "update" : "no change to"
                out.lines.append(.plain("\(outcome.input):\(row.line): \(verb) \(row.id.map { $0 + " " } ?? "")\(name)"))
            }
        }
        out.ids = ids.sorted { ($0.count, $0) < ($1.count, $1) }
        out.notices = rejected.map { "\(outcome.input):\($0.line): \(ErrorText.render($0.reason))" }
        let counts = "\(outcome.added) added, \(outcome.updated) updated, \(rejected.count) rejected"
        if dryRun {
            out.info = ["Would import \(outcome.input): \(counts); nothing was written"]
        } else if written {
            out.lines.append(.plain("Imported \(outcome.input): \(counts)"))
        }
        if !rejected.isEmpty {
            let n = rejected.count
            if keepGoing {
                out.failure = .refused("\(n) row\(n == 1 ? " was" : "s were") rejected (see above); the others \(dryRun ? "would be" : "were") imported")
            } else {
                out.failure = .dataProblems("\(n) row\(n == 1 ? " was" : "s were") rejected (see above): nothing \(dryRun ? "would be" : "was") imported")
            }
        }
        return out
    }
}
