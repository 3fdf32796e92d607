/// The rules every outbound message passes, when it is written and again when it is delivered:
/// do-not-contact (`DoNotContact`), then the reply window (`ReplyWindow`).
public enum SendRules {
    /// Nil when the message may go out; otherwise why not (exit 1 / state `blocked`).
    public static func refusal(channel: Channel, contact: Contact, conversation: Conversation, usesTemplate: Bool, now: Timestamp) -> Explanation? {
        DoNotContact.refusal(contact, channel: channel)
            ?? ReplyWindow.refusal(contact, channel: channel, conversation: conversation, usesTemplate: usesTemplate, now: now)
    }
}
