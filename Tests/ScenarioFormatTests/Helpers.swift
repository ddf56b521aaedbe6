import ScenarioFormat

/// The rendered lines of what parsing `text` as file "s.yaml" threw, or [] if it parsed.
func parseProblems(_ text: String, limits: ParseLimits = ParseLimits()) -> [String] {
    do {
        _ = try YAMLNode.parse(text, file: "s.yaml", limits: limits)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// Parses `text`, which the test expects to be valid.
func parsed(_ text: String, file: String = "s.yaml") throws -> YAMLNode {
    try YAMLNode.parse(text, file: file)
}

/// The rendered lines of validating `text` against `schema`.
func validationProblems(_ text: String, _ schema: Schema) throws -> [String] {
    validate(try parsed(text), against: schema).sorted().map(\.description)
}

/// The message a quantity's text is refused with, or nil if it parses.
func quantityProblem(_ kind: QuantityKind, _ text: String, _ bounds: QuantityBounds = .nonNegative) -> String? {
    do {
        _ = try kind.parse(text, bounds: bounds)
        return nil
    } catch {
        return error.message
    }
}
