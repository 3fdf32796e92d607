/// The channels a conversation can run on.
public enum Channel: String, CaseIterable, Sendable {
    case sms, email, whatsapp, instagram, telegram, facebook, webchat, imessage
}

/// What do-not-contact can block: every channel, plus phone calls.
public enum ContactChannel: RawRepresentable, CaseIterable, Hashable, Sendable {
    case channel(Channel)
    case calls

    public static var allCases: [ContactChannel] { Channel.allCases.map(ContactChannel.channel) + [.calls] }
    /// The names, as stored in a contact's `dnd`.
    public static let all: [String] = allCases.map(\.rawValue)

    public init?(rawValue: String) {
        if rawValue == "calls" { self = .calls } else if let channel = Channel(rawValue: rawValue) { self = .channel(channel) } else { return nil }
    }

    public var rawValue: String {
        switch self {
        case .channel(let channel): return channel.rawValue
        case .calls: return "calls"
        }
    }
}
