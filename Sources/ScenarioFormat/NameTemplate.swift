/// Why a name template could not be expanded. `message` is the whole sentence.
public struct TemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}

/// What a name template looks like, for messages and schema descriptions.
public let nameTemplateExpected = "a name, or a template like 'r{01..40}' or 'row{a..d}-r{1..3}'"

/// Expands a name template into names, in order.
///
/// `{first..last}` counts upwards through numbers ("r{01..40}": "r01" ... "r40", zero-padded to
/// the width of the first bound) or single letters of one case ("{a..d}"). Several ranges give
/// every combination, the leftmost changing slowest. Text without braces is one name.
public func expandNameTemplate(_ template: String, limit: Int = 1_000_000) throws(TemplateError) -> [String] {
    enum Part { case literal(String), range([String]) }
    func fail(_ problem: String) -> TemplateError {
        TemplateError(message: "\(quoted(template)) \(problem); expected \(nameTemplateExpected)")
    }
    var parts: [Part] = []
    var literal = ""
    var index = template.startIndex
    while index < template.endIndex {
        let character = template[index]
        if character == "}" { throw fail("has a '}' without a '{'") }
        guard character == "{" else {
            literal.append(character)
            index = template.index(after: index)
            continue
        }
        guard let close = template[index...].firstIndex(of: "}") else { throw fail("has a '{' without a '}'") }
        let body = template[template.index(after: index)..<close]
        if body.contains("{") { throw fail("has a '{' without a '}'") }
        let rangeText = "{" + body + "}"
        guard let values = rangeValues(body) else {
            throw fail("has a malformed range '\(rangeText)'")
        }
        if values.isEmpty { throw fail("has a descending range '\(rangeText)' (ranges count upwards)") }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        literal = ""
        parts.append(.range(values))
        index = template.index(after: close)
    }
    if !literal.isEmpty || parts.isEmpty { parts.append(.literal(literal)) }

    var total = 1
    for case .range(let values) in parts {
        let (product, overflow) = total.multipliedReportingOverflow(by: values.count)
        if overflow { throw TemplateError(message: "\(quoted(template)) expands to more names than the limit of \(limit)") }
        total = product
    }
    if total > limit {
        throw TemplateError(message: "\(quoted(template)) expands to \(total) names, more than the limit of \(limit)")
    }
    var names = [""]
    for part in parts {
        switch part {
        case .literal(let text):
            names = names.map { $0 + text }
        case .range(let values):
            names = names.flatMap { prefix in values.map { prefix + $0 } }
        }
    }
    return names
}

/// Expands `template` and checks it names exactly `count` items.
public func expandNameTemplate(_ template: String, count: Int, limit: Int = 1_000_000) throws(TemplateError) -> [String] {
    let names = try expandNameTemplate(template, limit: limit)
    if names.count != count {
        throw TemplateError(message: "\(quoted(template)) names \(names.count) items but count is \(count)")
    }
    return names
}

/// The values of a range body ("01..40", "a..d"): nil when malformed, empty when descending.
private func rangeValues(_ body: Substring) -> [String]? {
    let bounds = body.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false)
    guard bounds.count == 2 else { return nil }
    let first = bounds[0], last = bounds[1]
    if first.allSatisfy(isDigit), last.allSatisfy(isDigit), !first.isEmpty, !last.isEmpty,
       first.count <= 9, last.count <= 9, let low = Int(first), let high = Int(last) {
        guard low <= high else { return [] }
        let width = first.count
        return (low...high).map { value in
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
    if first.count == 1, last.count == 1, let low = first.unicodeScalars.first, let high = last.unicodeScalars.first,
       (("a"..."z").contains(low) && ("a"..."z").contains(high)) || (("A"..."Z").contains(low) && ("A"..."Z").contains(high)) {
        guard low.value <= high.value else { return [] }
        return (low.value...high.value).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
    }
    return nil
}

private func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
