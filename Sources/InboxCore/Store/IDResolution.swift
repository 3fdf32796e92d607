/// Finding a record from what someone typed, and showing an id as short as it can be typed
/// back (git's short hashes are the model).
extension IDSpace {
    /// A record by id or by an unambiguous prefix of one: exit 66 when nothing matches, 64
    /// listing the candidates (at most 11, enough to show ten and say there are more) when
    /// several do. Sequential candidates follow from the counter; minted ones from the shard
    /// the typed text selects (`ctk3…` reads shard k3; `ctk` the shards k0–kz).
    ///
    /// - get: the record with exactly this id, if any.
    /// - idsInShard: the ids in one shard, by its name.
    /// - shards: the shard names present.
    public func resolve<R: IdentifiedRecord>(_ input: String, noun: String, in session: Session,
                                             get: (String) throws(InboxError) -> R?,
                                             idsInShard: (String) throws(InboxError) -> [String],
                                             shards: () throws(InboxError) -> [String]) throws(InboxError) -> R {
        let text = input.trimmingWhitespace().lowercased()
        if let record = try get(text) { return record }
        var found: [R] = []
        for n in IDPrefix.candidates(text, prefix: prefix, last: try Sequences.last(prefix, in: session)) {
            if let record = try get(id(n)) { found.append(record) }
        }
        if found.count < 11 {
            for candidate in try mintedCandidates(text, limit: 11 - found.count, idsInShard: idsInShard, shards: shards) {
                if let record = try get(candidate) { found.append(record) }
            }
        }
        if found.count == 1 { return found[0] }
        if found.count > 1 { throw InboxError.ambiguousID(input: input, candidates: found.map { $0.id }) }
        throw InboxError.notFound("no \(noun) '\(input)'")
    }

    /// Minted ids that begin with `text`, in id order, at most `limit`.
    func mintedCandidates(_ text: String, limit: Int, idsInShard: (String) throws(InboxError) -> [String],
                          shards: () throws(InboxError) -> [String]) throws(InboxError) -> [String] {
        guard text.hasPrefix(prefix), limit > 0 else { return [] }
        let typed = text.utf8.dropFirst(prefix.utf8.count)
        guard typed.count < MintedID.length, typed.isEmpty || MintedID.isBodyPrefix(typed) else { return [] }
        let names: [String]
        if typed.count >= 2 {
            names = [String(decoding: typed.prefix(2), as: UTF8.self)]
        } else {
            let start = String(decoding: typed, as: UTF8.self)
            names = try shards().filter { IDSpace.isMintedShard(Substring($0)) && $0.hasPrefix(start) }.sorted()
        }
        var out: [String] = []
        for name in names {
            out += try idsInShard(name).filter { $0.hasPrefix(text) && mintedBody(of: $0) != nil }.sorted()
            if out.count >= limit { break }
        }
        return Array(out.prefix(limit))
    }

    /// A minted id cut to the shortest prefix no other id of `shardIDs` (its shard's ids, the
    /// only ones that can share two or more body characters with it) begins with, and at least
    /// `MintedID.shortLength` body characters; a sequential id whole.
    public func short(_ id: String, among shardIDs: [String]) -> String {
        // An id no record has (in an error message) stays whole: its short form would name nothing.
        guard mintedBody(of: id) != nil, shardIDs.contains(id) else { return id }
        let mine = Array(id.utf8)
        var shared = 0
        for other in shardIDs where other != id {
            var i = 0
            for byte in other.utf8 {
                guard i < mine.count, mine[i] == byte else { break }
                i += 1
            }
            shared = max(shared, i)
        }
        let length = min(mine.count, max(prefix.utf8.count + MintedID.shortLength, shared + 1))
        return String(decoding: mine.prefix(length), as: UTF8.self)
    }
}

/// Minted ids in text for people, cut to their short form (`IDSpace.short`): contacts,
/// conversations, tasks and messages, whose prefixes resolve. Note and log ids are only ever
/// typed whole, so they stay whole. JSON, `-q` and exports carry full ids and never come here.
public struct IDDisplay {
    let session: Session
    private var cache: [String: String] = [:]

    public init(session: Session) { self.session = session }

    /// Whether `text` may hold a minted id: a cheap test that spares the lock and the shard
    /// reads for output that has none (every repository that is not shared).
    public static func mayHoldMintedID(_ text: String) -> Bool {
        guard text.utf8.count >= 2 + MintedID.length else { return false }
        let bytes = Array(text.utf8)
        var start = 0
        for end in 0...bytes.count where end == bytes.count || !isWord(bytes[end]) {
            if end - start == 2 + MintedID.length, MintedID.isBody(bytes[(start + 2)..<end]) { return true }
            start = end + 1
        }
        return false
    }

    static func isWord(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }

    public mutating func shorten(_ text: String) throws(InboxError) -> String {
        guard IDDisplay.mayHoldMintedID(text) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let width = 2 + MintedID.length
        let isWord = IDDisplay.isWord
        while i < bytes.count {
            if i + width <= bytes.count, i == 0 || !isWord(bytes[i - 1]), i + width == bytes.count || !isWord(bytes[i + width]) {
                let token = String(decoding: bytes[i..<(i + width)], as: UTF8.self)
                if let short = try short(token) {
                    out += Array(short.utf8)
                    i += width
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func short(_ token: String) throws(InboxError) -> String? {
        if let known = cache[token] { return known }
        let result: String?
        switch token.prefix(2) {
        case Contacts.table.prefix where Contacts.table.ids.mintedBody(of: token) != nil: result = try Contacts.table.short(token, in: session)
        case Conversations.table.prefix where Conversations.table.ids.mintedBody(of: token) != nil: result = try Conversations.table.short(token, in: session)
        case Tasks.table.prefix where Tasks.table.ids.mintedBody(of: token) != nil: result = try Tasks.table.short(token, in: session)
        case Messages.prefix where Messages.ids.mintedBody(of: token) != nil: result = try Messages.short(token, in: session)
        default: result = nil
        }
        cache[token] = result
        return result
    }
}
