#if canImport(Glibc)
import Glibc
#endif

/// How much the tool reads from standard input or from a file the user names (issue 10,
/// item 9). An endless stream (`< /dev/zero`) or a stray huge file is refused once it passes
/// the limit, with exit 65 naming `INPUT:LINE`, instead of filling memory until the process
/// is killed. Files are measured with fstat before they are read.
public enum InputLimits {
    public static let mebibyte = 1 << 20

    /// A text read from standard input (`message send -`, `contact note -`, …).
    public static let textBytes = 1 * mebibyte
    /// One line of a batch script or of ids read from standard input.
    public static let lineBytes = 1 * mebibyte
    /// A whole batch script, or a list of ids.
    public static let batchBytes = 64 * mebibyte
    /// A whole import, from a file or standard input.
    public static let importBytes = 256 * mebibyte
    /// One line of an import: room for the longest line export writes, an attachment of the
    /// largest size (100 MiB) as base64 (133.4 MiB) in its JSON.
    public static let importLineBytes = 140 * mebibyte

    /// "1 MiB", "256 MiB", or bytes for anything smaller.
    public static func describe(_ bytes: Int) -> String {
        bytes >= mebibyte && bytes % mebibyte == 0 ? "\(bytes / mebibyte) MiB" : "\(bytes) bytes"
    }

    /// Checks input read with a limit (at most `limit + 1` bytes, so more than `limit` means it
    /// went on): the first line longer than `lineLimit`, else the input as a whole, is bad data
    /// naming `input:LINE`.
    public static func check(_ bytes: [UInt8], input: String, limit: Int, lineLimit: Int? = nil, what: String) throws(InboxError) {
        var line = 1
        if let lineLimit {
            // memchr: this runs over up to 256 MiB, and a byte loop is slow in debug builds.
            let longest: (line: Int, length: Int)? = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return nil }
                var start = 0
                while start <= raw.count {
                    let end = memchr(base + start, 0x0A, raw.count - start).map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? raw.count
                    if end - start > lineLimit { return (line, end - start) }
                    if end == raw.count { break }
                    line += 1
                    start = end + 1
                }
                return nil
            }
            if let longest { throw tooLong(input, longest.line, lineLimit) }
        }
        if bytes.count > limit {
            throw InboxError.badData(path: input, line: line, reason: "\(what) is longer than \(describe(limit)), the most that is read")
        }
    }

    static func tooLong(_ input: String, _ line: Int, _ limit: Int) -> InboxError {
        .badData(path: input, line: line, reason: "line is longer than \(describe(limit)), the most a line may hold")
    }
}
