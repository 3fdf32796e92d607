/// What a batch's coming lines (or a flush's coming sends) will read, read on a thread of their
/// own while the lines before them run: the lines run one at a time on one core, and the other
/// now parses their threads (`Messages.warm` stopped the lines every 256 to parse them on both)
/// and indexes the conversation and contact shards their lookups scan (a flush: parses the
/// conversation shards it will change). A hint, as `warm` is: a file that cannot
/// be read or parsed is left for its line to read and report, and one the batch has staged,
/// parsed or indexed meanwhile is not taken (the disk no longer says what the batch sees).
public final class ReadAhead {
    struct Thread: Sendable {
        let path: String
        let size: Int
        let records: [Message]
    }

    /// A shard's line index, handed over once its builder is done with it.
    struct Shard: @unchecked Sendable {
        let path: String
        let index: LineIndex
    }

    /// A conversation shard parsed whole.
    struct Parsed: Sendable {
        let path: String
        let size: Int
        let records: [Conversation]
    }

    /// What the coming work does with conversation shards: a batch's lines look conversations
    /// and contacts up (line indexes of both, skipping shards an earlier read-ahead indexed); a
    /// flush changes the conversations (the shards parsed whole, as `ShardedTable.put` wants).
    public enum Shards: Sendable {
        case indexed(skipping: Set<String>)
        case parsed
    }

    private let work: BackgroundWork<(threads: [Thread], shards: [Shard], parsed: [Parsed])>

    public init(conversations ids: [String], shards reading: Shards, in tx: Transaction) {
        var seen = Set<String>()
        let whole = ids.filter { Conversations.table.shardFile(of: $0) != nil && seen.insert($0).inserted }
        let files = Messages.threadFiles(conversations: whole).filter { !tx.isParsed($0) }
        // The shards to parse whole (a flush's); a batch's lines only look into theirs.
        var seenShards = Set<String>()
        let shardFiles: [String]
        if case .parsed = reading {
            shardFiles = whole.compactMap { Conversations.table.shardFile(of: $0) }.filter { seenShards.insert($0).inserted && !tx.isParsed($0) }
        } else {
            shardFiles = []
        }
        let storePath = tx.repository.store.path
        work = BackgroundWork {
            // Its own descriptors: the store's directory cache belongs to the batch's thread.
            guard !whole.isEmpty, let store = try? StoreDirectory(path: storePath) else { return ([], [], []) }
            var threads: [Thread] = []
            for file in files {
                guard let bytes = try? store.read(file), let records = try? JSONLines.decode(bytes, path: file) as [Message] else { continue }
                threads.append(Thread(path: file, size: bytes.count, records: records))
            }
            switch reading {
            case .indexed(let indexed):
                return (threads, Self.shards(of: whole, skipping: indexed, store), [])
            case .parsed:
                var parsed: [Parsed] = []
                for file in shardFiles {
                    guard let bytes = try? store.read(file), let records = try? JSONLines.decode(bytes, path: file) as [Conversation] else { continue }
                    parsed.append(Parsed(path: file, size: bytes.count, records: records))
                }
                return (threads, [], parsed)
            }
        }
    }

    /// The line indexes of these conversations' shards and of their contacts' shards.
    static func shards(of conversations: [String], skipping indexed: Set<String>, _ store: StoreDirectory) -> [Shard] {
        var done = indexed
        var shards: [Shard] = []
        func index(_ file: String) -> LineIndex? {
            guard done.insert(file).inserted, let bytes = try? store.read(file), let index = try? LineIndex(bytes, path: file) else { return nil }
            shards.append(Shard(path: file, index: index))
            return index
        }
        var built: [String: LineIndex] = [:]
        var contacts: [String] = []
        for id in conversations {
            guard let file = Conversations.table.shardFile(of: id) else { continue }
            if built[file] == nil, let index = index(file) { built[file] = index }
            guard let index = built[file], let line = index.byID[id],
                  let conversation = (try? JSONLines.decode(Array(index.bytes[line.range]) + [0x0A], path: file) as [Conversation])?.first
            else { continue }
            contacts.append(conversation.contact)
        }
        for contact in contacts {
            if let file = Contacts.table.shardFile(of: contact) { _ = index(file) }
        }
        return shards
    }

    /// Hands what was read to the batch's transaction, once the lines before have run, and
    /// returns the shards it indexed.
    @discardableResult
    public func finish(in tx: Transaction) -> Set<String> {
        let (threads, shards, parsed) = work.wait()
        for thread in threads { tx.adopt(thread.records, size: thread.size, for: thread.path) }
        for shard in shards { tx.adopt(shard.index, for: shard.path) }
        for shard in parsed { tx.adopt(shard.records, size: shard.size, for: shard.path) }
        return Set(shards.map(\.path))
    }

    deinit { _ = work.wait() }  // a failed batch does not leave the thread reading
}
