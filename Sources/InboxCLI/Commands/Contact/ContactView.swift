import InboxCore

/// How contacts look to people: a table row in listings, a block of fields in `show`.
enum ContactView {
    static func table(_ contacts: [Contact], now: Timestamp) -> TextTable {
        TextTable(
            header: ["ID", "NAME", "PHONE", "EMAIL", "COMPANY", "TAGS", "OWNER", "ADDED"],
            rows: contacts.map { c in
                let name = c.fullName
                return [c.id, name.isEmpty ? "-" : name, c.phones.first ?? "-", c.emails.first ?? "-",
                 c.company ?? "-", c.tags.isEmpty ? "-" : c.tags.joined(separator: ","), c.owner ?? "-",
                 c.createdAt.age(relativeTo: now)]
            },
            maxWidths: [1: 30, 3: 32, 4: 24, 5: 30]
        )
    }

    /// `--instagram`, `--telegram`, `--facebook` for `contact add` and `edit`.
    static let handleOptions = Handle.channels.map { channel in
        OptionSpec(channel.rawValue, value: "USERNAME", "\(Handle.name(channel)) username (the @ may be left out), where \(channel.rawValue) messages go")
    }

    /// The handles given, by channel.
    static func handles(_ arguments: ParsedArguments) -> [Channel: String] {
        var out: [Channel: String] = [:]
        for channel in Handle.channels { if let value = arguments.value(channel.rawValue) { out[channel] = value } }
        return out
    }

    static func details(_ c: Contact, notes: [ContactNote], now: Timestamp) -> [CommandOutput.Line] {
        var fields: [(String, String)] = [
            ("Name", c.fullName.isEmpty ? "-" : c.fullName),
            ("First name", c.firstName), ("Last name", c.lastName),
            ("Phones", c.phones.isEmpty ? "-" : c.phones.joined(separator: ", ")),
            ("Emails", c.emails.isEmpty ? "-" : c.emails.joined(separator: ", ")),
        ]
        fields += Handle.channels.compactMap { channel in c.handles[channel].map { (Handle.name(channel), "@" + $0) } }
        fields += [
            ("Company", c.company ?? "-"), ("Owner", c.owner ?? "-"), ("Disposition", c.disposition ?? "-"),
            ("Tags", c.tags.isEmpty ? "-" : c.tags.joined(separator: ", ")),
            ("Do not contact", dndDescription(c.dnd)),
        ]
        fields += c.fields.map { ("Field " + $0.key, $0.value) }
        fields += [("Added", c.createdAt.localDescription + " (" + c.createdAt.age(relativeTo: now) + ")"),
                   ("Updated", c.updatedAt.localDescription)]
        let width = fields.map { $0.0.count }.max() ?? 0
        var lines: [CommandOutput.Line] = [.heading("\(c.id)  \(c.displayName)")]
        lines += fields.map { .plain("  " + $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1) }
        lines.append(.plain(""))
        lines.append(.heading("Notes (\(notes.count))"))
        if notes.isEmpty { lines.append(.dim("  none")) }
        for note in notes {
            lines.append(.dim("  \(note.id)  \(note.at.localDescription)  \(note.author)" + (note.editedAt.map { "  (edited \($0.localDescription))" } ?? "")))
            for text in note.text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(.plain("    " + text))
            }
        }
        return lines
    }

    static func dndDescription(_ dnd: DoNotContact) -> String {
        if dnd.isEmpty { return dnd.inbound ? "inbound only" : "-" }
        let channels = dnd.all ? "all channels" : dnd.channels.joined(separator: ", ")
        return channels + (dnd.inbound ? " (inbound too)" : "")
    }
}
