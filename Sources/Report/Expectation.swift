public import OrderedJSON
import Foundation

/// A condition on a run's results, written like `chat.ttft.p99 < 2 s`, that CI checks.
///
/// The metric names a number in `summary.json`: a workload's name stands for its entry in
/// `workloads`, and `ttft`, `tpot`, `e2e`, `queueing` for `ttft_seconds` and so on; other
/// names (`facility.pue`, `failover.requests_failed`, `cost.usd_per_million_output_tokens`)
/// are the summary's own keys. The threshold's unit must fit the metric: durations for
/// times, kW for power, kWh for energy, C for temperatures, % or a plain number otherwise.
public struct Expectation: Sendable, Equatable {
    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

        func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .less: value < threshold
            case .lessOrEqual: value <= threshold
            case .greater: value > threshold
            case .greaterOrEqual: value >= threshold
            case .equal: value == threshold
            case .notEqual: value != threshold
            }
        }
    }

    /// What a metric measures, from its name: decides which units a threshold may carry.
    public enum Dimension: String, Sendable {
        case time, power, energy, temperature, money, plain
    }

    public var text: String
    public var metric: String
    public var comparison: Comparison
    /// In the metric's own unit (seconds, kW, kWh, C, USD, or a plain number).
    public var threshold: Double

    /// Reads an expectation; the error text says what was expected.
    public static func parse(_ text: String) -> Result<Expectation, ExpectationError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Two-character operators first, so "<=" is not read as "<".
        for comparison in Comparison.allCases {
            guard let range = trimmed.range(of: " \(comparison.rawValue) ") else { continue }
            let metric = String(trimmed[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            let value = String(trimmed[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            guard isMetricName(metric) else {
                return .failure(ExpectationError("'\(metric)' is not a metric name; expected dotted names like 'chat.ttft.p99'"))
            }
            return threshold(value, for: dimension(of: metric)).map {
                Expectation(text: trimmed, metric: metric, comparison: comparison, threshold: $0)
            }
        }
        return .failure(ExpectationError(
            "'\(trimmed)' is not an expectation; expected 'metric op value' with op one of <, <=, >, >=, ==, != between spaces, like 'chat.ttft.p99 < 2 s'"))
    }

    static func isMetricName(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        }
    }

    /// The summary path a metric stands for.
    static func path(of metric: String) -> [String] {
        let aliases = ["ttft": "ttft_seconds", "tpot": "tpot_seconds", "e2e": "e2e_seconds", "queueing": "queueing_seconds"]
        return metric.split(separator: ".").map { aliases[String($0)] ?? String($0) }
    }

    public static func dimension(of metric: String) -> Dimension {
        let path = path(of: metric)
        if path.contains(where: { $0.hasSuffix("_seconds") }) { return .time }
        let last = path.last ?? ""
        if last.hasSuffix("_kwh") { return .energy }
        if last.hasSuffix("_kw") { return .power }
        if last.hasSuffix("_celsius") { return .temperature }
        if last.hasSuffix("_usd") { return .money }
        return .plain
    }

    static func threshold(_ text: String, for dimension: Dimension) -> Result<Double, ExpectationError> {
        let units: [String: Double]
        let example: String
        switch dimension {
        case .time: (units, example) = (["ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3_600], "a duration like '2 s' or '200 ms'")
        case .power: (units, example) = (["W": 1e-3, "kW": 1, "MW": 1e3], "a power like '900 kW'")
        case .energy: (units, example) = (["Wh": 1e-3, "kWh": 1, "MWh": 1e3], "an energy like '250 kWh'")
        case .temperature: (units, example) = (["C": 1], "a temperature like '32 C'")
        case .money: (units, example) = (["USD": 1], "an amount like '1200 USD'")
        case .plain: (units, example) = (["": 1, "%": 0.01], "a number like '0.99' or '99%'")
        }
        var number = text
        var unit = ""
        if let space = text.firstIndex(of: " ") {
            number = String(text[..<space])
            unit = String(text[text.index(after: space)...])
        } else if text.hasSuffix("%") {
            number = String(text.dropLast())
            unit = "%"
        }
        guard let value = Double(number), value.isFinite else {
            return .failure(ExpectationError("'\(text)' is not a threshold; expected \(example)"))
        }
        guard let scale = units[unit] else {
            let found = unit.isEmpty ? "no unit" : "unit '\(unit)'"
            return .failure(ExpectationError("'\(text)' has \(found); expected \(example)"))
        }
        return .success(value * scale)
    }

    /// The metric's value in `summary`, or nil if the summary has no such number.
    public func measured(in summary: JSONValue) -> Double? {
        var path = Self.path(of: metric)
        var node = summary
        if let first = path.first, summary[first] == nil, case .array(let workloads)? = summary["workloads"] {
            guard let workload = workloads.first(where: { $0["name"] == .string(first) }) else { return nil }
            node = workload
            path.removeFirst()
        }
        for key in path {
            guard let next = node[key] else { return nil }
            node = next
        }
        return node.numberValue
    }

    public func evaluate(in summary: JSONValue) -> ExpectationResult {
        let value = measured(in: summary)
        return ExpectationResult(expectation: self, measured: value, passed: value.map { comparison.holds($0, threshold) } ?? false)
    }
}

/// Why an expectation could not be read.
public struct ExpectationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An expectation checked against a run.
public struct ExpectationResult: Sendable, Equatable {
    public var expectation: Expectation
    /// Nil when the summary has no such metric.
    public var measured: Double?
    public var passed: Bool
}
