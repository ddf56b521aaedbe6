/// One problem found in a scenario file: where it is, how bad, and what was wrong.
///
/// `message` is the whole sentence shown to a person; it already quotes the offending text and
/// says what was expected. `value` and `expected` repeat those parts for tools.
public struct ScenarioDiagnostic: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The node the problem is about; empty for the document as a whole.
    public var path: YAMLPath
    public var message: String
    /// The offending text, when there is one.
    public var value: String?
    /// What would have been accepted, in words.
    public var expected: String?

    public init(
        _ severity: Severity, at location: SourceLocation, path: YAMLPath = .root, _ message: String,
        value: String? = nil, expected: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
        self.value = value
        self.expected = expected
    }

    /// An error about `node`, at its location and path: for checks made after validation.
    public static func error(at node: YAMLNode, _ message: String, value: String? = nil, expected: String? = nil) -> Self {
        ScenarioDiagnostic(.error, at: node.location, path: node.path, message, value: value, expected: expected)
    }

    /// A warning about `node`, at its location and path.
    public static func warning(at node: YAMLNode, _ message: String) -> Self {
        ScenarioDiagnostic(.warning, at: node.location, path: node.path, message)
    }
}

extension ScenarioDiagnostic: Comparable {
    /// File, line, column, then message: the order diagnostics are reported in.
    public static func < (a: Self, b: Self) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.message != b.message { return a.message < b.message }
        return a.path.description < b.path.description
    }
}

extension ScenarioDiagnostic: CustomStringConvertible {
    /// The one-line form: `file:line:column: error: path: message` (no path for the whole document).
    public var description: String {
        let pathText = path.isRoot ? "" : "\(path): "
        return "\(location): \(severity.rawValue): \(pathText)\(message)"
    }
}
