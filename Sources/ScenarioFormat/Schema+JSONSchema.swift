/// The JSON Schema (draft 2020-12) for documents described by `schema`, pretty-printed.
///
/// Keys come out in a fixed order and objects refuse unknown keys (`additionalProperties:
/// false`), as the validator does. Quantities are strings with a `pattern`; fractions may also be
/// plain numbers. What JSON Schema cannot say (a quantity's sign or maximum, a template's count)
/// is left to `validate(_:against:)`. A top-level object also takes the loader's `import` key.
public func jsonSchema(of schema: Schema, title: String, id: String) -> String {
    var members = [
        JSONMember("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
        JSONMember("$id", .string(id)),
        JSONMember("title", .string(title)),
    ]
    members += schemaMembers(schema, importKey: true)
    return JSONValue.object(members).rendered() + "\n"
}

private func schemaMembers(
    _ schema: Schema, description fieldDescription: String? = nil, defaultText: String? = nil, deprecated: Bool = false,
    importKey: Bool = false
) -> [JSONMember] {
    var members: [JSONMember] = []
    if let description = fieldDescription ?? schema.description ?? impliedDescription(schema) {
        members.append(JSONMember("description", .string(description)))
    }
    switch schema.kind {
    case .object(let fields, let additional):
        members.append(JSONMember("type", .string("object")))
        var properties = fields.map { field in
            JSONMember(field.name, .object(schemaMembers(
                field.schema, description: field.description, defaultText: field.defaultText, deprecated: field.deprecation != nil)))
        }
        if importKey {
            properties.append(JSONMember("import", .object([
                JSONMember("description", .string("Files to load first, relative to this one; this file's keys win.")),
                JSONMember("anyOf", .array([
                    .object([JSONMember("type", .string("string"))]),
                    .object([JSONMember("type", .string("array")), JSONMember("items", .object([JSONMember("type", .string("string"))]))]),
                ])),
            ])))
        }
        members.append(JSONMember("properties", .object(properties)))
        let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(JSONMember("required", .array(required))) }
        members.append(JSONMember("additionalProperties", additional.map { .object(schemaMembers($0)) } ?? .bool(false)))
    case .array(let items, let minItems, let maxItems):
        members.append(JSONMember("type", .string("array")))
        members.append(JSONMember("items", .object(schemaMembers(items))))
        if minItems > 0 { members.append(JSONMember("minItems", .integer(minItems))) }
        if let maxItems { members.append(JSONMember("maxItems", .integer(maxItems))) }
    case .string(let pattern, let allowed):
        members.append(JSONMember("type", .string("string")))
        if let pattern { members.append(JSONMember("pattern", .string("^(?:" + pattern + ")$"))) }
        if let allowed { members.append(JSONMember("enum", .array(allowed.map(JSONValue.string)))) }
    case .integer(let minimum, let maximum):
        members.append(JSONMember("type", .string("integer")))
        if let minimum { members.append(JSONMember("minimum", .integer(minimum))) }
        if let maximum { members.append(JSONMember("maximum", .integer(maximum))) }
    case .number(let minimum, let maximum):
        members.append(JSONMember("type", .string("number")))
        if let minimum { members.append(JSONMember("minimum", .number(minimum))) }
        if let maximum { members.append(JSONMember("maximum", .number(maximum))) }
    case .boolean:
        members.append(JSONMember("type", .string("boolean")))
    case .quantity(let kind, let bounds):
        let text: [JSONMember] = [
            JSONMember("type", .string("string")),
            JSONMember("pattern", .string(kind.pattern(allowingNegative: bounds.allowsNegative))),
        ]
        if kind.acceptsPlainNumber {
            var number = [JSONMember("type", .string("number"))]
            if !bounds.allowsNegative { number.append(JSONMember("minimum", .integer(0))) }
            number.append(JSONMember("maximum", .integer(1)))
            members.append(JSONMember("anyOf", .array([.object(number), .object(text)])))
        } else {
            members += text
        }
    case .nameTemplate:
        members.append(JSONMember("type", .string("string")))
        members.append(JSONMember("pattern", .string(nameTemplatePattern)))
    case .anyOf(let alternatives):
        members.append(JSONMember("anyOf", .array(alternatives.map { .object(schemaMembers($0)) })))
    }
    if let defaultText { members.append(JSONMember("default", defaultValue(defaultText, schema))) }
    if deprecated { members.append(JSONMember("deprecated", .bool(true))) }
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
    case .integer: if let value = Int(text) { return .integer(value) }
    case .number: if let value = plainNumber(text) { return .number(value) }
    case .boolean: if text == "true" || text == "false" { return .bool(text == "true") }
    case .quantity(let kind, _) where kind.acceptsPlainNumber: if let value = plainNumber(text) { return .number(value) }
    default: break
    }
    return .string(text)
}
