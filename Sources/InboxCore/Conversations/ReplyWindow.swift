/// WhatsApp's customer-service window: free text only within 24 hours of the contact's last
/// inbound message; outside it, only an approved template may go.
public enum ReplyWindow {
    public static let seconds: Int64 = 24 * 3600

    /// Why free text may not go on `channel` now, or nil when the window allows it (or the
    /// channel has no window, or the message is a template).
    static func refusal(_ contact: Contact, channel: Channel, conversation: Conversation, usesTemplate: Bool, now: Timestamp) -> Explanation? {
        guard channel == .whatsapp && !usesTemplate else { return nil }
        guard let last = conversation.lastInboundAt else {
            return "WhatsApp allows free text only within 24 hours of the contact's last message, and \(contact.id) has not written on WhatsApp; \(Remedy.sendTemplate)"
        }
        if now.seconds - last.seconds > seconds {
            return "WhatsApp allows free text only within 24 hours of the contact's last message (\(last.age(relativeTo: now))); \(Remedy.sendTemplate)"
        }
        return nil
    }
}
