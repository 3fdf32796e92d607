/// The channels a conversation can run on.
public enum Channel: String, CaseIterable, Sendable {
    case sms, email, whatsapp, instagram, telegram, facebook, webchat, imessage
}

/// What do-not-contact can block: every channel, plus phone calls.
public enum ContactChannel {
    public static let all: [String] = Channel.allCases.map(\.rawValue) + ["calls"]

    public static func validated(_ text: String) throws(InboxError) -> String {
        let name = text.lowercased()
        guard all.contains(name) else {
            throw InboxError.usage("unknown channel '\(text)' (expected one of: \(all.joined(separator: ", ")), or all)")
        }
        return name
    }
}
