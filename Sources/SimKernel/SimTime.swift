/// A span of simulated time: a whole number of nanoseconds.
///
/// Integer nanoseconds keep time exact and reproducible: adding the same durations in any
/// grouping gives the same instant, which `Double` seconds would not. `Int64` nanoseconds
/// reach ±292 years; arithmetic traps on overflow rather than wrapping.
@frozen
public struct SimDuration: Hashable, Comparable, Sendable {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Rounds `seconds` to the nearest nanosecond; traps on NaN, infinity or out-of-range values.
    @inlinable public init(seconds: Double) {
        let scaled = (seconds * 1e9).rounded()
        precondition(scaled.isFinite && abs(scaled) < 9.2e18, "duration out of range: \(seconds) s")
        self.nanoseconds = Int64(scaled)
    }

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ value: Int) -> SimDuration { SimDuration(nanoseconds: Int64(value)) }
    @inlinable public static func microseconds(_ value: Int) -> SimDuration { SimDuration(nanoseconds: Int64(value) * 1_000) }
    @inlinable public static func milliseconds(_ value: Int) -> SimDuration { SimDuration(nanoseconds: Int64(value) * 1_000_000) }
    @inlinable public static func seconds(_ value: Int) -> SimDuration { SimDuration(nanoseconds: Int64(value) * 1_000_000_000) }
    @inlinable public static func minutes(_ value: Int) -> SimDuration { .seconds(value * 60) }
    @inlinable public static func hours(_ value: Int) -> SimDuration { .seconds(value * 3_600) }
    @inlinable public static func microseconds(_ value: Double) -> SimDuration { SimDuration(seconds: value * 1e-6) }
    @inlinable public static func milliseconds(_ value: Double) -> SimDuration { SimDuration(seconds: value * 1e-3) }
    @inlinable public static func seconds(_ value: Double) -> SimDuration { SimDuration(seconds: value) }
    @inlinable public static func minutes(_ value: Double) -> SimDuration { SimDuration(seconds: value * 60) }
    @inlinable public static func hours(_ value: Double) -> SimDuration { SimDuration(seconds: value * 3_600) }

    /// The duration in seconds, for physics and reports (not for keeping time).
    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: Self, b: Self) -> Self { Self(nanoseconds: a.nanoseconds + b.nanoseconds) }
    @inlinable public static func - (a: Self, b: Self) -> Self { Self(nanoseconds: a.nanoseconds - b.nanoseconds) }
    @inlinable public static func * (a: Self, b: Int) -> Self { Self(nanoseconds: a.nanoseconds * Int64(b)) }
    @inlinable public static func * (a: Int, b: Self) -> Self { b * a }
    /// Scales by a real factor, rounding to the nearest nanosecond.
    @inlinable public static func * (a: Self, b: Double) -> Self { Self(seconds: a.seconds * b) }
    @inlinable public static func / (a: Self, b: Int) -> Self { Self(nanoseconds: a.nanoseconds / Int64(b)) }
    @inlinable public static func += (a: inout Self, b: Self) { a = a + b }
    @inlinable public static func -= (a: inout Self, b: Self) { a = a - b }
}

/// An instant of simulated time: nanoseconds since the start of the run (time zero).
@frozen
public struct SimTime: Hashable, Comparable, Sendable {
    public var nanosecondsSinceStart: Int64

    @inlinable public init(nanosecondsSinceStart: Int64) { self.nanosecondsSinceStart = nanosecondsSinceStart }

    public static let zero = SimTime(nanosecondsSinceStart: 0)
    /// Later than any instant a run can reach; `run(until: .distantFuture)` runs until idle.
    public static let distantFuture = SimTime(nanosecondsSinceStart: .max)

    /// The instant `duration` after time zero.
    @inlinable public static func at(_ duration: SimDuration) -> SimTime { SimTime(nanosecondsSinceStart: duration.nanoseconds) }

    /// Seconds since time zero, for physics and reports (not for keeping time).
    @inlinable public var seconds: Double { Double(nanosecondsSinceStart) / 1e9 }
    @inlinable public var sinceStart: SimDuration { SimDuration(nanoseconds: nanosecondsSinceStart) }

    @inlinable public static func < (a: Self, b: Self) -> Bool { a.nanosecondsSinceStart < b.nanosecondsSinceStart }
    @inlinable public static func + (a: Self, b: SimDuration) -> Self { Self(nanosecondsSinceStart: a.nanosecondsSinceStart + b.nanoseconds) }
    @inlinable public static func - (a: Self, b: SimDuration) -> Self { Self(nanosecondsSinceStart: a.nanosecondsSinceStart - b.nanoseconds) }
    @inlinable public static func - (a: Self, b: Self) -> SimDuration { SimDuration(nanoseconds: a.nanosecondsSinceStart - b.nanosecondsSinceStart) }
    @inlinable public static func += (a: inout Self, b: SimDuration) { a = a + b }
}

extension SimDuration: CustomStringConvertible {
    /// Human form: "0 s", "250 ns", "1.5 us", "12.25 ms", "3.5 s", "1 h 2 min 3.5 s", "2 d 3 h".
    /// Sub-minute values are exact; a minute or longer is rounded to the millisecond.
    public var description: String {
        let magnitude = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        if magnitude == 0 { return "0 s" }
        if magnitude < 1_000 { return "\(sign)\(magnitude) ns" }
        if magnitude < 1_000_000 { return sign + decimal(magnitude, per: 1_000) + " us" }
        if magnitude < 1_000_000_000 { return sign + decimal(magnitude, per: 1_000_000) + " ms" }
        if magnitude < 60_000_000_000 { return sign + decimal(magnitude, per: 1_000_000_000) + " s" }
        let milliseconds = (magnitude + 500_000) / 1_000_000
        let units: [(UInt64, String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min")]
        var rest = milliseconds
        var parts: [String] = []
        for (size, name) in units where rest >= size {
            parts.append("\(rest / size) \(name)")
            rest %= size
        }
        if rest > 0 { parts.append(decimal(rest, per: 1_000) + " s") }
        return sign + parts.joined(separator: " ")
    }
}

extension SimTime: CustomStringConvertible {
    /// Clock form since time zero: "00:01:01.5", "1d 02:00:00", to the nanosecond when needed.
    public var description: String {
        let magnitude = nanosecondsSinceStart.magnitude
        let totalSeconds = magnitude / 1_000_000_000
        let fraction = magnitude % 1_000_000_000
        let days = totalSeconds / 86_400
        func twoDigits(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = nanosecondsSinceStart < 0 ? "-" : ""
        if days > 0 { text += "\(days)d " }
        text += twoDigits(totalSeconds % 86_400 / 3_600) + ":" + twoDigits(totalSeconds % 3_600 / 60) + ":"
            + twoDigits(totalSeconds % 60)
        if fraction > 0 { text += String(decimal(fraction, per: 1_000_000_000).dropFirst()) }
        return text
    }
}

/// `value / unit` as an exact decimal, trailing zeros trimmed: decimal(1_500, per: 1_000) == "1.5".
private func decimal(_ value: UInt64, per unit: UInt64) -> String {
    let whole = value / unit
    var fractionDigits = String(value % unit)
    let width = String(unit).count - 1
    fractionDigits = String(repeating: "0", count: width - fractionDigits.count) + fractionDigits
    while fractionDigits.last == "0" { fractionDigits.removeLast() }
    return fractionDigits.isEmpty ? "\(whole)" : "\(whole).\(fractionDigits)"
}
