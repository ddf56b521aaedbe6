/// Checks `node` against `schema` and returns every problem found, in document order.
///
/// Unknown keys (with a "did you mean" suggestion), missing required keys (reported at the
/// mapping), wrong types, values out of range, bad quantities and templates are all collected in
/// one pass. Use of a deprecated key is a warning.
public func validate(_ node: YAMLNode, against schema: Schema) -> [ScenarioDiagnostic] {
    var diagnostics: [ScenarioDiagnostic] = []
    validate(node, schema, into: &diagnostics)
    return diagnostics
}

private func validate(_ node: YAMLNode, _ schema: Schema, into diagnostics: inout [ScenarioDiagnostic]) {
    func error(_ message: String, value: String? = node.scalarText, expected: String? = schema.expected) {
        diagnostics.append(.error(at: node, message, value: value, expected: expected))
    }
    func wrongType() { error("expected \(schema.expected), found \(node.foundDescription)") }

    switch schema.kind {
    case .object(let fields, let additional):
        guard let entries = node.entries else { return wrongType() }
        let names = fields.map(\.name)
        for entry in entries {
            if let field = fields.first(where: { $0.name == entry.key }) {
                if let advice = field.deprecation {
                    diagnostics.append(ScenarioDiagnostic(
                        .warning, at: entry.keyLocation, path: entry.value.path, "'\(entry.key)' is deprecated; \(advice)"))
                }
                validate(entry.value, field.schema, into: &diagnostics)
            } else if let additional {
                validate(entry.value, additional, into: &diagnostics)
            } else {
                let message = if let suggestion = closest(to: entry.key, in: names) {
                    "unknown key '\(entry.key)' (did you mean '\(suggestion)'?)"
                } else if names.isEmpty {
                    "unknown key '\(entry.key)'; this mapping takes no keys"
                } else {
                    "unknown key '\(entry.key)'; expected one of " + names.map { "'\($0)'" }.joined(separator: ", ")
                }
                diagnostics.append(ScenarioDiagnostic(
                    .error, at: entry.keyLocation, path: entry.value.path, message, value: entry.key,
                    expected: names.map { "'\($0)'" }.joined(separator: ", ")))
            }
        }
        for field in fields where field.isRequired && !entries.contains(where: { $0.key == field.name }) {
            error("missing required key '\(field.name)'", value: nil, expected: field.schema.expected)
        }

    case .array(let itemSchema, let minItems, let maxItems):
        guard let items = node.items else { return wrongType() }
        if items.count < minItems {
            error("has \(items.count) \(items.count == 1 ? "item" : "items"), fewer than the minimum of \(minItems)", value: nil)
        }
        if let maxItems, items.count > maxItems {
            error("has \(items.count) items, more than the maximum of \(maxItems)", value: nil)
        }
        for item in items { validate(item, itemSchema, into: &diagnostics) }

    case .string(let pattern, let allowed):
        guard let text = node.scalarText, !node.isNull else { return wrongType() }
        if let allowed, !allowed.contains(text) {
            let hint = closest(to: text, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            error("\(quoted(text)) is not allowed\(hint); expected \(schema.expected)")
        }
        if let pattern {
            guard let regex = try? Regex(pattern) else {
                return error("the schema's pattern '\(pattern)' is not a valid regular expression")
            }
            if (try? regex.wholeMatch(in: text)) == nil {
                error("\(quoted(text)) does not match the pattern '\(pattern)'")
            }
        }

    case .integer(let minimum, let maximum):
        guard case .scalar(let text, .plain) = node.content, isIntegerText(text) else { return wrongType() }
        guard let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
            return error("\(text) is too large for an integer")
        }
        if let problem = rangeProblem(Double(value), text: text, minimum.map { (Double($0), String($0)) }, maximum.map { (Double($0), String($0)) }) {
            error(problem)
        }

    case .number(let minimum, let maximum):
        guard case .scalar(let text, .plain) = node.content, let value = plainNumber(text) else { return wrongType() }
        if let problem = rangeProblem(value, text: text, minimum.map { ($0, numberText($0)) }, maximum.map { ($0, numberText($0)) }) {
            error(problem)
        }

    case .boolean:
        guard case .scalar(let text, .plain) = node.content, text == "true" || text == "false" else { return wrongType() }

    case .quantity(let kind, let bounds):
        guard let text = node.scalarText, !node.isNull else { return wrongType() }
        do {
            _ = try kind.parse(text, bounds: bounds)
        } catch let failure {
            error(failure.message, value: failure.value, expected: failure.expected)
        }

    case .nameTemplate:
        guard let text = node.scalarText, !node.isNull else { return wrongType() }
        do {
            _ = try expandNameTemplate(text)
        } catch let failure {
            error(failure.message)
        }

    case .anyOf(let alternatives):
        let fitting = alternatives.filter { admitsType(of: node, $0) }
        if fitting.isEmpty { return wrongType() }
        var firstProblems: [ScenarioDiagnostic] = []
        for (index, alternative) in fitting.enumerated() {
            var problems: [ScenarioDiagnostic] = []
            validate(node, alternative, into: &problems)
            if !problems.contains(where: { $0.severity == .error }) {
                diagnostics += problems
                return
            }
            if index == 0 { firstProblems = problems }
        }
        diagnostics += firstProblems
    }
}

/// "70 is more than the maximum of 64", or nil when `value` is within the limits.
private func rangeProblem(_ value: Double, text: String, _ minimum: (Double, String)?, _ maximum: (Double, String)?) -> String? {
    if let (limit, limitText) = minimum, value < limit { return "\(text) is less than the minimum of \(limitText)" }
    if let (limit, limitText) = maximum, value > limit { return "\(text) is more than the maximum of \(limitText)" }
    return nil
}

/// Whether `node` is of the type `schema` takes (mapping, sequence or scalar), before its contents are checked.
private func admitsType(of node: YAMLNode, _ schema: Schema) -> Bool {
    switch schema.kind {
    case .object: return node.entries != nil
    case .array: return node.items != nil
    case .anyOf(let alternatives): return alternatives.contains { admitsType(of: node, $0) }
    case .integer:
        if case .scalar(let text, .plain) = node.content { return isIntegerText(text) }
        return false
    case .number:
        if case .scalar(let text, .plain) = node.content { return plainNumber(text) != nil }
        return false
    case .boolean:
        if case .scalar(let text, .plain) = node.content { return text == "true" || text == "false" }
        return false
    case .string, .quantity, .nameTemplate:
        return node.scalarText != nil && !node.isNull
    }
}

/// An optional sign, then decimal digits.
func isIntegerText(_ text: String) -> Bool {
    var digits = Substring(text)
    if digits.hasPrefix("-") || digits.hasPrefix("+") { digits = digits.dropFirst() }
    return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
}

/// A finite decimal number written plainly: sign, digits, optional fraction and exponent. Not
/// YAML's `.inf`, `.nan`, hex or octal forms.
func plainNumber(_ text: String) -> Double? {
    guard let first = text.first, first.isASCII, first.isNumber || first == "-" || first == "+",
          text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
          let value = Double(text), value.isFinite else { return nil }
    return value
}
