import OrderedJSON

/// The JSON Schema (draft 2020-12) for documents described by `schema`, pretty-printed.
///
/// Keys come out in a fixed order and objects refuse unknown keys (`additionalProperties:
/// false`), as the validator does. Quantities are strings with a `pattern`; fractions may also be
/// plain numbers. What JSON Schema cannot say (a quantity's sign or maximum, a template's count)
/// is left to `validate(_:against:)`. A top-level object also takes the loader's `import` key.
public func jsonSchema(of schema: Schema, title: String, id: String) -> String {
    var members: [(String, JSONValue)] = [
        ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
        ("$id", .string(id)),
        ("title", .string(title)),
    ]
    members += schemaMembers(schema, importKey: true)
    return JSONValue.object(members).rendered
}

private func schemaMembers(
    _ schema: Schema, description fieldDescription: String? = nil, defaultText: String? = nil, deprecated: Bool = false,
    importKey: Bool = false
) -> [(String, JSONValue)] {
    var members: [(String, JSONValue)] = []
    if let description = fieldDescription ?? schema.description ?? impliedDescription(schema) {
        members.append(("description", .string(description)))
    }
    switch schema.kind {
    case .object(let fields, let additional):
        members.append(("type", .string("object")))
        var properties: [(String, JSONValue)] = fields.map { field in
            (field.name, .object(schemaMembers(
                field.schema, description: field.description, defaultText: field.defaultText, deprecated: field.deprecation != nil)))
        }
        if importKey {
            properties.append(("import", .object([
                ("description", .string("Files to load first, relative to this one; this file's keys win.")),
                ("anyOf", .array([
                    .object([("type", .string("string"))]),
                    .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                ])),
            ])))
        }
        members.append(("properties", .object(properties)))
        let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        members.append(("additionalProperties", additional.map { .object(schemaMembers($0)) } ?? .bool(false)))
    case .array(let items, let minItems, let maxItems):
        members.append(("type", .string("array")))
        members.append(("items", .object(schemaMembers(items))))
        if minItems > 0 { members.append(("minItems", .integer(Int64(minItems)))) }
        if let maxItems { members.append(("maxItems", .integer(Int64(maxItems)))) }
    case .string(let pattern, let allowed):
        members.append(("type", .string("string")))
        if let pattern { members.append(("pattern", .string("^(?:" + pattern + ")$"))) }
        if let allowed { members.append(("enum", .array(allowed.map(JSONValue.string)))) }
    case .integer(let minimum, let maximum):
        members.append(("type", .string("integer")))
        if let minimum { members.append(("minimum", .integer(Int64(minimum)))) }
        if let maximum { members.append(("maximum", .integer(Int64(maximum)))) }
    case .number(let minimum, let maximum):
        members.append(("type", .string("number")))
        if let minimum { members.append(("minimum", .number(minimum))) }
        if let maximum { members.append(("maximum", .number(maximum))) }
    case .boolean:
        members.append(("type", .string("boolean")))
    case .quantity(let kind, let bounds):
        let text: [(String, JSONValue)] = [
            ("type", .string("string")),
            ("pattern", .string(kind.pattern(allowingNegative: bounds.allowsNegative))),
        ]
        if kind.acceptsPlainNumber {
            var number: [(String, JSONValue)] = [("type", .string("number"))]
            if !bounds.allowsNegative { number.append(("minimum", .integer(0))) }
            number.append(("maximum", .integer(1)))
            members.append(("anyOf", .array([.object(number), .object(text)])))
        } else {
            members += text
        }
    case .nameTemplate:
        members.append(("type", .string("string")))
        members.append(("pattern", .string(nameTemplatePattern)))
    case .anyOf(let alternatives):
        members.append(("anyOf", .array(alternatives.map { .object(schemaMembers($0)) })))
    }
    if let defaultText { members.append(("default", defaultValue(defaultText, schema))) }
    if deprecated { members.append(("deprecated", .bool(true))) }
    return members
}

/// Text without unmatched braces, whose brace groups are number or letter ranges.
let nameTemplatePattern = #"^(?:[^{}]|\{(?:[0-9]+\.\.[0-9]+|[a-z]\.\.[a-z]|[A-Z]\.\.[A-Z])\})*$"#

/// For quantities and templates without a description, what the value looks like.
private func impliedDescription(_ schema: Schema) -> String? {
    switch schema.kind {
    case .quantity(let kind, _): sentence(kind.expected)
    case .nameTemplate: sentence(nameTemplateExpected)
    default: nil
    }
}

/// "a power ..." as "A power ...."
private func sentence(_ phrase: String) -> String { phrase.prefix(1).uppercased() + phrase.dropFirst() + "." }

/// A default written as text, as the JSON value of the field's type.
private func defaultValue(_ text: String, _ schema: Schema) -> JSONValue {
    switch schema.kind {
    case .integer: if let value = Int(text) { return .integer(Int64(value)) }
    case .number: if let value = plainNumber(text) { return .number(value) }
    case .boolean: if text == "true" || text == "false" { return .bool(text == "true") }
    case .quantity(let kind, _) where kind.acceptsPlainNumber: if let value = plainNumber(text) { return .number(value) }
    default: break
    }
    return .string(text)
}
