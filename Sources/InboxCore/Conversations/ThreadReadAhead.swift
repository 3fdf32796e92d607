/// The threads of a batch's coming lines, read and parsed on a thread of their own while the
/// lines before them run: the lines run one at a time on one core, and `Messages.warm`
/// stopped them every 256 lines to parse the next threads on both. A hint, as `warm` is: a
/// thread that cannot be read or parsed is left for its line to read and report, and one the
/// batch has staged or parsed meanwhile is not taken (the disk no longer says what it sees).
public final class ThreadReadAhead {
    struct Thread: Sendable {
        let path: String
        let size: Int
        let records: [Message]
    }

    private let work: BackgroundWork<[Thread]>

    public init(conversations ids: [String], in tx: Transaction) {
        var seen = Set<String>()
        let files = Messages.threadFiles(conversations: ids).filter { seen.insert($0).inserted && !tx.isParsed($0) }
        let storePath = tx.repository.store.path
        work = BackgroundWork {
            // Its own descriptors: the store's directory cache belongs to the batch's thread.
            guard !files.isEmpty, let store = try? StoreDirectory(path: storePath) else { return [] }
            var threads: [Thread] = []
            for file in files {
                guard let bytes = try? store.read(file),
                      let records = try? JSONLines.decode(bytes, path: file) as [Message] else { continue }
                threads.append(Thread(path: file, size: bytes.count, records: records))
            }
            return threads
        }
    }

    /// Hands what was read to the batch's transaction, once the lines before have run.
    public func finish(in tx: Transaction) {
        for thread in work.wait() { tx.adopt(thread.records, size: thread.size, for: thread.path) }
    }

    deinit { _ = work.wait() }  // a failed batch does not leave the thread reading
}
