@testable import InboxCore
import XCTest

/// fsck hashes the words of an ASCII message straight from its bytes; the hits must be those
/// `WordIndex.words(of:)` gives, word for word, or a sound word index would be reported stale
/// (or a stale one pass).
final class FsckWordHashTests: XCTestCase {
    let conversation = Conversation(id: "cv7", contact: "ct3", channel: .sms, subject: nil, createdAt: Timestamp(seconds: 0))

    func message(_ text: String, attachments: [String] = []) -> Message {
        var m = Message(id: "ms42", conversation: conversation, direction: .inbound, kind: .message, text: text, at: Timestamp(seconds: 0))
        m.attachments = attachments.map { Attachment(name: $0, sha256: String(repeating: "a", count: 64), size: 1, kind: .document) }
        return m
    }

    /// The hits as the words the index is built from give them.
    func expected(_ m: Message) -> [UInt64] {
        let hit = WordIndexDigest.hitHash(m.id.utf8, m.conversation.utf8)
        return WordIndex.words(of: m).map { word in
            let (bucket, h) = WordIndexDigest.wordHashes(word.utf8)
            return UInt64(bucket) << 56 ^ WordIndexDigest.mix(h &+ hit)
        }
    }

    func testASCIIHitsAreTheWordsHits() {
        let long = String(repeating: "x", count: SearchText.longestWord)
        let texts = ["", "Hello, hello HELLO world", "Quarterly figures attached.", "a1 b2 a1 A1 99 x_y-z", "\(long) \(long)y tail",
                     (0..<200).map { "w\($0 % 70)" }.joined(separator: " "), "  leading and trailing  ", "tab\tnew\nline"]
        for text in texts {
            for names in [[], ["Invoice 2026.pdf", "hello.txt"]] {
                let m = message(text, attachments: names)
                guard let hits = MessageWords.asciiHits(m, hit: WordIndexDigest.hitHash(m.id.utf8, m.conversation.utf8)) else {
                    return XCTFail("\(text) is ASCII")
                }
                XCTAssertEqual(hits.map { UInt64($0.bucket) << 56 ^ $0.hash }, expected(m), "\(text) \(names)")
            }
        }
    }

    func testANonASCIIMessageGoesTheLongWay() {
        let m = message("Café au lait")
        XCTAssertNil(MessageWords.asciiHits(m, hit: 0))
        XCTAssertNil(MessageWords.asciiHits(message("plain", attachments: ["résumé.pdf"]), hit: 0))
        let words = MessageWords(m, number: 42, last: 1_000_000)
        XCTAssertEqual(words.hits?.map { UInt64($0.bucket) << 56 ^ $0.hash }, expected(m))
    }

    func testARecentMessageKeepsItsWords() {
        let m = message("Hello world")
        let words = MessageWords(m, number: 42, last: 42)
        XCTAssertNil(words.hits)
        XCTAssertEqual(words.words, ["hello", "world"])
    }
}
