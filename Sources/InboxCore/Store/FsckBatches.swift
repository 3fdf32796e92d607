/// fsck's reading of many files with both cores: the files are read here a batch at a time
/// (the session is not shared) and the pure work on their bytes, decoding records or comparing
/// a derived file with what it should be, is shared by this thread and one started for each
/// batch (`SharedWork`), two batches ahead, so a thread has work while this one reads the next
/// batch or reports. What is reported stays in file order, as one file at a time.
extension Checker {
    /// A file's records decoded on either thread, as `load` would give them, with what `extra`
    /// makes of each record there too.
    struct DecodedFile<R: Sendable, Extra: Sendable>: Sendable {
        var file: String
        /// Nil when the file does not exist.
        var records: [(record: R, line: Int, extra: Extra)]?
        var problems: [(line: Int, reason: String)] = []
    }

    /// Decodes `files` (as `R`) on both threads a batch ahead and gives each to `body` in file
    /// order, its bad lines noted first and the counts kept, as `load` does.
    mutating func decodeEach<R: StoredRecord & Sendable, Extra: Sendable>(
        _ files: [String], as type: R.Type, extra: @escaping @Sendable (R) -> Extra,
        _ body: (inout Checker, String, [(record: R, line: Int, extra: Extra)]) throws(InboxError) -> Void
    ) throws(InboxError) {
        let decode: @Sendable ((file: String, bytes: [UInt8]?)) -> DecodedFile<R, Extra> = { input in
            var decoded = DecodedFile<R, Extra>(file: input.file)
            guard let bytes = input.bytes else { return decoded }
            var records: [(record: R, line: Int, extra: Extra)] = []
            var problems: [(line: Int, reason: String)] = []
            // The handler takes every bad line, so decoding throws nothing.
            try? JSONLines.decodeNumbered(bytes, path: input.file, as: R.self, onProblem: { (line, reason) throws(InboxError) in
                problems.append((line, reason))
            }) { record, line in records.append((record, line, extra(record))) }
            decoded.records = records
            decoded.problems = problems
            return decoded
        }
        var next = 0
        var decoding = [SharedWork(try readBatch(files, &next), decode)]
        while !decoding.isEmpty {
            if next < files.count { decoding.append(SharedWork(try readBatch(files, &next), decode)) }
            for file in decoding.removeFirst().finish() {
                guard let records = file.records else { continue }
                report.filesChecked += 1
                for (line, reason) in file.problems { problem(file.file, line, Explanation(reason)) }
                report.recordsChecked += records.count
                try body(&self, file.file, records)
            }
        }
    }

    /// For each of `files` that holds what it should, how many records; nil for one that does
    /// not. `judge` gives that from the file's bytes (nil when it does not exist), on both
    /// threads, a batch read here ahead of them.
    mutating func judgeEach(_ files: [String], _ judge: @escaping @Sendable (String, [UInt8]?) -> Int?) throws(InboxError) -> [Int?] {
        let work: @Sendable ((file: String, bytes: [UInt8]?)) -> Int? = { judge($0.file, $0.bytes) }
        var out: [Int?] = []
        guard !files.isEmpty else { return out }
        var next = 0
        var judging = [SharedWork(try readBatch(files, &next), work)]
        while !judging.isEmpty {
            if next < files.count { judging.append(SharedWork(try readBatch(files, &next), work)) }
            out += judging.removeFirst().finish()
        }
        return out
    }

    /// The next files from `next`, about a megabyte of them.
    mutating func readBatch(_ files: [String], _ next: inout Int) throws(InboxError) -> [(file: String, bytes: [UInt8]?)] {
        var batch: [(file: String, bytes: [UInt8]?)] = []
        var size = 0
        while next < files.count && (batch.isEmpty || (size < 1 << 20 && batch.count < 256)) {
            let bytes = try session.bytes(files[next])
            size += bytes?.count ?? 0
            batch.append((files[next], bytes))
            next += 1
        }
        return batch
    }
}
