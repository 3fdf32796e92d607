/// fsck for the word index: every file (the buckets and the recent file) is what the messages
/// make it, given the last message id issued.
extension Checker {
    mutating func checkWordIndex(_ wanted: WordIndexDigest) throws(InboxError) {
        let hint: Explanation = "the word index that search reads does not match the messages (\(Remedy.repair(effect: "rebuilds it")))"
        let paths = Set(try WordIndex.allFiles(in: session)).union(wanted.paths).sorted()
        let recent = wanted.recentBytes() ?? []
        let judged = try judgeEach(paths) { path, bytes in
            let bytes = bytes ?? []
            return (path == WordIndex.recentFile ? bytes == recent : wanted.matches(path, bytes)) ? 0 : nil
        }
        for (path, matched) in zip(paths, judged) where matched == nil { problem(path, nil, hint, derivable: true) }
    }
}

/// What the word index should hold, kept as a digest per bucket file instead of the hits
/// themselves: at a million messages the hits are tens of millions of strings, more memory
/// than fsck may use. A bucket file matches when its lines are exactly as `WordIndex.encode`
/// writes them (words ascending, hits ascending, no escapes) and its hits are, by count and by
/// a sum of 64-bit hashes, those the messages give it.
struct WordIndexDigest {
    struct Sum: Equatable {
        var count = 0
        var hash: UInt64 = 0

        mutating func add(_ h: UInt64) {
            count += 1
            hash = hash &+ h
        }
    }

    /// Numbered blocks: block number × 256 + bucket, in an array up to `arrayLimit` (the hits
    /// of ten million messages are added here), past it (a hand-made ms999999999) in a
    /// dictionary. Minted blocks (a shared clone's `k3`) by path.
    private var numberedArray: [Sum] = []
    private var numbered: [Int: Sum] = [:]
    private static let arrayLimit = 1 << 20
    private var minted: [String: Sum] = [:]
    private(set) var recent: [RecentWords] = []
    /// The last message id issued: it decides which messages are recent.
    let last: Int

    init(last: Int) { self.last = last }

    /// `found`: the message's words as `MessageWords` gives them, on the decoding thread.
    mutating func add(_ message: Message, number: Int?, _ found: MessageWords) {
        if let n = number, let hits = found.hits {
            let block = n / WordIndex.messagesPerBlock * 256
            for (bucket, each) in hits {
                let key = block + Int(bucket)
                if key < WordIndexDigest.arrayLimit {
                    if key >= numberedArray.count { numberedArray += repeatElement(Sum(), count: max(key + 1 - numberedArray.count, 256)) }
                    numberedArray[key].add(each)
                } else {
                    numbered[key, default: Sum()].add(each)
                }
            }
            return
        }
        add(message, words: found.words)
    }

    /// What the messages of a thread file give, as `add` would give it one by one: `hits`
    /// (key: block number × 256 + bucket) of numbered messages, the words of recent ones.
    mutating func add(hits: [(key: Int, hash: UInt64)], recent: [RecentWords]) {
        for (key, each) in hits {
            if key < WordIndexDigest.arrayLimit {
                if key >= numberedArray.count { numberedArray += repeatElement(Sum(), count: max(key + 1 - numberedArray.count, 256)) }
                numberedArray[key].add(each)
            } else {
                numbered[key, default: Sum()].add(each)
            }
        }
        self.recent += recent
    }

    /// `words`: the message's words (`WordIndex.words(of:)`).
    mutating func add(_ message: Message, words: [String]) {
        let number = Messages.number(of: message.id)
        if let n = number, WordIndex.isRecent(n, last: last) {
            recent.append(RecentWords(message: message.id, conversation: message.conversation, words: words))
            return
        }
        let hit = WordIndexDigest.hitHash(message.id.utf8, message.conversation.utf8)
        for word in words {
            let (bucket, h) = WordIndexDigest.wordHashes(word.utf8)
            let each = WordIndexDigest.mix(h &+ hit)
            if let n = number {
                numbered[n / WordIndex.messagesPerBlock * 256 + Int(bucket), default: Sum()].add(each)
            } else {
                minted[WordIndex.file(block: WordIndex.block(ofMessage: message.id), word: word), default: Sum()].add(each)
            }
        }
    }

    func recentBytes() -> [UInt8]? { recent.isEmpty ? nil : JSONLines.encode(recent.sorted { $0.order < $1.order }) }

    /// Every file that should exist.
    var paths: [String] {
        var out = Array(minted.keys)
        for key in numbered.keys.map({ $0 }) + numberedArray.indices.filter({ numberedArray[$0].count > 0 }) {
            out.append(WordIndex.directory + "/" + WordIndex.block(ofNumber: key / 256 * WordIndex.messagesPerBlock) + "/" + WordIndexDigest.hex(UInt8(key % 256)) + ".jsonl")
        }
        if !recent.isEmpty { out.append(WordIndex.recentFile) }
        return out
    }

    /// What `path` should hold, by its name (`index/words/0012/a7.jsonl`).
    func wanted(_ path: String) -> Sum {
        if let sum = minted[path] { return sum }
        let parts = path.split(separator: "/")
        guard parts.count == 4, let block = Int(parts[2]), parts[2].count >= 4, parts[3].count == 8, parts[3].hasSuffix(".jsonl"),
              let bucket = UInt8(parts[3].prefix(2), radix: 16), WordIndexDigest.hex(bucket) == parts[3].prefix(2),
              WordIndex.block(ofNumber: block * WordIndex.messagesPerBlock) == parts[2] else { return Sum() }
        let key = block * 256 + Int(bucket)
        return key < numberedArray.count ? numberedArray[key] : numbered[key] ?? Sum()
    }

    /// Whether a bucket file's bytes are what the messages give it.
    func matches(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard let have = WordIndexDigest.digest(bytes) else { return false }
        return have == wanted(path)
    }

    /// The count and hash sum of a bucket file's hits; nil when a line is not as the index
    /// writes it or lines or hits are out of order (then it cannot match).
    static func digest(_ bytes: [UInt8]) -> Sum? {
        var sum = Sum()
        let wordStart = Array(#"{"word":""#.utf8), hitsStart = Array(#"","hits":""#.utf8), end = Array("\"}".utf8)
        let sound: Bool = bytes.withUnsafeBufferPointer { b in
            var i = 0
            var previousWord: UnsafeBufferPointer<UInt8>?
            func expect(_ literal: [UInt8]) -> Bool {
                guard i + literal.count <= b.count else { return false }
                for k in 0..<literal.count where b[i + k] != literal[k] { return false }
                i += literal.count
                return true
            }
            /// Up to the next quote; nil at an escape, a control byte or the end.
            func plain() -> UnsafeBufferPointer<UInt8>? {
                let start = i
                while i < b.count, b[i] != 0x22 {
                    if b[i] == 0x5C || b[i] < 0x20 { return nil }
                    i += 1
                }
                return i < b.count ? UnsafeBufferPointer(rebasing: b[start..<i]) : nil
            }
            while i < b.count {
                guard expect(wordStart), let word = plain(), !word.isEmpty, expect(hitsStart), let hits = plain(), !hits.isEmpty,
                      expect(end), i < b.count, b[i] == 0x0A else { return false }
                i += 1
                if let previous = previousWord, !previous.lexicographicallyPrecedes(word) { return false }
                previousWord = word
                let h = wordHashes(word).hash
                var previous: (Int, UnsafeBufferPointer<UInt8>)?
                for item in hits.split(separator: 0x20, omittingEmptySubsequences: false) {
                    guard let slash = item.firstIndex(of: 0x2F), slash > item.startIndex, slash < item.endIndex - 1 else { return false }
                    let message = UnsafeBufferPointer(rebasing: item[..<slash])
                    let order = (messageNumber(message), message)
                    if let p = previous, !(p.0 < order.0 || (p.0 == order.0 && p.1.lexicographicallyPrecedes(order.1))) { return false }
                    previous = order
                    sum.add(mix(h &+ hitHash(message, item[(slash + 1)...])))
                }
            }
            return true
        }
        return sound ? sum : nil
    }

    /// `ms42` → 42, as `Messages.number` reads it; 0 for anything else (a minted id).
    static func messageNumber(_ id: UnsafeBufferPointer<UInt8>) -> Int {
        guard id.count > 2, id.count <= 2 + IDPrefix.maxDigits, id[0] == UInt8(ascii: "m"), id[1] == UInt8(ascii: "s"),
              id[2] != UInt8(ascii: "0") else { return 0 }
        var n = 0
        for byte in id.dropFirst(2) {
            guard byte >= 0x30 && byte <= 0x39 else { return 0 }
            n = n * 10 + Int(byte - 0x30)
        }
        return n
    }

    /// The bucket (as `WordIndex.bucket`, FNV-1a 32) and a 64-bit hash of a word's bytes.
    static func wordHashes<Bytes: Sequence>(_ bytes: Bytes) -> (bucket: UInt8, hash: UInt64) where Bytes.Element == UInt8 {
        var small: UInt32 = 0x811C_9DC5
        var large: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            small = (small ^ UInt32(byte)) &* 0x0100_0193
            large = (large ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return (UInt8(small & 0xFF), large)
    }

    static func hitHash<M: Sequence, C: Sequence>(_ message: M, _ conversation: C) -> UInt64 where M.Element == UInt8, C.Element == UInt8 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for byte in message { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h = mix(h)
        for byte in conversation { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return mix(h ^ 0x2F)
    }

    /// SplitMix64's finaliser: spreads every input bit over the whole word.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

/// What the word digest takes of one message, found on the decoding thread. A numbered message
/// that is not recent gives each distinct word's bucket and the hash of its hit (`hits`);
/// another gives its words, as the recent file and minted blocks name them.
struct MessageWords: Sendable {
    var words: [String] = []
    var hits: [(bucket: UInt8, hash: UInt64)]?

    init(_ m: __shared Message, number: Int?, last: Int) {
        guard let n = number, !WordIndex.isRecent(n, last: last) else {
            words = WordIndex.words(of: m)
            return
        }
        let hit = WordIndexDigest.hitHash(m.id.utf8, m.conversation.utf8)
        if let hashed = MessageWords.asciiHits(m, hit: hit) {
            hits = hashed
        } else {
            hits = WordIndex.words(of: m).map { word in
                let (bucket, h) = WordIndexDigest.wordHashes(word.utf8)
                return (bucket, WordIndexDigest.mix(h &+ hit))
            }
        }
    }

    /// The hits of an all-ASCII message's words, hashed from its bytes as `SearchText.words`
    /// cuts them (runs of letters and digits, lower-cased, at most `longestWord` bytes, each
    /// once) without making a string of each; nil when a byte is not ASCII. A word already
    /// seen is known by its 64-bit hash.
    static func asciiHits(_ m: Message, hit: UInt64) -> [(bucket: UInt8, hash: UInt64)]? {
        var words = AsciiWords(hit: hit)
        guard words.scan(m.text) else { return nil }
        for a in m.attachments { guard words.scan(a.name) else { return nil } }
        return words.out
    }
}

/// `MessageWords.asciiHits`' state: a struct, not variables its loop's closures capture (each
/// access to those was a heap box and an exclusivity check, per byte).
private struct AsciiWords {
    let hit: UInt64
    var out: [(bucket: UInt8, hash: UInt64)] = []
    var seen: [UInt64] = []
    var seenSet = Set<UInt64>()

    init(hit: UInt64) { self.hit = hit }

    /// Adds the words of `text`; false when a byte is not ASCII.
    mutating func scan(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var small: UInt32 = 0x811C_9DC5
            var large: UInt64 = 0xCBF2_9CE4_8422_2325
            var length = 0
            for var byte in bytes {
                switch byte {
                case 0x30...0x39, 0x61...0x7A: break
                case 0x41...0x5A: byte += 0x20
                case 0x80...: return false
                default:
                    end(small, large, length)
                    (small, large, length) = (0x811C_9DC5, 0xCBF2_9CE4_8422_2325, 0)
                    continue
                }
                small = (small ^ UInt32(byte)) &* 0x0100_0193
                large = (large ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                length += 1
            }
            end(small, large, length)
            return true
        }
    }

    /// A word ends: its hit, unless it is too long or already seen (known by its 64-bit hash).
    private mutating func end(_ small: UInt32, _ large: UInt64, _ length: Int) {
        guard length > 0 && length <= SearchText.longestWord else { return }
        if seen.count < 32 {
            guard !seen.contains(large) else { return }
            seen.append(large)
        } else {
            if seenSet.isEmpty { seenSet = Set(seen) }
            guard seenSet.insert(large).inserted else { return }
        }
        out.append((UInt8(small & 0xFF), WordIndexDigest.mix(large &+ hit)))
    }
}

extension WordIndex {
    /// Hits gathered at once when rewriting bucket files, about 40 MB of them: more files
    /// than that are rewritten in further reads of the threads.
    static let hitsPerRepairPass = 1_000_000

    /// Rewrites every file that is not what `wanted` (the messages' digest) says: the recent
    /// file from its lines, each bucket file that differs from the hits of its words, read
    /// from `threads` for those files only, as many at a time as `hitsPerRepairPass` allows.
    /// Returns the files rewritten, in order.
    static func repair(to wanted: WordIndexDigest, threads: [String], in tx: Transaction) throws(InboxError) -> [String] {
        var rewritten: [String] = []
        var differing: [(path: String, hits: Int)] = []
        for path in Set(try allFiles(in: tx)).union(wanted.paths).sorted() {
            let bytes = try tx.bytes(path) ?? []
            if path == recentFile {
                let want = wanted.recentBytes() ?? []
                guard bytes != want else { continue }
                if want.isEmpty { tx.remove(path) } else { tx.stage(path, want) }
                rewritten.append(path)
                continue
            }
            guard !wanted.matches(path, bytes) else { continue }
            let hits = wanted.wanted(path).count
            if hits > 0 {
                differing.append((path, hits))
            } else if !bytes.isEmpty {
                tx.remove(path)
                rewritten.append(path)
            }
        }
        var start = 0
        while start < differing.count {
            var group = Set<String>()
            var blocks = Set<String>()
            var total = 0
            while start < differing.count && (group.isEmpty || total + differing[start].hits <= hitsPerRepairPass) {
                group.insert(differing[start].path)
                blocks.insert(String(differing[start].path.split(separator: "/").dropLast().last ?? ""))
                total += differing[start].hits
                start += 1
            }
            var files: [String: [String: [WordHit]]] = [:]
            try Fsck.forEachThread(threads, in: tx, last: wanted.last) { (thread) throws(InboxError) in
                for (m, number, _) in thread {
                    if let n = number, isRecent(n, last: wanted.last) { continue }
                    let block = number.map(block(ofNumber:)) ?? block(ofMessage: m.id)
                    guard blocks.contains(block) else { continue }
                    let hit = WordHit(message: m.id, conversation: m.conversation, number: number ?? 0)
                    for word in words(of: m) {
                        let path = file(block: block, word: word)
                        if group.contains(path) { files[path, default: [:]][word, default: []].append(hit) }
                    }
                }
            }
            for (path, words) in files {
                tx.stage(path, encode(words.mapValues { hits in hits.sorted { $0.order < $1.order } }))
                rewritten.append(path)
            }
            try tx.limitMemory()
        }
        return rewritten.sorted()
    }
}
