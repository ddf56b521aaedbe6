/// A JSON document with keys in the order they were made, so output is byte-stable.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// Non-finite numbers render as null: JSON has no NaN.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The value as a number, for integers and finite or non-finite doubles.
    public var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// Pretty-printed with two-space indents and a final newline; arrays of scalars stay on one line.
    public var rendered: String {
        var out = ""
        write(to: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// On one line with no spaces: for large machine-read files (traces).
    public var compact: String {
        var out = ""
        writeCompact(to: &out)
        out.append("\n")
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .array(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(",") }
                item.writeCompact(to: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(",") }
                JSONValue.quote(key, into: &out)
                out.append(":")
                value.writeCompact(to: &out)
            }
            out.append("}")
        default:
            write(to: &out, indent: 0)
        }
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let value): out.append(value ? "true" : "false")
        case .integer(let value): out.append(String(value))
        case .number(let value): out.append(JSONValue.format(value))
        case .string(let value): JSONValue.quote(value, into: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            if items.allSatisfy(\.isScalar) {
                out.append("[")
                for (index, item) in items.enumerated() {
                    if index > 0 { out.append(", ") }
                    item.write(to: &out, indent: indent)
                }
                out.append("]")
                return
            }
            out.append("[\n")
            for (index, item) in items.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                item.write(to: &out, indent: indent + 2)
                out.append(index + 1 < items.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent) + "]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (index, (key, value)) in members.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                JSONValue.quote(key, into: &out)
                out.append(": ")
                value.write(to: &out, indent: indent + 2)
                out.append(index + 1 < members.count ? ",\n" : "\n")
            }
            out.append(String(repeating: " ", count: indent) + "}")
        }
    }

    /// Shortest text that reads back as the same double; integral values keep a ".0" off.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    public static func quote(_ text: String, into out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
