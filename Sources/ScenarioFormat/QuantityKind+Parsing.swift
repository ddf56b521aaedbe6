import Foundation
public import SimKernel

/// Which values of a quantity a field accepts: the sign, zero, and an upper limit.
public struct QuantityBounds: Hashable, Sendable {
    public var allowsNegative: Bool
    public var allowsZero: Bool
    /// The largest accepted value, inclusive, in the kind's `resultUnit` (seconds for durations).
    public var maximum: Double?

    public init(allowsNegative: Bool, allowsZero: Bool, maximum: Double? = nil) {
        self.allowsNegative = allowsNegative
        self.allowsZero = allowsZero
        self.maximum = maximum
    }

    /// Zero or more: the default.
    public static let nonNegative = QuantityBounds(allowsNegative: false, allowsZero: true)
    /// More than zero.
    public static let positive = QuantityBounds(allowsNegative: false, allowsZero: false)
    /// Any finite value, negative included.
    public static let any = QuantityBounds(allowsNegative: true, allowsZero: true)

    /// These bounds with an upper limit, in the kind's `resultUnit`.
    public func atMost(_ maximum: Double) -> QuantityBounds {
        QuantityBounds(allowsNegative: allowsNegative, allowsZero: allowsZero, maximum: maximum)
    }
}

/// Why a quantity's text was refused. `message` is the whole sentence, naming the text and what was expected.
public struct QuantityError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The text that was refused.
    public var value: String
    /// What would have been accepted, in words.
    public var expected: String

    public init(message: String, value: String, expected: String) {
        self.message = message
        self.value = value
        self.expected = expected
    }

    public var description: String { message }
}

extension QuantityKind {
    /// Parses `text` ("44 kW", "5 min", "$2.50/h") into the kind's `resultUnit`.
    ///
    /// A number, then at most one space, then a unit spelled exactly. The number is decimal,
    /// with an optional fraction and exponent; a leading '-' only where `bounds` allow negatives.
    /// Durations round to the nanosecond, as `parseDuration` does.
    public func parse(_ text: String, bounds: QuantityBounds = .nonNegative) throws(QuantityError) -> Double {
        let value = try parseUnbounded(text)
        let comparable = self == .duration ? value * 1e-9 : value
        try check(comparable, text: text, bounds: bounds)
        return comparable
    }

    /// Renders `value` (in `resultUnit`) with a fitting unit: 1e6 → "1 MW", 0.9 → "90%".
    public func format(_ value: Double) -> String {
        switch self {
        case .duration:
            guard value.isFinite, abs(value) < 9.2e9 else { return numberText(value) + " s" }
            return SimDuration(seconds: value).description
        case .fraction: return numberText(value * 100) + "%"
        case .rate: return numberText(value) + "/s"
        case .hourlyPrice: return "$" + numberText(value) + "/h"
        case .energyPrice: return "$" + numberText(value) + "/kWh"
        case .money: return "$" + numberText(value)
        default:
            let candidates = displayUnits
            let unit = candidates.last { abs(value - $0.offset) >= $0.factor } ?? candidates[0]
            return numberText((value - unit.offset) / unit.factor) + " " + unit.symbol
        }
    }

    /// An ECMA-262 regular expression for the text form, anchored, for JSON Schema's `pattern`.
    public func pattern(allowingNegative: Bool = false) -> String {
        let number = #"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"#
        let sign = allowingNegative ? "-?" : ""
        let alternatives = units.map { regexEscaped($0.symbol) }.joined(separator: "|")
        if self == .money { return "^" + sign + #"\$"# + number + "$" }
        let prefix = isMoney ? sign + #"\$"# : sign
        return "^" + prefix + number + " ?(?:" + alternatives + ")$"
    }

    /// The value in the result unit before bounds; durations in whole nanoseconds.
    func parseUnbounded(_ text: String) throws(QuantityError) -> Double {
        func fail(_ message: String) -> QuantityError {
            QuantityError(message: "\(quoted(text)) \(message); expected \(expected)", value: text, expected: expected)
        }
        let notThisKind = fail("is not \(noun)")
        var rest = Substring(text)
        var negative = false
        if isMoney {
            if rest.hasPrefix("-$") {
                negative = true
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("$") {
                rest = rest.dropFirst()
            } else {
                let unsigned = rest.hasPrefix("-") ? rest.dropFirst() : rest
                throw scanNumber(unsigned) != nil ? fail("has no '$'") : notThisKind
            }
        } else if rest.hasPrefix("-") {
            negative = true
            rest = rest.dropFirst()
        }
        guard let (number, afterNumber) = scanNumber(rest) else { throw notThisKind }
        var unitText = afterNumber
        if unitText.hasPrefix(" ") {
            unitText = unitText.dropFirst()
            if unitText.isEmpty { throw notThisKind }
        }
        if unitText.contains(where: { $0.isWhitespace }) { throw notThisKind }
        let unit: QuantityUnit
        if let exact = units.first(where: { $0.symbol == unitText }) {
            unit = exact
        } else if unitText.isEmpty && acceptsPlainNumber {
            unit = QuantityUnit("", 1)
        } else if unitText.isEmpty {
            throw fail("has no unit")
        } else {
            let hint = unitHint(String(unitText)).map { " (did you mean \($0)?)" } ?? ""
            if units.allSatisfy({ $0.symbol.hasPrefix("/") }) { throw fail("is not \(noun)\(hint)") }
            throw fail("has unknown unit \(quoted(String(unitText)))\(hint)")
        }
        guard number.isFinite else { throw fail("is not a finite number") }
        let signed = negative ? -number : number
        switch self {
        case .duration:
            let nanoseconds = (signed * unit.factor).rounded()
            guard abs(nanoseconds) < 9.2e18 else { throw fail("is longer than the simulation clock reaches (about 292 years)") }
            return nanoseconds
        case .fraction:
            let value = signed * unit.factor
            if value > 1 { throw fail("is more than 1 (100%)") }
            return value
        case .temperature:
            let value = signed * unit.factor + unit.offset
            if value < -273.15 { throw fail("is below absolute zero") }
            return value
        default:
            let value = signed * unit.factor + unit.offset
            guard value.isFinite else { throw fail("is not a finite number") }
            return value
        }
    }

    /// Refuses `value` (in `resultUnit`) outside `bounds`.
    func check(_ value: Double, text: String, bounds: QuantityBounds) throws(QuantityError) {
        func fail(_ message: String, _ wanted: String) -> QuantityError {
            QuantityError(message: "\(quoted(text)) \(message); expected \(wanted)", value: text, expected: wanted)
        }
        if value < 0 && !bounds.allowsNegative { throw fail("is negative", "\(noun) of 0 or more") }
        if value == 0 && !bounds.allowsZero { throw fail("is zero", "\(noun) greater than 0") }
        if let maximum = bounds.maximum, value > maximum {
            throw fail("is more than the maximum of \(format(maximum))", "\(noun) of at most \(format(maximum))")
        }
    }

    /// "'kW'" or "'Gb/s' or 'GB/s'" for a unit spelled wrongly, or nil.
    func unitHint(_ unitText: String) -> String? {
        let lower = unitText.lowercased()
        var matches = units.map(\.symbol).filter { !$0.isEmpty && $0.lowercased() == lower }
        if matches.isEmpty, let alias = unitAliases[unitText] ?? unitAliases[lower], units.contains(where: { $0.symbol == alias }) {
            matches = [alias]
        }
        if matches.isEmpty, units.contains(where: { $0.symbol == "/" + unitText }) { matches = ["/" + unitText] }
        if matches.isEmpty { return nil }
        return matches.map { "'\($0)'" }.joined(separator: " or ")
    }
}

/// Parses a duration ("16 ms", "1.5 h", "0 s") to the nanosecond.
public func parseDuration(_ text: String, bounds: QuantityBounds = .nonNegative) throws(QuantityError) -> SimDuration {
    let nanoseconds = try QuantityKind.duration.parseUnbounded(text)
    try QuantityKind.duration.check(nanoseconds * 1e-9, text: text, bounds: bounds)
    return SimDuration(nanoseconds: Int64(nanoseconds))
}

/// Common misspellings of units, looked up (never iterated) for "did you mean" hints.
private let unitAliases: [String: String] = [
    "sec": "s", "secs": "s", "second": "s", "seconds": "s", "mins": "min", "minute": "min", "minutes": "min",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "day": "d", "days": "d", "µs": "us", "μs": "us",
    "msec": "ms", "usec": "us", "nsec": "ns",
    "/sec": "/s", "/second": "/s", "/hr": "/h", "/hour": "/h", "/day": "/d",
    "gbps": "Gb/s", "mbps": "Mb/s", "tbps": "Tb/s", "degc": "°C", "ºc": "°C", "watts": "W", "watt": "W",
]

/// A decimal number at the start of `text` (digits, optional fraction, optional exponent) and what follows.
private func scanNumber(_ text: Substring) -> (Double, Substring)? {
    var index = text.startIndex
    func digits() -> Bool {
        let start = index
        while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
        return index > start
    }
    guard digits() else { return nil }
    if index < text.endIndex, text[index] == "." {
        let dot = index
        index = text.index(after: index)
        if !digits() { index = dot }
    }
    if index < text.endIndex, text[index] == "e" || text[index] == "E" {
        let mark = index
        index = text.index(after: index)
        if index < text.endIndex, text[index] == "+" || text[index] == "-" { index = text.index(after: index) }
        if !digits() { index = mark }
    }
    guard let number = Double(String(text[..<index])) else { return nil }
    return (number, text[index...])
}

/// Up to six significant digits, without trailing zeros: 1.25, 1000, 3.35e+12.
func numberText(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(format: "%.6g", value)
}

private func regexEscaped(_ text: String) -> String {
    var result = ""
    for character in text {
        if #"\^$.|?*+()[]{}"#.contains(character) { result.append("\\") }
        result.append(character)
    }
    return result
}
