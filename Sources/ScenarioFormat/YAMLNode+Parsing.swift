import Yams

extension YAMLNode {
    /// Parses one YAML document whose top level must be a mapping.
    ///
    /// `topLevelKeys` only improves the message for an empty file or a top level of the wrong
    /// kind ("expected a mapping with keys 'site', 'workloads'"). Throws every problem found:
    /// syntax errors (one, where libyaml stops), duplicate keys, keys that are not scalars,
    /// and the limits in `limits`.
    public static func parse(
        _ text: String, file: String, topLevelKeys: [String] = [], limits: ParseLimits = ParseLimits()
    ) throws(ScenarioErrors) -> YAMLNode {
        try parse(bytes: Array(text.utf8), file: file, topLevelKeys: topLevelKeys, limits: limits)
    }

    /// Parses raw file contents: as `parse(_:file:)`, after checking the size and that the bytes are UTF-8.
    public static func parse(
        bytes: [UInt8], file: String, topLevelKeys: [String] = [], limits: ParseLimits = ParseLimits()
    ) throws(ScenarioErrors) -> YAMLNode {
        let start = SourceLocation.start(of: file)
        func fail(_ location: SourceLocation, _ message: String, expected: String? = nil) -> ScenarioErrors {
            ScenarioErrors(ScenarioDiagnostic(.error, at: location, message, expected: expected))
        }
        guard bytes.count <= limits.maximumBytes else {
            throw fail(start, "file is \(bytes.count) bytes, more than the limit of \(byteCountText(limits.maximumBytes))")
        }
        let text: String
        switch decodeUTF8(bytes) {
        case .success(let decoded):
            text = decoded
        case .failure(let invalid):
            let location = locationOfByte(at: invalid.offset, in: bytes, file: file)
            throw fail(location, "invalid UTF-8 (byte \(hexByte(bytes[invalid.offset]))); scenario files must be UTF-8 text")
        }
        let expectedTop = topLevelDescription(topLevelKeys)
        let estimate = nestingEstimate(bytes)
        let allowedEstimate = max(limits.maximumDepth, 400)
        if estimate.levels > allowedEstimate {
            throw fail(
                SourceLocation(file: file, line: estimate.line, column: 1),
                "indentation or brackets nest deeper than \(allowedEstimate) levels; the limit is \(limits.maximumDepth) levels"
            )
        }

        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch {
            throw ScenarioErrors(diagnostic(for: error, text: text, file: file, limits: limits))
        }
        guard let composed else {
            throw fail(start, "file is empty; expected \(expectedTop)", expected: expectedTop)
        }
        var converter = Converter(file: file, limits: limits)
        let root = try converter.convert(composed, path: .root, depth: 1)
        if root.entries == nil {
            converter.diagnostics.append(ScenarioDiagnostic(
                .error, at: root.location, "the top level is \(root.foundDescription); expected \(expectedTop)",
                expected: expectedTop))
        }
        if !converter.diagnostics.isEmpty { throw ScenarioErrors(converter.diagnostics) }
        return root
    }
}

/// "a mapping with keys 'a', 'b'", or "a mapping" without keys.
func topLevelDescription(_ keys: [String]) -> String {
    keys.isEmpty ? "a mapping" : "a mapping with keys " + keys.map { "'\($0)'" }.joined(separator: ", ")
}

// MARK: - From Yams nodes to located nodes

/// Turns a Yams tree into `YAMLNode`s: keys to strings, merge keys applied, limits enforced.
private struct Converter {
    let file: String
    let limits: ParseLimits
    var nodeCount = 0
    /// Problems that do not stop the conversion (bad keys, duplicates, bad merges).
    var diagnostics: [ScenarioDiagnostic] = []

    init(file: String, limits: ParseLimits) {
        self.file = file
        self.limits = limits
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Converts `node`; `depth` counts the collections from the root down to and including this one.
    mutating func convert(_ node: Node, path: YAMLPath, depth: Int) throws(ScenarioErrors) -> YAMLNode {
        nodeCount += 1
        if nodeCount > limits.maximumNodes {
            throw ScenarioErrors(ScenarioDiagnostic(
                .error, at: location(node), path: path,
                "the document has more than the limit of \(limits.maximumNodes) nodes after expanding aliases"))
        }
        switch node {
        case .scalar(let scalar):
            let style: YAMLNode.ScalarStyle = scalar.style == .plain || scalar.style == .any ? .plain : .quoted
            return YAMLNode(.scalar(scalar.string, style), location: location(node), path: path)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one is read as text.
            return YAMLNode(.scalar("", .plain), location: location(node), path: path)
        case .sequence(let sequence):
            try checkDepth(depth, node, path)
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, path: path.appending(index: index), depth: depth + 1))
            }
            return YAMLNode(.sequence(items), location: location(node), path: path)
        case .mapping(let mapping):
            try checkDepth(depth, node, path)
            return YAMLNode(.mapping(try entries(of: mapping, path: path, depth: depth)), location: location(node), path: path)
        }
    }

    func checkDepth(_ depth: Int, _ node: Node, _ path: YAMLPath) throws(ScenarioErrors) {
        if depth > limits.maximumDepth {
            throw ScenarioErrors(ScenarioDiagnostic(
                .error, at: location(node), path: path, "nesting is deeper than the limit of \(limits.maximumDepth) levels"))
        }
    }

    /// The mapping's entries in document order, with `<<` merge keys replaced by the entries they
    /// bring in (explicit keys win; among merged mappings the earlier wins, as YAML specifies).
    mutating func entries(of mapping: Node.Mapping, path: YAMLPath, depth: Int) throws(ScenarioErrors) -> [YAMLEntry] {
        enum Slot { case entry(YAMLEntry), merged([YAMLEntry]) }
        var slots: [Slot] = []
        var firstLocation: [String: SourceLocation] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                diagnostics.append(ScenarioDiagnostic(
                    .error, at: location(keyNode), path: path,
                    "a mapping key must be text, found \(keyNode.mapping != nil ? "a mapping" : "a sequence")"))
                continue
            }
            let key = keyScalar.string
            if key == "<<", keyScalar.style == .plain {
                slots.append(.merged(try mergedEntries(valueNode, path: path, depth: depth)))
                continue
            }
            let keyLocation = location(keyNode)
            if let first = firstLocation[key] {
                diagnostics.append(ScenarioDiagnostic(
                    .error, at: keyLocation, path: path.appending(key: key),
                    "duplicate key '\(key)' (first at line \(first.line), column \(first.column))", value: key))
                continue
            }
            firstLocation[key] = keyLocation
            let value = try convert(valueNode, path: path.appending(key: key), depth: depth + 1)
            slots.append(.entry(YAMLEntry(key: key, keyLocation: keyLocation, value: value)))
        }
        var result: [YAMLEntry] = []
        var present = Set(firstLocation.keys)
        for slot in slots {
            switch slot {
            case .entry(let entry):
                result.append(entry)
            case .merged(let merged):
                for entry in merged where !present.contains(entry.key) {
                    present.insert(entry.key)
                    result.append(entry)
                }
            }
        }
        return result
    }

    /// The entries a `<<` value brings in: one mapping, or a sequence of mappings in order.
    mutating func mergedEntries(_ value: Node, path: YAMLPath, depth: Int) throws(ScenarioErrors) -> [YAMLEntry] {
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case .sequence(let sequence) where sequence.allSatisfy({ $0.mapping != nil }): sources = Array(sequence)
        default:
            diagnostics.append(ScenarioDiagnostic(
                .error, at: location(value), path: path,
                "a merge key '<<' takes a mapping or a sequence of mappings"))
            return []
        }
        var merged: [YAMLEntry] = []
        for source in sources {
            // Converted at this mapping's path: the merged keys belong to it.
            merged += try convert(source, path: path, depth: depth).entries ?? []
        }
        return merged
    }
}

// MARK: - Yams errors to diagnostics

private func diagnostic(for error: any Error, text: String, file: String, limits: ParseLimits) -> ScenarioDiagnostic {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
    guard let yamlError = error as? YamlError else {
        return ScenarioDiagnostic(.error, at: .start(of: file), "invalid YAML: \(error)")
    }
    switch yamlError {
    case .scanner(let context, let problem, let mark, _),
         .parser(let context, let problem, let mark, _),
         .composer(let context, let problem, let mark, _):
        if problem == "but found another document" {
            return ScenarioDiagnostic(.error, at: at(mark), "found a second YAML document; a scenario file holds one")
        }
        if problem.hasPrefix("Maximum nesting level reached") {
            return ScenarioDiagnostic(.error, at: at(mark), "nesting is deeper than the limit of \(limits.maximumDepth) levels")
        }
        var message = "invalid YAML: " + problem
        if let context {
            message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        return ScenarioDiagnostic(.error, at: at(mark), message)
    case .reader(let problem, let offset, let value, _):
        let location = offset.map { locationOfCharacter(at: $0, in: text, file: file) } ?? .start(of: file)
        let shown = value >= 0 ? " (U+\(hexDigits(UInt32(value), width: 4)))" : ""
        return ScenarioDiagnostic(.error, at: location, "invalid YAML: \(problem)\(shown)")
    case .duplicatedKeysInMapping(let duplicates, let context):
        let key = duplicates.first ?? ""
        if let second = secondOccurrence(ofKey: key, after: context.mark, in: text) {
            return ScenarioDiagnostic(
                .error, at: SourceLocation(file: file, line: second.line, column: second.column),
                "duplicate key '\(key)' (first at line \(context.mark.line), column \(context.mark.column))", value: key)
        }
        return ScenarioDiagnostic(.error, at: at(context.mark), "key '\(key)' appears more than once in this mapping", value: key)
    default:
        return ScenarioDiagnostic(.error, at: .start(of: file), "could not read YAML: \(yamlError)")
    }
}

/// Where a block-mapping key repeats: the next line at the first key's column that starts with
/// the key and a colon, before the mapping ends (a line less indented). Nil for flow mappings.
private func secondOccurrence(ofKey key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard first.line >= 1, first.line <= lines.count else { return nil }
    let candidates = [key + ":", "\"\(key)\":", "'\(key)':", key + " :"]
    for lineIndex in first.line..<lines.count {
        let scalars = Array(lines[lineIndex].unicodeScalars)
        guard let contentColumn = scalars.firstIndex(where: { $0 != " " && $0 != "-" && $0 != "\r" }) else { continue }
        if scalars[contentColumn] == "#" { continue }
        if contentColumn + 1 < first.column { return nil }
        guard scalars.count >= first.column else { continue }
        var rest = String(String.UnicodeScalarView(scalars[(first.column - 1)...]))
        if rest.hasSuffix("\r") { rest.removeLast() }
        if candidates.contains(where: { rest == $0 || rest.hasPrefix($0 + " ") || rest.hasPrefix($0 + "\t") }) {
            return (lineIndex + 1, first.column)
        }
    }
    return nil
}

// MARK: - Bytes, text and locations

private struct InvalidUTF8: Error { var offset: Int }

/// The bytes as a string, or the offset of the first byte that is not valid UTF-8.
private func decodeUTF8(_ bytes: [UInt8]) -> Result<String, InvalidUTF8> {
    if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded): offset += encoded.count
        case .error: return .failure(InvalidUTF8(offset: offset))
        case .emptyInput: return .failure(InvalidUTF8(offset: min(offset, bytes.count - 1)))
        }
    }
}

/// The line and column (in Unicode scalars) of byte `offset`; the bytes before it are valid UTF-8.
private func locationOfByte(at offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
    var line = 1, column = 1
    for byte in bytes[..<offset] {
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
    return SourceLocation(file: file, line: line, column: column)
}

/// The line and column of the character `offset` characters into `text`.
private func locationOfCharacter(at offset: Int, in text: String, file: String) -> SourceLocation {
    var line = 1, column = 1
    for character in text.prefix(offset) {
        if character == "\n" || character == "\r\n" {
            line += 1
            column = 1
        } else {
            column += character.unicodeScalars.count
        }
    }
    return SourceLocation(file: file, line: line, column: column)
}

func hexByte(_ byte: UInt8) -> String { "0x" + hexDigits(UInt32(byte), width: 2) }

private func hexDigits(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// A cheap upper bound on nesting, from indentation and flow brackets, read before composing.
///
/// Yams composes recursively, so very deep input could exhaust a small thread stack before the
/// exact depth check runs. Quoted text and comments are skipped; block scalars are not, so
/// brackets inside them can only raise the estimate.
private func nestingEstimate(_ bytes: [UInt8]) -> (levels: Int, line: Int) {
    let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
    let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
    let leadBytes: Set<UInt8> = [space, UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":")]
    let tokenStarts: Set<UInt8> = [space, tab, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":"),
                                   UInt8(ascii: "-"), UInt8(ascii: "?")]
    var inDouble = false, inSingle = false, flowDepth = 0
    var worst = (levels: 0, line: 1)
    var line = 1, index = 0
    while index < bytes.count {
        var lead = 0
        if !inDouble && !inSingle {
            while index < bytes.count, leadBytes.contains(bytes[index]) {
                lead += 1
                index += 1
            }
        }
        var previous: UInt8? = nil
        var lineFlowMax = flowDepth
        while index < bytes.count, bytes[index] != newline {
            let byte = bytes[index]
            if inDouble {
                if byte == backslash { index += 1 } else if byte == doubleQuote { inDouble = false }
            } else if inSingle {
                if byte == singleQuote {
                    if index + 1 < bytes.count, bytes[index + 1] == singleQuote { index += 1 } else { inSingle = false }
                }
            } else if byte == UInt8(ascii: "#"), previous == nil || previous == space || previous == tab {
                while index < bytes.count, bytes[index] != newline { index += 1 }
                break
            } else if (byte == doubleQuote || byte == singleQuote), previous.map(tokenStarts.contains) ?? true {
                if byte == doubleQuote { inDouble = true } else { inSingle = true }
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                flowDepth += 1
                lineFlowMax = max(lineFlowMax, flowDepth)
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                flowDepth = max(0, flowDepth - 1)
            }
            previous = byte
            index += 1
        }
        let levels = lead + 1 + lineFlowMax
        if levels > worst.levels { worst = (levels, line) }
        line += 1
        index += 1
    }
    return worst
}
