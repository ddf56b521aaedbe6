/// The problems that stopped a scenario from loading, sorted into report order.
///
/// May include warnings found alongside the errors. The order is by file, line, column, then
/// message, so the same input always reports the same lines in the same order.
public struct ScenarioErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public let diagnostics: [ScenarioDiagnostic]

    public init(_ diagnostics: [ScenarioDiagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    /// A list with one error in it.
    public init(_ diagnostic: ScenarioDiagnostic) { self.init([diagnostic]) }

    public var errors: [ScenarioDiagnostic] { diagnostics.filter { $0.severity == .error } }

    /// One rendered line per diagnostic.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
