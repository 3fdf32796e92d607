/// Do-not-contact settings: every channel, or a set of them, plus whether inbound messages
/// and calls are blocked too.
public struct DoNotContact: Equatable, Sendable {
    public var all = false
    /// Sorted channel names (meaningless when `all`).
    public var channels: [String] = []
    public var inbound = false

    public init() {}

    init(_ value: JSONValue, inbound: Bool) throws(JSONParseError) {
        self.inbound = inbound
        switch value {
        case .string("all"): all = true
        case .array(let items):
            for item in items {
                guard case .string(let name) = item, ContactChannel.all.contains(name) else {
                    throw JSONParseError("field \"dnd\" must be \"all\" or a list of channels (\(ContactChannel.all.joined(separator: ", ")))")
                }
                channels.append(name)
            }
        default:
            throw JSONParseError("field \"dnd\" must be \"all\" or a list of channels, found \(value.typeName)")
        }
    }

    public var json: JSONValue { all ? .string("all") : .strings(channels) }

    public func blocks(_ channel: String) -> Bool { all || channels.contains(channel) }

    public var isEmpty: Bool { !all && channels.isEmpty }

    /// The one way `contact dnd` stores a setting: every channel as `all`, else the channels
    /// sorted, each once. A record written otherwise (by hand, an old version, a merge) blocks
    /// the same channels but would "change" on the next `--on` that adds nothing.
    public var canonical: DoNotContact {
        var d = self
        d.channels = all ? [] : Array(Set(channels)).sorted()
        if !all && Set(d.channels) == Set(ContactChannel.all) { d.all = true; d.channels = [] }
        return d
    }
}

extension DoNotContact {
    /// Why a message may not go to `contact` on `channel`, or nil when do-not-contact allows it.
    static func refusal(_ contact: Contact, channel: Channel) -> Explanation? {
        let dndName = channel.rawValue
        guard contact.dnd.blocks(dndName) else { return nil }
        let scope = contact.dnd.all ? "all channels" : dndName
        return "\(contact.id) \(contact.displayName) has do-not-contact on \(scope); nothing was sent (\(Remedy.liftDoNotContact(contact: contact.id, scope: contact.dnd.all ? "all" : dndName)))"
    }
}

extension Contacts {
    /// `fsck --repair`: rewrites each non-canonical do-not-contact in its canonical form, which
    /// blocks exactly the same channels, so nothing anyone set is lost.
    static func canonicaliseDoNotContact(in tx: Transaction) throws(InboxError) -> Int {
        var fixed: [Contact] = []
        for var contact in try table.all(in: tx) where contact.dnd != contact.dnd.canonical {
            contact.dnd = contact.dnd.canonical
            fixed.append(contact)
        }
        if !fixed.isEmpty { try table.put(fixed, in: tx) }
        return fixed.count
    }
}

extension FieldCodec where Value == DoNotContact {
    /// `"all"` or a list of channels; whether inbound is blocked is a field of its own.
    static var doNotContact: FieldCodec {
        FieldCodec(decode: { value, _, _ throws(JSONParseError) in try DoNotContact(value, inbound: false) }, encode: \.json)
    }
}
