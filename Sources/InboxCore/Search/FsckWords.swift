/// fsck for the word index: the recent file names messages with the words they hold; each
/// bucket, apart from the hits of recent messages, is what the messages make it; and a recent
/// message's hits in the buckets are the words its line says they are (`was`), which a merge
/// takes out.
extension Checker {
    mutating func checkWordIndex(_ built: WordIndex.Builder) throws(InboxError) {
        let hint = "(inbox fsck --repair rebuilds it)"
        let recentFile = WordIndex.recentFile
        let recent = try load(recentFile, as: RecentWords.self)
        let pending = Set(recent.map(\.record.message))
        for (line, number) in recent {
            guard let actual = built.watched[line.message] else {
                problem(recentFile, number, "\(line.message) is not a message \(hint)", derivable: true)
                continue
            }
            if Set(actual.words) != Set(line.words) || actual.conversation != line.conversation {
                problem(recentFile, number, "the words of \(line.message) are not those of its text \(hint)", derivable: true)
            }
        }
        let expected = built.sorted()
        var held: [String: Set<String>] = [:]
        for path in Set(try WordIndex.files(in: session)).union(expected.keys).sorted() {
            var actual: [String: [WordHit]] = [:]
            for (entry, _) in try load(path, as: WordEntry.self) { actual[entry.word] = WordIndex.hits(entry.hits) }
            for (word, hits) in actual {
                for hit in hits where pending.contains(hit.message) { held[hit.message, default: []].insert(word) }
            }
            func settled(_ words: [String: [WordHit]]) -> [String: [WordHit]] {
                words.mapValues { $0.filter { !pending.contains($0.message) } }.filter { !$0.value.isEmpty }
            }
            if WordIndex.encode(settled(actual)) != WordIndex.encode(settled(expected[path] ?? [:])) {
                problem(path, nil, "the word index that search reads does not match the messages \(hint)", derivable: true)
            }
        }
        for (line, number) in recent where held[line.message] ?? [] != Set(line.was) {
            problem(recentFile, number, "the words the index holds for \(line.message) are not those its line says \(hint)", derivable: true)
        }
    }
}

extension WordIndex {
    /// The messages of the recent file (none when it cannot be read: fsck reports its lines).
    static func recentMessages(_ session: Session) -> Set<String> {
        Set(((try? session.records(recentFile, as: RecentWords.self)) ?? []).map(\.message))
    }
}
