#if canImport(Glibc)
import Glibc
#endif

/// One kind of record id (`ct`, `cv`, `ms`, …) and the two shapes its ids take.
///
/// - Sequential (`ct42`): a repository that is not shared numbers its records 1, 2, 3, … from
///   its counter in `sequences.jsonl`. Shard `NNNN` holds numbers NNNN×1000 to NNNN×1000+999.
/// - Minted (`ctk3f9x2m7qa4r`): a shared clone cannot number, as two clones offline would both
///   issue ct43. It mints the prefix and a 12-character body in lowercase base32 (Crockford's
///   alphabet without i l o u) whose first character is a letter, so a minted id never looks
///   like a sequential one. The body is a hash of the clone's own id and its local counter
///   (`MintedID.body`). Shard `k3` (the body's first two characters) holds the ids starting so.
///
/// Both shapes resolve forever; which one a repository mints is `IDSpace.mintsMinted`. Every
/// id parse, shard name and order of the store comes from here.
public struct IDSpace: Sendable {
    public let prefix: String
    /// Sequential ids a shard holds.
    public let perShard: Int

    public init(prefix: String, perShard: Int = 1000) {
        self.prefix = prefix
        self.perShard = perShard
    }

    /// The number of a sequential id (`ct42` → 42); nil for a minted id or anything else.
    public func number(of id: String) -> Int? { IDPrefix.number(of: id, prefix: prefix) }

    public func id(_ number: Int) -> String { prefix + String(number) }

    /// Whether `id` is an id of this kind, of either shape.
    public func isValid(_ id: String) -> Bool { key(of: id) != nil }

    /// The body of a minted id (`ctk3f9x2m7qa4r` → `k3f9x2m7qa4r`); nil for anything else.
    public func mintedBody(of id: String) -> Substring? {
        guard id.hasPrefix(prefix) else { return nil }
        let body = id.utf8.dropFirst(prefix.utf8.count)
        guard MintedID.isBody(body) else { return nil }
        return Substring(id).dropFirst(prefix.count)
    }

    /// Where an id sits inside its shard file: the number of a sequential id, the base32 value
    /// of a minted one (same order as its spelling, as every body has the same length). A shard
    /// holds ids of one shape only, so the two never compare. nil when `id` is neither.
    public func key(of id: String) -> Int? {
        if let n = number(of: id) { return n }
        guard let body = mintedBody(of: id) else { return nil }
        return MintedID.value(of: body)
    }

    /// The name of the shard that holds `id` (`0000`, `0042`, `10000`, or `k3`); nil when `id`
    /// is not one of this kind. Built from the parsed id, never copied from its text beyond
    /// two checked characters, so no id read from a file can name a path.
    public func shard(of id: String) -> String? {
        if let n = number(of: id) { return Timestamp.pad(n / perShard, 4) }
        guard let body = mintedBody(of: id) else { return nil }
        return String(body.prefix(2))
    }

    /// A shard name this kind can produce: `0000`–`9999`, `10000` and up (no leading zero, at
    /// most 10 digits, the longest a 12-digit id maps to), or two minted characters.
    public static func isShardName(_ name: String) -> Bool {
        if name.count == 2 { return MintedID.isBodyPrefix(name.utf8) && name.utf8.count == 2 }
        guard (4...10).contains(name.count), name.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return name.count == 4 || name.first != "0"
    }

    /// Whether a shard name holds minted ids (letters) rather than sequential ones (digits).
    public static func isMintedShard(_ name: Substring) -> Bool { name.utf8.first.map { $0 >= 0x61 } ?? false }

    /// Shard names in the order of the ids they hold: sequential (by number) before minted.
    public static func shardOrder(_ a: String, _ b: String) -> Bool {
        let ma = isMintedShard(Substring(a)), mb = isMintedShard(Substring(b))
        if ma != mb { return !ma }
        return (a.count, a) < (b.count, b)
    }

    /// The store's one total order of ids: sequential ids by number, then minted ids by
    /// spelling, then anything else by spelling (so a hand-made id still sorts somewhere fixed).
    public func order(_ id: String) -> IDOrder {
        if let n = number(of: id) { return IDOrder(shape: 0, value: n, text: "") }
        if let body = mintedBody(of: id) { return IDOrder(shape: 1, value: MintedID.value(of: body), text: "") }
        return IDOrder(shape: 2, value: 0, text: id)
    }

    /// Hands out an id for a new record: the next number where the repository is not shared,
    /// else a minted id from this clone's id and counter. `taken` says whether an id is already
    /// in use (a minted id can collide, once in about 10^17 pairs; the next counter value is
    /// taken then, so a clone never issues an id it holds).
    public func next(in tx: Transaction, taken: (String) throws(InboxError) -> Bool = { _ in false }) throws(InboxError) -> String {
        guard try IDSpace.mintsMinted(tx) else { return id(try Sequences.next(prefix, in: tx).lowerBound) }
        let clone = try CloneID.get(in: tx)
        while true {
            let counter = try Sequences.next(prefix, in: tx).lowerBound
            let minted = prefix + MintedID.body(clone: clone, prefix: prefix, counter: counter)
            if try !taken(minted) { return minted }
        }
    }

    /// True in a shared repository (`inbox init --shared`, `inbox sync init`): those write
    /// `.inbox/.gitattributes`, which is committed, so every clone of it has it too.
    public static func mintsMinted(_ session: Session) throws(InboxError) -> Bool {
        try session.bytes(sharedMarker) != nil
    }

    static let sharedMarker = ".gitattributes"
}

/// The store's total order of ids (`IDSpace.order`).
public struct IDOrder: Comparable, Sendable {
    let shape: Int
    let value: Int
    let text: String

    public static func < (a: IDOrder, b: IDOrder) -> Bool {
        (a.shape, a.value, a.text) < (b.shape, b.value, b.text)
    }
}

/// The body of a minted id: 12 characters of lowercase Crockford base32 (no i l o u), the
/// first a letter. 22 × 32^11 ≈ 2^59.5 bodies: a million records of one kind in one shared
/// inbox leave a chance of about 10^-6 that any two collide (n²/2N), and a clone's own
/// collisions are skipped when minting.
public enum MintedID {
    static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    static let letters: [UInt8] = alphabet.filter { $0 >= 0x61 }
    public static let length = 12
    /// Body characters shown at least (`ctk3f9x2`): 4.5 + 5×5 ≈ 29.5 bits, git's 7 hex digits
    /// (28 bits) in the same role; longer when a shard holds another id sharing them.
    public static let shortLength = 6

    /// The value of each ASCII byte in the alphabet, -1 for those not in it.
    static let digitValue: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        return table
    }()

    static func isBody<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.count == length && isBodyPrefix(bytes)
    }

    /// Whether `bytes` can begin a body: a letter, then alphabet characters.
    static func isBodyPrefix<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, first >= 0x61, first < 0x80, digitValue[Int(first)] >= 0 else { return false }
        return bytes.allSatisfy { $0 < 0x80 && digitValue[Int($0)] >= 0 }
    }

    static func value(of body: Substring) -> Int {
        var v = 0
        for c in body.utf8 { v = v << 5 | digitValue[Int(c)] }
        return v
    }

    /// The body for this clone's `counter`-th id of `prefix`: the first 64 bits of a SHA-256 of
    /// the three, spread over the alphabet (the first character over the letters).
    public static func body(clone: String, prefix: String, counter: Int) -> String {
        var hasher = SHA256()
        hasher.update(Array("\(clone):\(prefix):\(counter)".utf8))
        var v = hasher.finish().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var out = [letters[Int(v % UInt64(letters.count))]]
        v /= UInt64(letters.count)
        for _ in 1..<length {
            out.append(alphabet[Int(v & 31)])
            v >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// This clone's own id, `.inbox/clone-id`: machine-local (never committed, `.gitignore` keeps it
/// out), made once on the first minted id, from `INBOX_SEED` when set (tests give each clone its
/// own, so runs repeat byte for byte) or else from the system's random source.
public enum CloneID {
    public static let file = "clone-id"

    static func get(in tx: Transaction) throws(InboxError) -> String {
        if let bytes = try tx.bytes(file) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
            guard text.utf8.count >= 16, MintedID.isBodyPrefix(text.utf8) else {
                throw InboxError.dataProblems("\(tx.displayPath(file)): not a clone id (delete it and a new one is made on the next new record)")
            }
            return text
        }
        let made = make()
        tx.stage(file, Array((made + "\n").utf8))
        return made
    }

    static func make() -> String {
        var seed: [UInt8]
        if let value = getenv("INBOX_SEED"), case let text = String(cString: value), !text.isEmpty {
            seed = Array(("inbox clone " + text).utf8)
        } else {
            var generator = SystemRandomNumberGenerator()
            seed = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        }
        var hasher = SHA256()
        hasher.update(seed)
        let digest = hasher.finish()
        // 20 characters (100 bits) of the alphabet, the first a letter like a body's.
        var out = [MintedID.letters[Int(digest[0]) % MintedID.letters.count]]
        for byte in digest[1..<20] { out.append(MintedID.alphabet[Int(byte & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
/// Ids that begin with what was typed, for prefix resolution: at most 11, enough to show ten
/// and say there are more. Ids are sequential, so the candidates follow from the last one issued.
public enum IDPrefix {
    /// An id's number has at most 12 digits (ct999999999999). Every number read from input or
    /// from the repository is held to it, so id arithmetic never overflows, and the shard file
    /// an id maps to (number / 1000, or / 100 for messages) has at most 10 digits.
    public static let maxDigits = 12
    public static let maxNumber = 999_999_999_999

    /// The number of an id such as `ct42` (no leading zeros, at most `maxDigits` digits), or nil
    /// when it is not one.
    public static func number(of id: String, prefix: String) -> Int? {
        // By bytes: Character's isNumber looks up Unicode properties, and a flush asks this
        // hundreds of thousands of times.
        let utf8 = id.utf8
        guard utf8.starts(with: prefix.utf8) else { return nil }
        let digits = utf8.dropFirst(prefix.utf8.count)
        guard let first = digits.first, first != UInt8(ascii: "0"), digits.count <= maxDigits else { return nil }
        var number = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return number
    }

    public static func candidates(_ text: String, prefix: String, last: Int) -> [Int] {
        var candidates: [Int] = []
        let digits = text.dropFirst(prefix.count)
        let last = min(last, maxNumber)
        if prefix.hasPrefix(text) {
            candidates = last > 0 ? Array((1...last).prefix(11)) : []
        } else if text.hasPrefix(prefix), digits.count < maxDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let d = Int(digits), d > 0 {
            // d has fewer than 12 digits and low stays within 13, so nothing here can overflow.
            var low = d * 10, width = 10
            while low <= last && candidates.count < 11 {
                candidates += (low...min(low + width - 1, last)).prefix(11 - candidates.count)
                low *= 10
                width *= 10
            }
        }
        return candidates
    }
}
