/// Signatures belong to users (`user edit NAME --signature TEXT`) and go on email only: SMS is
/// billed by the segment and chat channels already show who wrote, and a template (WhatsApp's
/// above all) must go out exactly as approved. The repository's `signature` setting, from
/// before users had their own, stays as the firm-wide fallback for email.
public enum Signature {
    /// The text to append to a message `author` writes on `channel`, or nil for none.
    public static func text(author: String, channel: Channel, usesTemplate: Bool, in session: Session) throws(InboxError) -> String? {
        guard channel.carriesSignature, !usesTemplate else { return nil }
        if let own = try Users.find(author, in: session)?.signature, !own.isEmpty { return own }
        guard let firm = try Config.load(session).signature, !firm.isEmpty else { return nil }
        return firm
    }

    /// The message text with the signature, if any, after a blank line.
    public static func append(to text: String, author: String, channel: Channel, usesTemplate: Bool,
                              in session: Session) throws(InboxError) -> String {
        guard let signature = try Signature.text(author: author, channel: channel, usesTemplate: usesTemplate, in: session) else { return text }
        return text + "\n\n" + signature
    }
}

extension Channel {
    /// Whether a sender's signature is added to messages on this channel (email only).
    public var carriesSignature: Bool { self == .email }

    /// What a sender's address on this channel is, for `--from` and `receive --from`.
    public enum AddressKind: Sendable { case phone, email, phoneOrEmail }

    public var addressKind: AddressKind {
        switch self {
        case .sms, .whatsapp, .imessage: return .phone
        case .email: return .email
        // A widget or bot reports a phone or an email; a send goes to the contact's handle.
        case .instagram, .telegram, .facebook, .webchat: return .phoneOrEmail
        }
    }
}
