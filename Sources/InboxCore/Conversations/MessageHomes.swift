/// Each message's conversation, as fsck finds them in the threads: what the message index is
/// checked against, and what finds a message id used twice. A million messages are a million
/// entries, so sequential ids (the common case) are kept as numbers in one array, four bytes a
/// message, rather than as a dictionary of strings.
struct MessageHomes {
    /// Indexed by message number: 0 not seen, c + 1 in conversation cvC, -1 in `others`.
    private var byNumber: [Int32] = []
    private var others: [String: String] = [:]
    private(set) var count = 0
    /// Past this a number goes to `others`: a hand-made ms999999999 must not allocate gigabytes.
    private static let arrayLimit = 1 << 26

    /// Records `message` in `conversation`; false when the message is already recorded.
    mutating func insert(_ message: String, _ conversation: String) -> Bool {
        insert(message, number: Messages.number(of: message), conversation, conversationNumber: Conversations.table.number(of: conversation))
    }

    /// `number`, `conversationNumber`: the ids' numbers, as the caller has them already.
    mutating func insert(_ message: String, number: Int?, _ conversation: String, conversationNumber: Int?) -> Bool {
        if let n = number, n < MessageHomes.arrayLimit {
            if n >= byNumber.count { byNumber += repeatElement(0, count: max(n + 1 - byNumber.count, byNumber.count / 2)) }
            guard byNumber[n] == 0 else { return false }
            if let c = conversationNumber, c < Int(Int32.max) - 1 {
                byNumber[n] = Int32(c + 1)
                count += 1
                return true
            }
            byNumber[n] = -1
        } else if others[message] != nil {
            return false
        }
        others[message] = conversation
        count += 1
        return true
    }

    /// Whether a message numbered `n` is kept in the array (as a number, not a string).
    static func keepsNumbered(message n: Int) -> Bool { n >= 0 && n < arrayLimit }

    /// Whether a conversation numbered `c` can be kept as a message's home in the array.
    static func keepsNumbered(conversation c: Int) -> Bool { c >= 0 && c < Int(Int32.max) - 1 }

    /// Records messages `numbers` (each `keepsNumbered`, none twice) in conversation number
    /// `conversationNumber`, as `insert` would one by one, when none of them is recorded yet;
    /// false, recording nothing, when one is.
    mutating func insert(numbers: [Int], conversationNumber: Int) -> Bool {
        guard MessageHomes.keepsNumbered(conversation: conversationNumber) else { return false }
        for n in numbers {
            guard MessageHomes.keepsNumbered(message: n) else { return false }
            if n < byNumber.count && byNumber[n] != 0 { return false }
        }
        for n in numbers {
            if n >= byNumber.count { byNumber += repeatElement(0, count: max(n + 1 - byNumber.count, byNumber.count / 2)) }
            byNumber[n] = Int32(conversationNumber + 1)
        }
        count += numbers.count
        return true
    }

    /// The conversation `message` was found in, or nil.
    func conversation(of message: String) -> String? {
        if let n = Messages.number(of: message), n < byNumber.count, byNumber[n] != 0 {
            return byNumber[n] > 0 ? Conversations.table.ids.id(Int(byNumber[n]) - 1) : others[message]
        }
        return others[message]
    }

    /// Every message id whose index file `skip` does not take, in no particular order: the
    /// file of a sequential id is asked once for its thousand (as `indexPlan` names them).
    func messages(outside skip: (String) -> Bool) -> [String] {
        var out: [String] = []
        var shard = -1
        var skipping = false
        for n in byNumber.indices where byNumber[n] > 0 {
            if n / 1000 != shard {
                shard = n / 1000
                skipping = skip(Messages.indexFile(forMessage: Messages.ids.id(n)))
            }
            if !skipping { out.append(Messages.ids.id(n)) }
        }
        for message in others.keys where !skip(Messages.indexFile(forMessage: message)) { out.append(message) }
        return out
    }

    /// The message index as it should be: which files, and the lines of the ids kept apart
    /// (minted ones) by file. The lines of sequential ids are made a file at a time (`index`).
    func indexPlan() -> (files: Set<String>, others: [String: [MessageLocation]]) {
        var files = Set<String>()
        var shard = -1
        for n in byNumber.indices where byNumber[n] != 0 && n / 1000 != shard {
            shard = n / 1000
            files.insert(Messages.indexFile(forMessage: Messages.ids.id(n)))
        }
        var others: [String: [MessageLocation]] = [:]
        for (message, conversation) in self.others {
            let file = Messages.indexFile(forMessage: message)
            files.insert(file)
            others[file, default: []].append(MessageLocation(message: message, conversation: conversation))
        }
        return (files, others)
    }

    /// The lines `file` of the message index should hold, in id order.
    func index(_ file: String, others: [String: [MessageLocation]]) -> [MessageLocation] {
        var out: [MessageLocation] = []
        let stem = String(file.split(separator: "/").last?.dropLast(6) ?? "")
        if !IDSpace.isMintedShard(Substring(stem)), let shard = Int(stem), shard >= 0, shard < byNumber.count,
           Messages.ids.shard(of: Messages.ids.id(max(shard * 1000, 1))) == stem {
            for n in shard * 1000..<min((shard + 1) * 1000, byNumber.count) where byNumber[n] > 0 {
                out.append(MessageLocation(message: Messages.ids.id(n), conversation: Conversations.table.ids.id(Int(byNumber[n]) - 1)))
            }
        }
        guard let apart = others[file] else { return out }
        return (out + apart).sorted { Messages.order($0.message) < Messages.order($1.message) }
    }
}
