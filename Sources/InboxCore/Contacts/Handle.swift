/// A contact's username on a channel that addresses people by handle (Instagram, Telegram,
/// Facebook Messenger): what a send on that channel goes to.
public enum Handle {
    public static let channels: [Channel] = [.instagram, .telegram, .facebook]

    public static func name(_ channel: Channel) -> String {
        switch channel {
        case .instagram: return "Instagram"
        case .telegram: return "Telegram"
        case .facebook: return "Facebook"
        default: return channel.rawValue
        }
    }

    /// `@Ada.Lovelace` → `ada.lovelace`: these services ignore case, and the @ is not part of
    /// the name. Letters, digits, dots and underscores, up to 64.
    public static func normalize(_ text: String, channel: Channel) throws(InboxError) -> String {
        var handle = text.trimmingWhitespace()
        if handle.hasPrefix("@") { handle.removeFirst() }
        handle = handle.lowercased()
        let allowed = !handle.isEmpty && handle.utf8.count <= 64
            && handle.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" }
        guard allowed else {
            throw InboxError.usage("'\(text)' is not a valid \(name(channel)) username (letters, digits, '.' and '_', up to 64; the @ may be left out)")
        }
        return handle
    }
}
