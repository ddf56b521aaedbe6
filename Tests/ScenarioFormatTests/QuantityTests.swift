import ScenarioFormat
import SimKernel
import Testing

@Suite("Quantities")
struct QuantityTests {
    @Test("Powers read in W, kW and MW, with or without one space, to watts")
    func powers() throws {
        #expect(try QuantityKind.power.parse("44 kW") == 44_000)
        #expect(try QuantityKind.power.parse("700 W") == 700)
        #expect(try QuantityKind.power.parse("1.2 MW") == 1_200_000)
        #expect(try QuantityKind.power.parse("10kW") == 10_000)
        #expect(try QuantityKind.power.parse("2.5e3 W") == 2_500)
    }

    @Test("Energies read in J, kJ, MJ, Wh, kWh and MWh to joules")
    func energies() throws {
        #expect(try QuantityKind.energy.parse("5 J") == 5)
        #expect(try QuantityKind.energy.parse("2 kJ") == 2_000)
        #expect(try QuantityKind.energy.parse("3 MJ") == 3e6)
        #expect(try QuantityKind.energy.parse("1 Wh") == 3_600)
        #expect(try QuantityKind.energy.parse("12 kWh") == 43.2e6)
        #expect(try QuantityKind.energy.parse("2 MWh") == 7.2e9)
    }

    @Test("Durations read in ns through d to exact nanoseconds, zero included")
    func durations() throws {
        #expect(try parseDuration("10 s") == .seconds(10))
        #expect(try parseDuration("5 min") == .minutes(5))
        #expect(try parseDuration("16 ms") == .milliseconds(16))
        #expect(try parseDuration("1.5 h") == .minutes(90))
        #expect(try parseDuration("250 ns") == .nanoseconds(250))
        #expect(try parseDuration("3 us") == .microseconds(3))
        #expect(try parseDuration("2 d") == .hours(48))
        #expect(try parseDuration("0.1 s") == .milliseconds(100))
        #expect(try parseDuration("0 s") == .zero)
        #expect(try QuantityKind.duration.parse("1.5 h") == 5_400)
    }

    @Test("Rates read per second, minute, hour or day to per second")
    func rates() throws {
        #expect(try QuantityKind.rate.parse("1.2/s") == 1.2)
        #expect(try QuantityKind.rate.parse("300/min") == 5)
        #expect(try QuantityKind.rate.parse("3600/h") == 1)
        #expect(try QuantityKind.rate.parse("86400/d") == 1)
    }

    @Test("Bandwidths in bits or bytes per second read to bytes per second")
    func bandwidths() throws {
        #expect(try QuantityKind.bandwidth.parse("400 Gb/s") == 50e9)
        #expect(try QuantityKind.bandwidth.parse("50 GB/s") == 50e9)
        #expect(try QuantityKind.bandwidth.parse("3.35 TB/s") == 3.35e12)
        #expect(try QuantityKind.bandwidth.parse("900 GB/s") == 900e9)
        #expect(try QuantityKind.bandwidth.parse("100 Mb/s") == 12.5e6)
        #expect(try QuantityKind.bandwidth.parse("1.6 Tb/s") == 200e9)
    }

    @Test("Data sizes read in decimal and binary units to bytes")
    func dataSizes() throws {
        #expect(try QuantityKind.dataSize.parse("80 GB") == 80e9)
        #expect(try QuantityKind.dataSize.parse("512 B") == 512)
        #expect(try QuantityKind.dataSize.parse("4 kB") == 4_000)
        #expect(try QuantityKind.dataSize.parse("2 TB") == 2e12)
        #expect(try QuantityKind.dataSize.parse("64 GiB") == 68_719_476_736)
        #expect(try QuantityKind.dataSize.parse("4 KiB") == 4_096)
        #expect(try QuantityKind.dataSize.parse("1 MiB") == 1_048_576)
        #expect(try QuantityKind.dataSize.parse("1 TiB") == 1_099_511_627_776)
    }

    @Test("Temperatures read in C, °C or K to degrees Celsius")
    func temperatures() throws {
        #expect(try QuantityKind.temperature.parse("22 C") == 22)
        #expect(try QuantityKind.temperature.parse("22 °C") == 22)
        #expect(abs(try QuantityKind.temperature.parse("295 K") - 21.85) < 1e-9)
        #expect(try QuantityKind.temperature.parse("-10 C", bounds: .any) == -10)
    }

    @Test("Fractions read as percentages or plain numbers from 0 to 1")
    func fractions() throws {
        #expect(try QuantityKind.fraction.parse("90%") == 0.9)
        #expect(try QuantityKind.fraction.parse("0.9") == 0.9)
        #expect(try QuantityKind.fraction.parse("1") == 1)
        #expect(quantityProblem(.fraction, "1.5") == "'1.5' is more than 1 (100%); expected a fraction like '90%' or a number from 0 to 1")
        #expect(quantityProblem(.fraction, "150%") == "'150%' is more than 1 (100%); expected a fraction like '90%' or a number from 0 to 1")
    }

    @Test("Money reads as dollars per hour, dollars per kWh or dollars")
    func money() throws {
        #expect(try QuantityKind.hourlyPrice.parse("$2.50/h") == 2.5)
        #expect(try QuantityKind.energyPrice.parse("$0.08/kWh") == 0.08)
        #expect(try QuantityKind.energyPrice.parse("$80/MWh") == 0.08)
        #expect(try QuantityKind.money.parse("$1000") == 1_000)
        #expect(try QuantityKind.money.parse("-$5", bounds: .any) == -5)
        #expect(quantityProblem(.hourlyPrice, "2.50/h") == "'2.50/h' has no '$'; expected a price per hour like '$2.50/h'")
        #expect(quantityProblem(.hourlyPrice, "$2.50") == "'$2.50' has no unit; expected a price per hour like '$2.50/h'")
        #expect(quantityProblem(.money, "$1000/h") == "'$1000/h' has unknown unit '/h'; expected an amount of money like '$1000'")
        #expect(quantityProblem(.money, "1000 dollars") == "'1000 dollars' has no '$'; expected an amount of money like '$1000'")
    }

    @Test("A number without a unit is refused, naming the units")
    func noUnit() {
        #expect(quantityProblem(.power, "44") == "'44' has no unit; expected a power with a unit like '44 kW' (units: W, kW, MW)")
        #expect(quantityProblem(.duration, "10")
            == "'10' has no unit; expected a duration with a unit like '10 s' or '5 min' (units: ns, us, ms, s, min, h, d)")
    }

    @Test("A unit in the wrong case is refused with the right spelling suggested")
    func wrongCase() {
        #expect(quantityProblem(.power, "44 kw")
            == "'44 kw' has unknown unit 'kw' (did you mean 'kW'?); expected a power with a unit like '44 kW' (units: W, kW, MW)")
        #expect(quantityProblem(.bandwidth, "400 gb/s")?.hasPrefix("'400 gb/s' has unknown unit 'gb/s' (did you mean 'GB/s' or 'Gb/s'?)") == true)
        #expect(quantityProblem(.dataSize, "4 KB")?.hasPrefix("'4 KB' has unknown unit 'KB' (did you mean 'kB'?)") == true)
        #expect(quantityProblem(.duration, "10 sec")?.hasPrefix("'10 sec' has unknown unit 'sec' (did you mean 's'?)") == true)
    }

    @Test("An unknown unit is refused, naming it")
    func unknownUnit() {
        #expect(quantityProblem(.power, "44 kVA") == "'44 kVA' has unknown unit 'kVA'; expected a power with a unit like '44 kW' (units: W, kW, MW)")
        #expect(quantityProblem(.rate, "12 q/s") == "'12 q/s' is not a rate; expected a number per time like '1.2/s' or '300/min'")
        #expect(quantityProblem(.rate, "12 s") == "'12 s' is not a rate (did you mean '/s'?); expected a number per time like '1.2/s' or '300/min'")
    }

    @Test("Negative values are refused unless the bounds allow them")
    func negative() {
        #expect(quantityProblem(.power, "-5 kW") == "'-5 kW' is negative; expected a power of 0 or more")
        #expect(quantityProblem(.temperature, "-5 C") == "'-5 C' is negative; expected a temperature of 0 or more")
        #expect(quantityProblem(.power, "-5 kW", .any) == nil)
        #expect(quantityProblem(.temperature, "-300 C", .any) == "'-300 C' is below absolute zero; expected a temperature like '22 C' (units: C, °C, K)")
    }

    @Test("Zero is refused where the bounds require more than zero, and the maximum is named")
    func zeroAndMaximum() {
        #expect(quantityProblem(.power, "0 kW", .positive) == "'0 kW' is zero; expected a power greater than 0")
        #expect(quantityProblem(.duration, "0 s", .positive) == "'0 s' is zero; expected a duration greater than 0")
        #expect(quantityProblem(.power, "2 MW", QuantityBounds.nonNegative.atMost(1e6))
            == "'2 MW' is more than the maximum of 1 MW; expected a power of at most 1 MW")
        #expect(quantityProblem(.duration, "2 h", QuantityBounds.nonNegative.atMost(3_600))
            == "'2 h' is more than the maximum of 1 h; expected a duration of at most 1 h")
    }

    @Test("NaN, infinity, garbage and loose spacing are not quantities")
    func garbage() {
        let powerExpected = "expected a power with a unit like '44 kW' (units: W, kW, MW)"
        #expect(quantityProblem(.power, "nan kW") == "'nan kW' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, ".nan") == "'.nan' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "inf W") == "'inf W' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "1e999 W") == "'1e999 W' is not a finite number; " + powerExpected)
        #expect(quantityProblem(.power, "fast") == "'fast' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "") == "'' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "44  kW") == "'44  kW' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "44 kW ") == "'44 kW ' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "1,000 W") == "'1,000 W' is not a power; " + powerExpected)
        #expect(quantityProblem(.power, "1,000W") == "'1,000W' has unknown unit ',000W'; " + powerExpected)
        #expect(quantityProblem(.duration, "1e300 d") == "'1e300 d' is longer than the simulation clock reaches (about 292 years); expected a duration with a unit like '10 s' or '5 min' (units: ns, us, ms, s, min, h, d)")
    }

    @Test("Values format back with a fitting unit")
    func formatting() {
        #expect(QuantityKind.power.format(1e6) == "1 MW")
        #expect(QuantityKind.power.format(44_000) == "44 kW")
        #expect(QuantityKind.power.format(0) == "0 W")
        #expect(QuantityKind.bandwidth.format(50e9) == "50 GB/s")
        #expect(QuantityKind.dataSize.format(1.5e12) == "1.5 TB")
        #expect(QuantityKind.fraction.format(0.9) == "90%")
        #expect(QuantityKind.hourlyPrice.format(2.5) == "$2.5/h")
        #expect(QuantityKind.duration.format(5_400) == "1 h 30 min")
    }

    @Test("Each kind's JSON Schema pattern accepts exactly what its parser accepts, for sample texts")
    func patternsAgreeWithParser() throws {
        let samples = ["44 kW", "44kW", "44", "-5 kW", "1.2/s", "300/min", "12 q/s", "400 Gb/s", "64 GiB", "22 °C", "295 K",
                       "90%", "$2.50/h", "$0.08/kWh", "$1000", "10 s", "1.5 h", "2e3 W", "1. W", "44  kW", "44 kw", "0 s", "-$5"]
        for kind in QuantityKind.allCases {
            let regex = try Regex(kind.pattern(allowingNegative: true))
            for sample in samples {
                let parses = (try? kind.parse(sample, bounds: .any)) != nil
                let matches = (try? regex.wholeMatch(in: sample)) != nil
                #expect(parses == matches || (kind.acceptsPlainNumber && sample == "44"), "\(kind) '\(sample)'")
            }
        }
    }
}
