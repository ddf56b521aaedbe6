/// Levenshtein distance between two strings, counted in characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidate closest to `word`, ignoring case, within two edits (one for words of up to
/// five characters); the earliest wins ties.
func closest(to word: String, in candidates: [String]) -> String? {
    let maximumDistance = word.count <= 5 ? 1 : 2
    var best: (candidate: String, distance: Int)? = nil
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= maximumDistance, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.candidate
}
