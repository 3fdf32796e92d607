/// What a command sees of the repository: raw files by relative path, and their records parsed
/// once per command and cached.
public class Session {
    public let repository: Repository
    fileprivate var parsed: [String: Any] = [:]

    init(repository: Repository) { self.repository = repository }

    /// The bytes of `.inbox/RELATIVE`, or nil when the file does not exist.
    public func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        try repository.store.read(relative)
    }

    /// The names in `.inbox/RELATIVE`, leaving out hidden names (temp files start with a dot).
    public func list(_ relative: String) throws(InboxError) -> [String] {
        try storedNames(relative)
    }

    /// The names on disk, whatever a subclass adds to them.
    final func storedNames(_ relative: String) throws(InboxError) -> [String] {
        try repository.store.list(relative).filter { !$0.hasPrefix(".") }
    }

    /// The names in `relative`, plus those of `pending` files (paths relative to `.inbox`) that
    /// would appear there: a journal's temp files for a reader, staged files for a writer.
    func list<Paths: Sequence>(_ relative: String, adding pending: Paths) throws(InboxError) -> [String] where Paths.Element == String {
        var names = Set(try storedNames(relative))
        let prefix = relative + "/"
        for target in pending where target.hasPrefix(prefix) {
            let name = String(target.dropFirst(prefix.count))
            if !name.contains("/") { names.insert(name) }
        }
        return names.sorted()
    }

    /// The records of one file, parsed strictly; an absent file has none.
    public func records<R: StoredRecord>(_ relative: String, as type: R.Type = R.self) throws(InboxError) -> [R] {
        if let cached = parsed[relative] as? [R] { return cached }
        let records: [R]
        if let data = try bytes(relative) {
            records = try JSONLines.decode(data, path: displayPath(relative))
        } else {
            records = []
        }
        parsed[relative] = records
        return records
    }

    func remember<R: StoredRecord>(_ records: [R], for relative: String) {
        parsed[relative] = records
    }

    func forget(_ relative: String) {
        parsed[relative] = nil
    }

    public func displayPath(_ relative: String) -> String {
        repository.path(relative)
    }
}

/// A read-only view under the shared lock.
public final class Snapshot: Session {
    /// Target → temp file of a commit whose journal was written but not fully applied.
    private let overlay: [String: String]

    init(repository: Repository, overlay: [String: String]) {
        self.overlay = overlay
        super.init(repository: repository)
    }

    public override func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        if let temp = overlay[relative], let data = try repository.store.read(temp) {
            return data
        }
        return try super.bytes(relative)
    }

    public override func list(_ relative: String) throws(InboxError) -> [String] {
        try super.list(relative, adding: overlay.keys)
    }
}

/// A change being prepared under the exclusive lock. Nothing reaches the disk until the
/// repository commits it; reads see what was staged.
public final class Transaction: Session {
    private var staged: [String: () -> [UInt8]] = [:]

    /// Replaces a whole file's content.
    public func stage(_ relative: String, _ content: [UInt8]) {
        staged[relative] = { content }
        forget(relative)
    }

    /// Replaces a file's records; they are encoded once, at commit.
    public func stage<R: StoredRecord>(_ relative: String, records: [R]) {
        remember(records, for: relative)
        staged[relative] = { JSONLines.encode(records) }
    }

    public var hasChanges: Bool { !staged.isEmpty }

    /// What has been staged so far, to go back to if a later step fails (batch --keep-going).
    public struct Savepoint {
        fileprivate let staged: [String: () -> [UInt8]]
        fileprivate let parsed: [String: Any]
    }

    public func savepoint() -> Savepoint { Savepoint(staged: staged, parsed: parsed) }

    public func rollback(to savepoint: Savepoint) {
        staged = savepoint.staged
        parsed = savepoint.parsed
    }

    public override func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        if let content = staged[relative] { return content() }
        return try super.bytes(relative)
    }

    public override func list(_ relative: String) throws(InboxError) -> [String] {
        try super.list(relative, adding: staged.keys)
    }

    func stagedFiles() -> [(path: String, content: [UInt8])] {
        staged.keys.sorted().map { ($0, staged[$0]!()) }
    }
}
