public import SimKernel

/// Typed reading of a tree that has passed `validate(_:against:)`.
///
/// Each reader returns nil when the key is absent (supply the default with `??`). A value that
/// is present but does not read as asked means the schema and the reading code disagree, which is
/// a programming error: the reader stops with the node's location rather than guess.
extension YAMLNode {
    /// The scalar's text.
    public var stringValue: String {
        guard let text = scalarText else { mismatch("text") }
        return text
    }

    public var intValue: Int {
        guard let text = scalarText, isIntegerText(text), let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        else { mismatch("an integer") }
        return value
    }

    public var doubleValue: Double {
        guard let text = scalarText, let value = plainNumber(text) else { mismatch("a number") }
        return value
    }

    public var boolValue: Bool {
        guard let text = scalarText, text == "true" || text == "false" else { mismatch("true or false") }
        return text == "true"
    }

    /// The quantity in `kind.resultUnit` (seconds for durations; see `durationValue`).
    public func quantityValue(_ kind: QuantityKind) -> Double {
        guard let text = scalarText, let value = try? kind.parse(text, bounds: .any) else { mismatch(kind.expected) }
        return value
    }

    public var durationValue: SimDuration {
        guard let text = scalarText, let value = try? parseDuration(text, bounds: .any) else {
            mismatch(QuantityKind.duration.expected)
        }
        return value
    }

    /// The names a name template expands to.
    public var namesValue: [String] {
        guard let text = scalarText, let names = try? expandNameTemplate(text) else { mismatch(nameTemplateExpected) }
        return names
    }

    public func string(_ key: String) -> String? { self[key]?.stringValue }
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }
    public func quantity(_ kind: QuantityKind, _ key: String) -> Double? { self[key]?.quantityValue(kind) }
    public func duration(_ key: String) -> SimDuration? { self[key]?.durationValue }
    public func names(_ key: String) -> [String]? { self[key]?.namesValue }

    private func mismatch(_ wanted: String) -> Never {
        preconditionFailure("\(location): \(path): read as \(wanted) but found \(foundDescription); validate against the schema first")
    }
}
