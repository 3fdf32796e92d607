/// fsck for the word index: every file (the buckets and the recent file) is what the messages
/// make it, given the last message id issued.
extension Checker {
    mutating func checkWordIndex(_ built: WordIndex.Builder) throws(InboxError) {
        let wanted = built.encoded()
        for path in Set(try WordIndex.allFiles(in: session)).union(wanted.keys).sorted() where try session.bytes(path) ?? [] != wanted[path] ?? [] {
            problem(path, nil, "the word index that search reads does not match the messages (\(Remedy.repair(effect: "rebuilds it")))", derivable: true)
        }
    }
}
