import SimKernel
import Testing

@Suite("Simulated time")
struct SimTimeTests {
    @Test("Unit constructors agree on whole nanoseconds")
    func unitConstructors() {
        #expect(SimDuration.seconds(1).nanoseconds == 1_000_000_000)
        #expect(SimDuration.milliseconds(5).nanoseconds == 5_000_000)
        #expect(SimDuration.microseconds(7).nanoseconds == 7_000)
        #expect(SimDuration.minutes(2) == .seconds(120))
        #expect(SimDuration.hours(1) == .minutes(60))
        #expect(SimDuration.seconds(0.1) == .milliseconds(100))
        #expect(SimDuration.milliseconds(2.5) == .microseconds(2_500))
        #expect(SimDuration.hours(0.5) == .minutes(30))
    }

    @Test("Real-valued durations round to the nearest nanosecond")
    func rounding() {
        #expect(SimDuration(seconds: 1.4e-9).nanoseconds == 1)
        #expect(SimDuration(seconds: 1.6e-9).nanoseconds == 2)
        #expect(SimDuration(seconds: -2.5e-9).nanoseconds == -3)
    }

    @Test("Instants and durations combine exactly, in any grouping")
    func arithmetic() {
        let start = SimTime.at(.seconds(10))
        #expect(start + .milliseconds(250) - start == .milliseconds(250))
        #expect((start + .seconds(1)) + .seconds(2) == start + (.seconds(1) + .seconds(2)))
        #expect(SimDuration.seconds(3) * 2 == .seconds(6))
        #expect(2 * SimDuration.seconds(3) == .seconds(6))
        #expect(SimDuration.seconds(3) / 4 == .milliseconds(750))
        #expect(SimDuration.seconds(2) * 0.25 == .milliseconds(500))
        #expect(SimTime.at(.milliseconds(1500)).seconds == 1.5)
        #expect(SimTime.zero < .at(.nanoseconds(1)))
    }

    @Test("Durations print in the largest fitting unit")
    func durationFormatting() {
        #expect(SimDuration.zero.description == "0 s")
        #expect(SimDuration.nanoseconds(250).description == "250 ns")
        #expect(SimDuration.nanoseconds(1_500).description == "1.5 us")
        #expect(SimDuration.microseconds(12_250).description == "12.25 ms")
        #expect(SimDuration.milliseconds(3_500).description == "3.5 s")
        #expect(SimDuration.seconds(60).description == "1 min")
        #expect((SimDuration.hours(1) + .minutes(2) + .milliseconds(3_500)).description == "1 h 2 min 3.5 s")
        #expect((SimDuration.hours(51)).description == "2 d 3 h")
        #expect(SimDuration.milliseconds(-20).description == "-20 ms")
    }

    @Test("Instants print as a clock since time zero")
    func timeFormatting() {
        #expect(SimTime.zero.description == "00:00:00")
        #expect(SimTime.at(.milliseconds(61_500)).description == "00:01:01.5")
        #expect(SimTime.at(.hours(26)).description == "1d 02:00:00")
        #expect(SimTime.at(.nanoseconds(1)).description == "00:00:00.000000001")
    }
}
