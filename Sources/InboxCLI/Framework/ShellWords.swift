import InboxCore

/// Splits a batch line into words the way a POSIX shell quotes, without any expansion:
/// 'single quotes' are literal, "double quotes" allow \\" \\\\ \\$ \\`, a backslash outside
/// quotes escapes the next character, and # at the start of a word begins a comment.
enum ShellWords {
    /// A word as a user would type it at a shell: as it is when nothing in it needs quoting,
    /// else in double quotes (for suggestions in messages).
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=+@,".contains($0)) }
        if plain { return word }
        var out = "\""
        for c in word {
            if "\"\\$`".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    static func split(_ line: String) throws(InboxError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            switch c {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "#" where !inWord:
                return words
            case "'":
                inWord = true
                guard let end = chars.firstIndex(of: "'") else { throw InboxError.usage("unterminated ' quote") }
                current += String(chars[chars.startIndex..<end])
                chars = chars[(end + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let next = chars.first, "\"\\$`".contains(next) { current.append(next); chars = chars.dropFirst(); continue }
                    current.append(d)
                }
                guard closed else { throw InboxError.usage("unterminated \" quote") }
            case "\\":
                inWord = true
                guard let next = chars.popFirst() else { throw InboxError.usage("a line cannot end with \\") }
                current.append(next)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
