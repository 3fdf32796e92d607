#if canImport(Glibc)
import Glibc
#endif

/// What a command sees of the repository: raw files by relative path, and their records parsed
/// once per command and cached.
public class Session {
    public let repository: Repository
    fileprivate var parsed: [String: Any] = [:]
    /// Shards a transaction changes record by record, edited in place (see `Transaction.shard`).
    fileprivate var shards: [String: AnyObject] = [:]
    /// Files read a record at a time, with where each id's line is (see `lineIndex`).
    fileprivate var lineIndexes: [String: LineIndex] = [:]
    fileprivate var scannedOnce: Set<String> = []
    /// Each parsed file's size on disk: what its records roughly cost to hold (`limitMemory`).
    fileprivate var sizes: [String: Int] = [:]

    init(repository: Repository) { self.repository = repository }

    /// The bytes of `.inbox/RELATIVE`, or nil when the file does not exist.
    public func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        try repository.store.read(relative)
    }

    /// The line of `relative` that holds record `id`, found without reading the whole file
    /// (`StoreDirectory.sortedLine`); unsure when this session reads that file from elsewhere
    /// (a journal's temp file, a staged change).
    func sortedLine(_ relative: String, id: String, key: (String) -> Int?) -> StoreDirectory.SortedLookup {
        guard readsFromDisk(relative) else { return .unsure }
        return repository.store.sortedLine(relative, id: id, key: key)
    }

    /// Whether `bytes(relative)` is the file as it is on disk.
    func readsFromDisk(_ relative: String) -> Bool { true }

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
        let stored = try storedNames(relative)
        let prefix = relative + "/"
        // Usually nothing is pending here: the stored names are already sorted.
        guard pending.contains(where: { $0.hasPrefix(prefix) }) else { return stored }
        var names = Set(stored)
        for target in pending where target.hasPrefix(prefix) {
            // A file staged deeper down makes its directory appear (a new thread's `messages/0012/`).
            let rest = target.dropFirst(prefix.count)
            names.insert(String(rest.prefix { $0 != "/" }))
        }
        return names.sorted(by: StoreDirectory.byteOrder)
    }

    /// Whether `relative` is a directory, counting those a staged file would create.
    public func isDirectory(_ relative: String) throws(InboxError) -> Bool {
        try repository.store.kind(relative) == .directory
    }

    /// The records of one file, parsed strictly; an absent file has none.
    public func records<R: StoredRecord>(_ relative: String, as type: R.Type = R.self) throws(InboxError) -> [R] {
        if let shard = shards[relative] as? Shard<R> { return shard.records }
        if let cached = parsed[relative] as? [R] { return cached }
        let records: [R]
        if let data = try bytes(relative) {
            records = try JSONLines.decode(data, path: displayPath(relative))
            sizes[relative] = data.count
        } else {
            records = []
        }
        parsed[relative] = records
        return records
    }

    /// Parses these files on every core (`Parallel.map`), so a bulk change that will read a
    /// hundred shards whole (tagging 100,000 contacts) decodes them at the speed of two cores
    /// instead of one. Reading stays on this thread; the first bad line in file order throws,
    /// as reading them one by one would.
    public func preload<R: StoredRecord>(_ files: [String], as type: R.Type) throws(InboxError) {
        try preload(files, as: type, skippingDamage: false)
    }

    /// `preload` as a hint: a file that cannot be read or parsed is left for the command that
    /// needs it, which then reports it in its place (a batch line, with its line number).
    public func preloadIfSound<R: StoredRecord>(_ files: [String], as type: R.Type) {
        try? preload(files, as: type, skippingDamage: true)
    }

    private func preload<R: StoredRecord>(_ files: [String], as type: R.Type, skippingDamage: Bool) throws(InboxError) {
        var pending: [(path: String, display: String, bytes: [UInt8])] = []
        var seen = Set<String>()
        // Each file once, in the order given: the first damaged one in that order is reported.
        for file in files where seen.insert(file).inserted && !isParsed(file) {
            let read: [UInt8]?
            do throws(InboxError) { read = try bytes(file) } catch { if skippingDamage { continue } else { throw error } }
            guard let bytes = read else { continue }
            pending.append((file, displayPath(file), bytes))
        }
        let decoded = Parallel.map(pending.map { ($0.display, $0.bytes) }) { (display, bytes) -> Result<[R], InboxError> in
            do throws(InboxError) { return .success(try JSONLines.decode(bytes, path: display)) } catch { return .failure(error) }
        }
        for (file, result) in zip(pending, decoded) {
            switch result {
            case .success(let records):
                sizes[file.path] = file.bytes.count
                parsed[file.path] = records
            case .failure(let error):
                if !skippingDamage { throw error }
            }
        }
    }

    /// Whether a file's records were parsed already (then filtering them is cheapest).
    func isParsed(_ relative: String) -> Bool { parsed[relative] != nil || shards[relative] != nil }

    /// A file's bytes with the line each id starts, so a batch that looks up a thousand
    /// contacts one at a time reads and scans their shard once. Built the second time a file
    /// is asked for (nil the first time: one lookup is cheaper as a plain scan, and a listing
    /// asks each shard once) and when the file does not exist.
    func lineIndex(_ relative: String) throws(InboxError) -> LineIndex? {
        if let index = lineIndexes[relative] { return index }
        guard scannedOnce.contains(relative) else {
            scannedOnce.insert(relative)
            return nil
        }
        guard let bytes = try bytes(relative) else { return nil }
        let index = try LineIndex(bytes, path: displayPath(relative))
        lineIndexes[relative] = index
        return index
    }

    func remember<R: StoredRecord>(_ records: [R], for relative: String) {
        shards[relative] = nil
        lineIndexes[relative] = nil
        parsed[relative] = records
    }

    func forget(_ relative: String) {
        shards[relative] = nil
        lineIndexes[relative] = nil
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

    override func readsFromDisk(_ relative: String) -> Bool { overlay[relative] == nil }

    public override func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        if let temp = overlay[relative] {
            if temp == Journal.removedMarker { return nil }
            if let data = try repository.store.read(temp) { return data }
        }
        return try super.bytes(relative)
    }

    public override func isDirectory(_ relative: String) throws(InboxError) -> Bool {
        let prefix = relative + "/"
        if overlay.contains(where: { $0.key.hasPrefix(prefix) && $0.value != Journal.removedMarker }) { return true }
        return try super.isDirectory(relative)
    }

    public override func list(_ relative: String) throws(InboxError) -> [String] {
        let removed = overlay.filter { $0.value == Journal.removedMarker }.keys
        let names = try super.list(relative, adding: overlay.filter { $0.value != Journal.removedMarker }.keys)
        guard !removed.isEmpty else { return names }
        let gone = Set(removed)
        return names.filter { !gone.contains(relative + "/" + $0) }
    }
}

/// A change being prepared under the exclusive lock. Nothing reaches the disk until the
/// repository commits it; reads see what was staged.
public final class Transaction: Session {
    private var staged: [String: Staged] = [:]
    private var spillSerial = 0
    /// When each file was last staged as content, for `limitMemory` (oldest spilled first).
    private var stagedAt: [String: Int] = [:]
    private var stageSerial = 0
    /// The files staged as content, with the bytes each is counted for, and their sum.
    private var heldSizes: [String: Int] = [:]
    private var heldBytes = 0
    /// Set once a savepoint exists: a rollback may go back to a spilled file's earlier temp
    /// file, which a later spill of the same file would have removed.
    private var savepointTaken = false
    /// Above this many bytes of staged files (their size on disk when read), `limitMemory`
    /// writes the oldest to `tmp/`.
    public static let memoryBudget = 64 << 20
    /// Changes the derived files have not followed yet (see `DerivedIndexes`).
    public internal(set) var pendingIndexChanges = PendingIndexChanges()

    fileprivate enum Staged {
        case content(() -> [UInt8])
        case written(temp: String)
        case removal
    }

    /// Takes records parsed elsewhere from a file as stored (`ReadAhead`), unless this
    /// transaction has staged or parsed that file since: then the disk is not what it sees.
    func adopt<R: StoredRecord>(_ records: [R], size: Int, for relative: String) {
        guard staged[relative] == nil, !isParsed(relative) else { return }
        sizes[relative] = size
        parsed[relative] = records
    }

    /// Lets go of the line indexes (whole shards' bytes) once a batch's lines have run; a
    /// lookup at commit reads its shard again. At 1M they held 40 MB of a 250 MB peak.
    public func dropLineIndexes() { lineIndexes.removeAll() }

    /// A line index built elsewhere from a file as stored, taken on the terms of `adopt` above.
    func adopt(_ index: LineIndex, for relative: String) {
        guard staged[relative] == nil, !isParsed(relative), lineIndexes[relative] == nil else { return }
        lineIndexes[relative] = index
    }

    /// Replaces a whole file's content.
    public func stage(_ relative: String, _ content: [UInt8]) {
        dropSpill(relative)
        staged[relative] = .content({ content })
        forget(relative)
        sizes[relative] = content.count
        noteStaged(relative)
    }

    /// Replaces a file's records; they are encoded once, at commit.
    public func stage<R: StoredRecord>(_ relative: String, records: [R]) {
        dropSpill(relative)
        remember(records, for: relative)
        staged[relative] = .content({ JSONLines.encode(records) })
        noteStaged(relative)
    }

    /// A file spilled earlier and now staged anew: its temp file is no longer needed, unless a
    /// savepoint still names it (then the next writer's recovery removes it).
    private func dropSpill(_ relative: String) {
        guard !savepointTaken, case .written(let temp) = staged[relative] else { return }
        try? repository.store.remove(temp)
    }

    /// A file now staged as content: when (for the order of spilling) and how many bytes it
    /// adds to what the transaction holds (kept as a running sum, so `limitMemory` after each
    /// of 10,000 batch lines costs nothing until the budget is passed).
    private func noteStaged(_ relative: String) {
        stageSerial += 1
        stagedAt[relative] = stageSerial
        release(relative)
        let size = sizes[relative] ?? 4096
        heldSizes[relative] = size
        heldBytes += size
    }

    /// A file no longer held as content (spilled, removed).
    private func release(_ relative: String) {
        if let size = heldSizes.removeValue(forKey: relative) { heldBytes -= size }
    }

    /// Staged files wait as records until the commit encodes them, so a change of thousands of
    /// files (a batch of 10,000 sends into 10,000 threads, a flush, the derived indexes they
    /// move) would hold all of them at once. Past `budget` the least recently staged are
    /// spilled to `tmp/` (see `spill`) until half the budget is left, and files that were only
    /// read are dropped (read again if asked): memory follows the budget, not the change.
    /// Does nothing once a savepoint was taken (batch --keep-going).
    public func limitMemory(to budget: Int = Transaction.memoryBudget) throws(InboxError) {
        guard !savepointTaken, heldBytes > budget else { return }
        let oldestFirst = heldSizes.keys.map { (at: stagedAt[$0] ?? 0, path: $0) }.sorted { $0.at < $1.at }
        // The files to spill, oldest first until half the budget is left; encoded on every core
        // (a flush spills thousands of threads), then written here.
        var spilling: [(path: String, encoder: Encoder)] = []
        var left = heldBytes
        for (_, path) in oldestFirst where left > budget / 2 {
            left -= heldSizes[path] ?? 0
            guard case .content(let content) = staged[path] else { release(path); continue }
            spilling.append((path, Encoder(encode: content)))
        }
        let encoded = spilling.count < 16 ? spilling.map { $0.encoder.encode() } : Parallel.map(spilling.map(\.encoder)) { $0.encode() }
        try spill(zip(spilling, encoded).map { ($0.path, $1) })
        for path in parsed.keys where staged[path] == nil { parsed[path] = nil }
        lineIndexes.removeAll()
    }

    /// Removes a file at commit.
    public func remove(_ relative: String) {
        dropSpill(relative)
        release(relative)
        staged[relative] = .removal
        forget(relative)
    }

    /// Writes a file's new content to `tmp/` now, not at commit, so a change of thousands of
    /// files (an upgrade, a fixture) holds none of them in memory. Nothing is decided until the
    /// commit; a writer that dies first leaves temp files the next writer removes.
    public func spill(_ relative: String, _ content: [UInt8]) throws(InboxError) {
        guard StoreDirectory.isInside(relative) else {
            throw InboxError.io(path: displayPath(relative), operation: "write (path outside the repository)", errno: EINVAL)
        }
        spillSerial += 1
        let temp = Journal.tempPath(for: relative, serial: 1_000_000 + spillSerial)
        try repository.store.writeNew(temp, content, mode: try repository.store.mode(relative) ?? 0o600, durable: false)
        if case .written(let old) = staged[relative] { try repository.store.remove(old) }
        staged[relative] = .written(temp: temp)
        release(relative)
        forget(relative)
    }

    /// `spill` of each of `files`; a change of many files has them written on every core.
    func spill(_ files: [(path: String, content: [UInt8])]) throws(InboxError) {
        if files.count < Journal.parallelFiles {
            for file in files { try spill(file.path, file.content) }
        } else {
            try spillAll(files)
        }
    }

    /// `spill` of many files, their temp files written on every core (as a commit writes its
    /// own: see `Journal.commit`). On a failure every temp file of this call is taken back and
    /// nothing is staged differently.
    private func spillAll(_ files: [(path: String, content: [UInt8])]) throws(InboxError) {
        var writes: [(path: String, replacing: String, bytes: [UInt8])] = []
        for file in files {
            guard StoreDirectory.isInside(file.path) else {
                throw InboxError.io(path: displayPath(file.path), operation: "write (path outside the repository)", errno: EINVAL)
            }
            spillSerial += 1
            writes.append((Journal.tempPath(for: file.path, serial: 1_000_000 + spillSerial), file.path, file.content))
        }
        let failures = repository.store.writeAllNew(writes)
        if case let failure?? = failures.first(where: { $0 != nil }) {
            for (write, failed) in zip(writes, failures) where failed == nil { try? repository.store.remove(write.path) }
            throw failure
        }
        for write in writes {
            if case .written(let old) = staged[write.replacing] { try repository.store.remove(old) }
            staged[write.replacing] = .written(temp: write.path)
            release(write.replacing)
            forget(write.replacing)
        }
    }

    public var hasChanges: Bool { !staged.isEmpty }

    /// A shard to change record by record: its records and their id numbers, edited in place
    /// and encoded once at commit. A flush that updates ten thousand conversations would
    /// otherwise copy a shard of a thousand, and parse its ids, for each one.
    func shard<R: StoredRecord>(_ relative: String, as type: R.Type, number: (R) -> Int) throws(InboxError) -> Shard<R> {
        if let shard = shards[relative] as? Shard<R> {
            // Used again: the last to spill (a flush comes back to a conversation shard often).
            stageSerial += 1
            stagedAt[relative] = stageSerial
            return shard
        }
        let records = try self.records(relative, as: R.self)
        let shard = Shard(records: records, numbers: records.map(number))
        // The shard is now the only holder of the records, so edits need no copy.
        parsed[relative] = nil
        shards[relative] = shard
        dropSpill(relative)
        staged[relative] = .content({ JSONLines.encode(shard.records) })
        noteStaged(relative)
        return shard
    }

    /// Removes the files spilled to `tmp/` for a change that will not be committed.
    func discardSpills() {
        for case .written(let temp) in staged.values { try? repository.store.remove(temp) }
    }

    /// What has been staged so far, to go back to if a later step fails (batch --keep-going).
    public struct Savepoint {
        fileprivate let staged: [String: Staged]
        fileprivate let parsed: [String: Any]
        fileprivate let pending: PendingIndexChanges.Position
    }

    /// Costs a copy of two maps of files, not of their records: shards edited in place are
    /// captured as their current values (shared until the next edit copies them), and the
    /// pending index changes as a position in their log.
    public func savepoint() -> Savepoint {
        savepointTaken = true
        var frozenStaged = staged
        var frozenParsed = parsed
        for (file, shard) in shards {
            guard let frozen = (shard as? AnyShard)?.frozen() else { continue }
            frozenParsed[file] = frozen.records
            frozenStaged[file] = .content(frozen.encode)
        }
        return Savepoint(staged: frozenStaged, parsed: frozenParsed, pending: pendingIndexChanges.position)
    }

    public func rollback(to savepoint: Savepoint) {
        staged = savepoint.staged
        parsed = savepoint.parsed
        shards = [:]
        lineIndexes = [:]
        pendingIndexChanges.rollback(to: savepoint.pending)
        heldSizes = [:]
        heldBytes = 0
        for (path, change) in staged {
            guard case .content = change else { continue }
            heldSizes[path] = sizes[path] ?? 4096
            heldBytes += heldSizes[path]!
        }
    }

    override func readsFromDisk(_ relative: String) -> Bool { staged[relative] == nil }

    public override func bytes(_ relative: String) throws(InboxError) -> [UInt8]? {
        switch staged[relative] {
        case .content(let content): return content()
        case .written(let temp): return try repository.store.read(temp)
        case .removal: return nil
        case nil: return try super.bytes(relative)
        }
    }

    public override func isDirectory(_ relative: String) throws(InboxError) -> Bool {
        let prefix = relative + "/"
        if staged.contains(where: { path, change in
            if case .removal = change { return false }
            return path.hasPrefix(prefix)
        }) { return true }
        return try super.isDirectory(relative)
    }

    public override func list(_ relative: String) throws(InboxError) -> [String] {
        let names = try super.list(relative, adding: staged.filter { if case .removal = $0.value { return false } else { return true } }.keys)
        let prefix = relative + "/"
        return names.filter { if case .removal = staged[prefix + $0] { return false } else { return true } }
    }

    /// What the commit writes. Files still held as records are encoded on every core: a bulk
    /// change leaves a hundred shards to encode at once. (Each encoder only reads the records
    /// it was given; nothing else runs while they do.)
    func stagedFiles() -> [(path: String, change: Journal.Change)] {
        let paths = staged.keys.sorted()
        let encoders = paths.map { path -> Encoder? in
            if case .content(let content) = staged[path]! { return Encoder(encode: content) }
            return nil
        }
        // A command's few files are not worth a thread. Handed out alternately: in path order
        // a bulk tag's hundred contact shards (to encode) all came before its hundred index
        // files (bytes already), and one core encoded every shard while the other waited.
        let order = Array(stride(from: 0, to: encoders.count, by: 2)) + Array(stride(from: 1, to: encoders.count, by: 2))
        var contents = [[UInt8]?](repeating: nil, count: encoders.count)
        if encoders.count < 16 {
            contents = encoders.map { $0?.encode() }
        } else {
            for (i, content) in zip(order, Parallel.map(order.map { encoders[$0] }) { $0?.encode() }) { contents[i] = content }
        }
        return zip(paths, contents).map { path, content in
            switch staged[path]! {
            case .content: return (path, .content(content!))
            case .written(let temp): return (path, .written(temp: temp))
            case .removal: return (path, .removal)
            }
        }
    }

    /// A staged file's encoder, handed to another thread by `stagedFiles` and `limitMemory`.
    private struct Encoder: @unchecked Sendable {
        let encode: () -> [UInt8]
    }
}

/// The records of one file being changed in place, with their id numbers (sorted).
final class Shard<R: StoredRecord>: AnyShard {
    var records: [R]
    var numbers: [Int]

    init(records: [R], numbers: [Int]) {
        self.records = records
        self.numbers = numbers
    }

    func frozen() -> (records: Any, encode: () -> [UInt8]) {
        let records = self.records
        return (records, { JSONLines.encode(records) })
    }
}

protocol AnyShard: AnyObject {
    func frozen() -> (records: Any, encode: () -> [UInt8])
}

/// The lines of one file by the id each starts with (`{"id":"ct42",…`, as the store writes
/// them); lines that do not start that way are kept apart, to be parsed to learn their id.
final class LineIndex {
    struct Line { let range: Range<Int>; let number: Int }
    let bytes: [UInt8]
    private(set) var byID: [String: Line] = [:]
    private(set) var unkeyed: [Line] = []

    init(_ bytes: [UInt8], path: String) throws(InboxError) {
        self.bytes = bytes
        var byID: [String: Line] = [:]
        var unkeyed: [Line] = []
        try bytes.withUnsafeBufferPointer { (buffer) throws(InboxError) in
            let base = buffer.baseAddress
            try JSONLines.forEachLine(bytes, path: path) { (content, number) throws(InboxError) in
                let start = content.baseAddress.map { $0 - base! } ?? 0
                let line = Line(range: start..<(start + content.count), number: number)
                // A second line with one id goes with the unkeyed, so parsing finds both.
                if let id = JSONLines.leadingID(content), byID[id] == nil { byID[id] = line } else { unkeyed.append(line) }
            }
        }
        self.byID = byID
        self.unkeyed = unkeyed
    }
}
