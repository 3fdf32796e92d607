/// `message list --search` and `conversation list --search`: the messages holding every word of
/// a query, found through the word index (`WordIndex`) and confirmed against each message's own
/// text, so a query reads the index files of its words and the threads of what it finds.
public enum MessageSearch {
    /// The query's words as the index holds them.
    public static func terms(_ query: String) -> [String] { SearchText.words(query) }

    /// Messages holding every term, with their conversations, in message order.
    static func hits(_ terms: [String], in session: Session) throws(InboxError) -> [WordHit] {
        guard !terms.isEmpty else { return [] }
        if let tx = session as? Transaction { try DerivedIndexes.settle(tx) }
        // The recent file speaks for its messages; the buckets for the others.
        let recent = try session.records(WordIndex.recentFile, as: RecentWords.self)
        let overridden = Set(recent.map(\.message))
        var out: [WordHit] = []
        for line in recent where Set(line.words).isSuperset(of: terms) {
            out.append(WordHit(message: line.message, conversation: line.conversation))
        }
        for block in try WordIndex.blocks(in: session) {
            var lists: [[WordHit]] = []
            for term in terms {
                let list = try line(term, in: WordIndex.file(block: block, word: term), session)
                if list.isEmpty { lists = []; break }
                lists.append(list)
            }
            guard !lists.isEmpty else { continue }
            lists.sort { $0.count < $1.count }
            let others = lists.dropFirst().map { Set($0.map(\.message)) }
            out += lists[0].filter { hit in !overridden.contains(hit.message) && others.allSatisfy { $0.contains(hit.message) } }
        }
        return out.sorted { $0.order < $1.order }
    }

    /// The ids of conversations with a message holding every word of `query`; nil when the
    /// query has no words to look for.
    public static func conversations(matching query: String, in session: Session) throws(InboxError) -> Set<String>? {
        let terms = terms(query)
        guard !terms.isEmpty else { return nil }
        return Set(try hits(terms, in: session).map(\.conversation))
    }

    /// The hits on one word's line of `file`. Only that line is read: the lines are found by
    /// their bytes, `{"word":"…","hits":"`, at the start of a line.
    static func line(_ word: String, in file: String, _ session: Session) throws(InboxError) -> [WordHit] {
        guard let bytes = try session.bytes(file) else { return [] }
        let needle = Array(JSONWriter.bytes(.object(JSONObject([("word", .string(word)), ("hits", .string(""))]))).dropLast(2))
        var text: String?
        bytes.withUnsafeBufferPointer { buffer in
            var from = 0
            while let at = ContactSearchIndex.find(needle, in: buffer, from: from) {
                guard at == 0 || buffer[at - 1] == 0x0A else { from = at + 1; continue }
                var end = at + needle.count
                while end < buffer.count && buffer[end] != UInt8(ascii: "\"") { end += 1 }
                text = String(decoding: buffer[(at + needle.count)..<end], as: UTF8.self)
                return
            }
        }
        return text.map(WordIndex.hits) ?? []
    }

    /// Whether `message` holds every term (the index's answer, checked on the message itself).
    static func matches(_ message: Message, _ terms: [String]) -> Bool {
        let words = Set(WordIndex.words(of: message))
        return terms.allSatisfy(words.contains)
    }
}

extension Messages {
    /// The messages holding every word of `query`, within the filter's conversation or contact.
    static func searched(_ query: String, _ filter: MessageFilter, in session: Session) throws(InboxError) -> [Message] {
        let terms = MessageSearch.terms(query)
        guard !terms.isEmpty else { throw InboxError.usage("\(InputField.searchWords) needs a word to look for (letters or digits), not '\(query)'") }
        var hits = try MessageSearch.hits(terms, in: session)
        if let id = filter.conversation {
            let conversation = try Conversations.resolve(id, in: session).id
            hits = hits.filter { $0.conversation == conversation }
        } else if let id = filter.contact {
            let contact = try Contacts.resolve(id, in: session)
            let conversations = Set(try Conversations.of(contact: contact.id, in: session).map(\.id))
            hits = hits.filter { conversations.contains($0.conversation) }
        }
        var byConversation: [String: Set<String>] = [:]
        var order: [String] = []
        for hit in hits {
            if byConversation[hit.conversation] == nil { order.append(hit.conversation) }
            byConversation[hit.conversation, default: []].insert(hit.message)
        }
        var out: [Message] = []
        for conversation in order {
            let wanted = byConversation[conversation]!
            out += try of(conversation, in: session).filter { wanted.contains($0.id) && MessageSearch.matches($0, terms) }
        }
        return out
    }
}
