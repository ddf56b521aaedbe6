/// A YAML value with the place it came from: a scalar, a sequence or a mapping.
///
/// Mappings keep their keys in document order, and every node keeps the file, line and column
/// it was written at, so a problem found long after parsing can still point at its source. After
/// imports are merged, each node keeps the location in the file it came from.
public struct YAMLNode: Hashable, Sendable {
    /// How a scalar was written: plain text may be a number, boolean or null; quoted text
    /// (single, double, literal `|` or folded `>`) is always a string.
    public enum ScalarStyle: Hashable, Sendable {
        case plain
        case quoted
    }

    public enum Content: Hashable, Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
    }

    public var content: Content
    public var location: SourceLocation
    public var path: YAMLPath

    public init(_ content: Content, location: SourceLocation, path: YAMLPath) {
        self.content = content
        self.location = location
        self.path = path
    }
}

/// One key and its value in a mapping, with the key's own location (for unknown-key errors).
public struct YAMLEntry: Hashable, Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: YAMLNode

    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

extension YAMLNode {
    /// The scalar's text, or nil for a sequence or mapping.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The sequence's items, or nil for a scalar or mapping.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The mapping's entries in document order, or nil for a scalar or sequence.
    public var entries: [YAMLEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The value under `key` in a mapping; nil if absent or if this is not a mapping.
    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// True for a plain `~`, `null`, `Null`, `NULL` or nothing at all (`key:`).
    public var isNull: Bool {
        if case .scalar(let text, .plain) = content { return isNullText(text) }
        return false
    }

    /// What this node is, for messages: "a mapping", "a sequence", "null" or the quoted text.
    var foundDescription: String {
        switch content {
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .scalar(let text, .plain) where isNullText(text): text.isEmpty ? "nothing" : "null"
        case .scalar(let text, _): quoted(text)
        }
    }
}

func isNullText(_ text: String) -> Bool {
    text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
}

/// `text` in single quotes for a message, shortened past 60 characters and with line breaks shown.
func quoted(_ text: String) -> String {
    var shown = text.replacingLineBreaks()
    if shown.count > 60 { shown = String(shown.prefix(57)) + "..." }
    return "'" + shown + "'"
}

extension String {
    fileprivate func replacingLineBreaks() -> String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
