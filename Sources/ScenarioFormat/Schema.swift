/// A declaration of what a YAML value may be. One declaration drives both `validate(_:against:)`
/// and `jsonSchema(of:title:id:)`, so the checks and the published schema cannot drift apart.
///
/// Build schemas with the static functions: `.object([...])`, `.array(of:)`, `.quantity(.power)`.
public struct Schema: Sendable {
    public indirect enum Kind: Sendable {
        /// A mapping with the declared keys; other keys are refused unless `additional` admits them.
        case object(fields: [Field], additional: Schema?)
        case array(items: Schema, minItems: Int, maxItems: Int?)
        /// Any scalar but null, read as text. `pattern` must match the whole text.
        case string(pattern: String?, allowed: [String]?)
        /// A plain decimal integer.
        case integer(minimum: Int?, maximum: Int?)
        /// A plain decimal number (no NaN or infinity).
        case number(minimum: Double?, maximum: Double?)
        /// Plain `true` or `false` only.
        case boolean
        case quantity(QuantityKind, QuantityBounds)
        /// A name or a name template such as 'r{01..40}'.
        case nameTemplate
        /// Any one of the alternatives; they should differ by type (text or mapping, say).
        case anyOf([Schema])
    }

    public var kind: Kind
    /// Says what the value means, for the JSON Schema and editors.
    public var description: String?

    public init(_ kind: Kind, description: String? = nil) {
        self.kind = kind
        self.description = description
    }

    public static func object(_ fields: [Field], additional: Schema? = nil, description: String? = nil) -> Schema {
        Schema(.object(fields: fields, additional: additional), description: description)
    }

    public static func array(of items: Schema, minItems: Int = 0, maxItems: Int? = nil, description: String? = nil) -> Schema {
        Schema(.array(items: items, minItems: minItems, maxItems: maxItems), description: description)
    }

    public static func string(pattern: String? = nil, description: String? = nil) -> Schema {
        Schema(.string(pattern: pattern, allowed: nil), description: description)
    }

    /// Text that must be one of `values`.
    public static func choice(_ values: [String], description: String? = nil) -> Schema {
        Schema(.string(pattern: nil, allowed: values), description: description)
    }

    public static func integer(minimum: Int? = nil, maximum: Int? = nil, description: String? = nil) -> Schema {
        Schema(.integer(minimum: minimum, maximum: maximum), description: description)
    }

    public static func number(minimum: Double? = nil, maximum: Double? = nil, description: String? = nil) -> Schema {
        Schema(.number(minimum: minimum, maximum: maximum), description: description)
    }

    public static func boolean(description: String? = nil) -> Schema { Schema(.boolean, description: description) }

    public static func quantity(_ kind: QuantityKind, _ bounds: QuantityBounds = .nonNegative, description: String? = nil) -> Schema {
        Schema(.quantity(kind, bounds), description: description)
    }

    public static func nameTemplate(description: String? = nil) -> Schema { Schema(.nameTemplate, description: description) }

    public static func anyOf(_ alternatives: [Schema], description: String? = nil) -> Schema {
        Schema(.anyOf(alternatives), description: description)
    }
}

/// One key of an object schema: its name, its value's schema, and whether it must be present.
public struct Field: Sendable {
    public var name: String
    public var schema: Schema
    public var isRequired: Bool
    /// Says what the key means; shown in the JSON Schema (and wins over the schema's own description).
    public var description: String?
    /// The value used when the key is absent, as it would be written ("10 s"), for the JSON Schema.
    public var defaultText: String?
    /// Set for a key that still works but should not be used: says what to use instead.
    public var deprecation: String?

    public init(
        _ name: String, _ schema: Schema, isRequired: Bool, description: String? = nil, defaultText: String? = nil,
        deprecation: String? = nil
    ) {
        self.name = name
        self.schema = schema
        self.isRequired = isRequired
        self.description = description
        self.defaultText = defaultText
        self.deprecation = deprecation
    }

    public static func required(_ name: String, _ schema: Schema, _ description: String? = nil) -> Field {
        Field(name, schema, isRequired: true, description: description)
    }

    public static func optional(_ name: String, _ schema: Schema, default defaultText: String? = nil, _ description: String? = nil) -> Field {
        Field(name, schema, isRequired: false, description: description, defaultText: defaultText)
    }

    /// This field marked deprecated: using it gives a warning that ends with `advice` ("use 'x' instead").
    public func deprecated(_ advice: String) -> Field {
        var field = self
        field.deprecation = advice
        return field
    }
}

extension Schema {
    /// What a valid value is, in a few words, for "expected ..." in messages.
    public var expected: String {
        switch kind {
        case .object: "a mapping"
        case .array: "a sequence"
        case .string(_, let allowed?): "one of " + allowed.map { "'\($0)'" }.joined(separator: ", ")
        case .string(let pattern?, nil): "text matching '\(pattern)'"
        case .string(nil, nil): "text"
        case .integer(let minimum, let maximum): "an integer" + rangeText(minimum.map(String.init), maximum.map(String.init))
        case .number(let minimum, let maximum): "a number" + rangeText(minimum.map(numberText), maximum.map(numberText))
        case .boolean: "true or false"
        case .quantity(let kind, _): kind.expected
        case .nameTemplate: nameTemplateExpected
        case .anyOf(let alternatives): alternatives.map(\.expected).joined(separator: " or ")
        }
    }

    /// The keys an object schema requires, or all its keys if none is required: for "file is empty" messages.
    public var topLevelKeys: [String] {
        guard case .object(let fields, _) = kind else { return [] }
        let required = fields.filter(\.isRequired).map(\.name)
        return required.isEmpty ? fields.map(\.name) : required
    }
}

private func rangeText(_ minimum: String?, _ maximum: String?) -> String {
    switch (minimum, maximum) {
    case let (low?, high?): " from \(low) to \(high)"
    case let (low?, nil): " of at least \(low)"
    case let (nil, high?): " of at most \(high)"
    case (nil, nil): ""
    }
}
