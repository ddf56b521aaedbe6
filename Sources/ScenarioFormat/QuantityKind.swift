/// A kind of quantity written with a unit in scenario files, such as power ('44 kW').
///
/// Each kind parses to one SI (or money) unit, named by `resultUnit`: watts, joules, seconds,
/// per second, bytes per second, bytes, degrees Celsius, a plain fraction, dollars per hour,
/// dollars per kWh, dollars. Units are case-sensitive.
public enum QuantityKind: String, Hashable, Sendable, CaseIterable {
    case power
    case energy
    case duration
    case rate
    case bandwidth
    case dataSize
    case temperature
    /// A difference of temperatures ('8 K'): kelvin, never offset like a temperature.
    case temperatureDifference
    case fraction
    case hourlyPrice
    case energyPrice
    case money

    /// The unit `parse` returns values in.
    public var resultUnit: String {
        switch self {
        case .power: "W"
        case .energy: "J"
        case .duration: "s"
        case .rate: "1/s"
        case .bandwidth: "B/s"
        case .dataSize: "B"
        case .temperature: "°C"
        case .temperatureDifference: "K"
        case .fraction: "1"
        case .hourlyPrice: "$/h"
        case .energyPrice: "$/kWh"
        case .money: "$"
        }
    }

    /// The kind with its article, for messages: "a power", "an energy".
    public var noun: String {
        switch self {
        case .power: "a power"
        case .energy: "an energy"
        case .duration: "a duration"
        case .rate: "a rate"
        case .bandwidth: "a bandwidth"
        case .dataSize: "a data size"
        case .temperature: "a temperature"
        case .temperatureDifference: "a temperature difference"
        case .fraction: "a fraction"
        case .hourlyPrice: "a price per hour"
        case .energyPrice: "a price per energy"
        case .money: "an amount of money"
        }
    }

    /// What a valid value looks like, in words, for messages and schema descriptions.
    public var expected: String {
        switch self {
        case .power: "a power with a unit like '44 kW' (units: W, kW, MW)"
        case .energy: "an energy with a unit like '12 kWh' (units: J, kJ, MJ, Wh, kWh, MWh)"
        case .duration: "a duration with a unit like '10 s' or '5 min' (units: ns, us, ms, s, min, h, d)"
        case .rate: "a number per time like '1.2/s' or '300/min'"
        case .bandwidth: "a bandwidth like '400 Gb/s' or '50 GB/s' (units: B/s, kB/s, MB/s, GB/s, TB/s, Mb/s, Gb/s, Tb/s)"
        case .dataSize: "a data size like '80 GB' or '64 GiB' (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)"
        case .temperature: "a temperature like '22 C' (units: C, °C, K)"
        case .temperatureDifference: "a temperature difference like '8 K'"
        case .fraction: "a fraction like '90%' or a number from 0 to 1"
        case .hourlyPrice: "a price per hour like '$2.50/h'"
        case .energyPrice: "a price per energy like '$0.08/kWh' (units: /kWh, /MWh)"
        case .money: "an amount of money like '$1000'"
        }
    }

    /// True for kinds written with a leading '$'.
    var isMoney: Bool { self == .hourlyPrice || self == .energyPrice || self == .money }

    /// True where a bare number is a valid value (only fractions: 0.9 means 90%).
    public var acceptsPlainNumber: Bool { self == .fraction }

    /// The accepted units, in the order messages list them.
    var units: [QuantityUnit] {
        switch self {
        case .power:
            [QuantityUnit("W", 1), QuantityUnit("kW", 1e3), QuantityUnit("MW", 1e6)]
        case .energy:
            [QuantityUnit("J", 1), QuantityUnit("kJ", 1e3), QuantityUnit("MJ", 1e6),
             QuantityUnit("Wh", 3.6e3), QuantityUnit("kWh", 3.6e6), QuantityUnit("MWh", 3.6e9)]
        case .duration:
            // Factors in nanoseconds, so durations round once, to the nanosecond.
            [QuantityUnit("ns", 1), QuantityUnit("us", 1e3), QuantityUnit("ms", 1e6), QuantityUnit("s", 1e9),
             QuantityUnit("min", 6e10), QuantityUnit("h", 3.6e12), QuantityUnit("d", 8.64e13)]
        case .rate:
            [QuantityUnit("/s", 1), QuantityUnit("/min", 1.0 / 60), QuantityUnit("/h", 1.0 / 3_600), QuantityUnit("/d", 1.0 / 86_400)]
        case .bandwidth:
            [QuantityUnit("B/s", 1), QuantityUnit("kB/s", 1e3), QuantityUnit("MB/s", 1e6), QuantityUnit("GB/s", 1e9),
             QuantityUnit("TB/s", 1e12), QuantityUnit("Mb/s", 1e6 / 8), QuantityUnit("Gb/s", 1e9 / 8), QuantityUnit("Tb/s", 1e12 / 8)]
        case .dataSize:
            [QuantityUnit("B", 1), QuantityUnit("kB", 1e3), QuantityUnit("MB", 1e6), QuantityUnit("GB", 1e9), QuantityUnit("TB", 1e12),
             QuantityUnit("KiB", 1_024), QuantityUnit("MiB", 1_048_576), QuantityUnit("GiB", 1_073_741_824),
             QuantityUnit("TiB", 1_099_511_627_776)]
        case .temperature:
            [QuantityUnit("C", 1), QuantityUnit("°C", 1), QuantityUnit("K", 1, offset: -273.15)]
        case .temperatureDifference:
            [QuantityUnit("K", 1)]
        case .fraction:
            [QuantityUnit("%", 0.01)]
        case .hourlyPrice:
            [QuantityUnit("/h", 1)]
        case .energyPrice:
            [QuantityUnit("/kWh", 1), QuantityUnit("/MWh", 1e-3)]
        case .money:
            [QuantityUnit("", 1)]
        }
    }

    /// Units to show a value in, smallest first (a subset of `units`, one per scale).
    var displayUnits: [QuantityUnit] {
        switch self {
        case .bandwidth: units.filter { $0.symbol.hasSuffix("B/s") }
        case .dataSize: Array(units.prefix(5))
        case .temperature: [units[0]]
        case .energy: [units[0], units[1], units[2]]
        case .rate: [units[0]]
        case .energyPrice: [units[0]]
        default: units
        }
    }
}

/// One unit of a kind: value in the result unit = number × factor + offset.
struct QuantityUnit: Hashable, Sendable {
    var symbol: String
    var factor: Double
    var offset: Double

    init(_ symbol: String, _ factor: Double, offset: Double = 0) {
        self.symbol = symbol
        self.factor = factor
        self.offset = offset
    }
}
