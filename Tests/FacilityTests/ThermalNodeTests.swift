import Facility
import Foundation
import SimKernel
import Testing

/// A 44 kW rack's local air and metal cooled by a rear-door heat exchanger: 600 kJ/K
/// [estimate: ~1.2 t of loaded rack at ~0.5 kJ/(kg K)], door supply 20 C, conductance sized so
/// that 44 kW holds the inlet at 27 C (top of ASHRAE's recommended range), capacity 50 kW.
enum RackFixture {
    static let capacitance = 600_000.0
    static let heat = 44_000.0
    static let door = Cooling(conductanceWattsPerKelvin: 44_000.0 / 7, supplyTemperatureCelsius: 20, capacityWatts: 50_000)
    static func rack() -> ThermalNode {
        ThermalNode(capacitanceJoulesPerKelvin: capacitance, temperatureCelsius: 27, heatWatts: heat, cooling: door)
    }
}

func within(_ a: SimDuration?, _ b: Double, _ toleranceSeconds: Double) -> Bool {
    guard let a else { return false }
    return abs(a.seconds - b) <= toleranceSeconds
}

@Suite("Thermal node")
struct ThermalNodeTests {
    @Test("A rack in balance with its door stays at Ts + P/G")
    func equilibrium() {
        var rack = RackFixture.rack()
        #expect(abs(rack.equilibriumCelsius! - 27) < 1e-12)
        rack.advance(to: .at(.hours(1)))
        #expect(abs(rack.temperatureCelsius - 27) < 1e-9)
    }

    @Test("Without cooling the temperature rises linearly at P/C; crossing times to 1 ms")
    func linearRise() {
        var rack = RackFixture.rack()
        rack.setCooling(.none, at: .zero)
        let rate = RackFixture.heat / RackFixture.capacitance  // K/s
        #expect(abs(rack.temperature(after: .seconds(100)) - (27 + rate * 100)) < 1e-9)
        #expect(within(rack.timeToReach(47), 20 / rate, 0.001))
        #expect(rack.equilibriumCelsius == nil)
        #expect(rack.timeToReach(20) == nil, "it never cools without cooling")
    }

    @Test("With cooling below capacity the temperature follows T∞ + (T0 − T∞)e^(−t/τ)")
    func exponential() {
        var node = ThermalNode(capacitanceJoulesPerKelvin: 1e6, temperatureCelsius: 20, heatWatts: 30_000,
                               cooling: Cooling(conductanceWattsPerKelvin: 2_000, supplyTemperatureCelsius: 18, capacityWatts: 60_000))
        let target = 18 + 30_000.0 / 2_000, tau = 1e6 / 2_000
        for seconds in [1.0, 60, 499, 1_500, 5_000] {
            let expected = target + (20 - target) * exp(-seconds / tau)
            #expect(abs(node.temperature(after: .seconds(seconds)) - expected) < 1e-9, "t=\(seconds)")
        }
        #expect(within(node.timeToReach(30), tau * log((20 - target) / (30 - target)), 0.001))
        #expect(node.timeToReach(33) == nil, "the asymptote itself is never reached")
        node.advance(to: .at(.hours(10)))
        #expect(abs(node.temperatureCelsius - target) < 1e-6)
    }

    @Test("Heat beyond capacity: exponential rise to saturation, then linear at (P − Qmax)/C")
    func saturation() {
        let cooling = Cooling(conductanceWattsPerKelvin: 1_000, supplyTemperatureCelsius: 20, capacityWatts: 10_000)
        let node = ThermalNode(capacitanceJoulesPerKelvin: 2e5, temperatureCelsius: 20, heatWatts: 15_000, cooling: cooling)
        // Proportional regime heads for 20 + 15 = 35 C but saturates at 20 + 10 = 30 C.
        let tau = 200.0
        let toSaturation = tau * log((20 - 35.0) / (30 - 35.0))
        let linearRate = 5_000.0 / 2e5
        #expect(within(node.timeToReach(30), toSaturation, 0.001))
        #expect(within(node.timeToReach(40), toSaturation + 10 / linearRate, 0.001))
        #expect(abs(node.temperature(after: .seconds(toSaturation + 100)) - (30 + 100 * linearRate)) < 1e-6)
    }

    @Test("Restored cooling brings a hot node down linearly to saturation, then exponentially")
    func recovery() {
        var node = ThermalNode(capacitanceJoulesPerKelvin: 2e5, temperatureCelsius: 45, heatWatts: 6_000,
                               cooling: Cooling(conductanceWattsPerKelvin: 1_000, supplyTemperatureCelsius: 20, capacityWatts: 10_000))
        let fallRate = 4_000.0 / 2e5  // (Qmax − P)/C while saturated above 30 C
        let toSaturation = 15 / fallRate
        let toTwentyEight = toSaturation + 200 * log((30 - 26.0) / (28 - 26.0))
        #expect(within(node.timeToReach(28), toTwentyEight, 0.001))
        node.advance(to: .at(.seconds(toSaturation)))
        #expect(abs(node.temperatureCelsius - 30) < 1e-9)
    }

    @Test("Heat removed equals the integral of Q(T) dt, checked by fine numerical integration")
    func energyBalance() {
        let cooling = Cooling(conductanceWattsPerKelvin: 1_000, supplyTemperatureCelsius: 20, capacityWatts: 10_000)
        var node = ThermalNode(capacitanceJoulesPerKelvin: 2e5, temperatureCelsius: 15, heatWatts: 15_000, cooling: cooling)
        var integral = 0.0
        let steps = 200_000, horizon = 2_000.0
        var probe = node
        for step in 1 ... steps {
            let before = probe.temperatureCelsius
            probe.advance(to: .at(.seconds(horizon * Double(step) / Double(steps))))
            integral += (cooling.removedWatts(at: before) + cooling.removedWatts(at: probe.temperatureCelsius)) / 2 * horizon / Double(steps)
        }
        node.advance(to: .at(.seconds(horizon)))
        #expect(abs(node.heatRemovedJoules - integral) / integral < 1e-4)
        #expect(abs(node.heatInJoules - node.heatRemovedJoules - 2e5 * (node.temperatureCelsius - 15)) < 1e-3)
        #expect(abs(probe.temperatureCelsius - node.temperatureCelsius) < 1e-9, "many small steps equal one big step")
    }

    @Test("timeToRemove: the heat removed by the returned time is the amount asked, across regimes")
    func timeToRemove() throws {
        let cooling = Cooling(conductanceWattsPerKelvin: 1_000, supplyTemperatureCelsius: 20, capacityWatts: 10_000)
        // Starts below supply (nothing removed), then proportional, then saturated at 10 kW.
        let node = ThermalNode(capacitanceJoulesPerKelvin: 2e5, temperatureCelsius: 15, heatWatts: 15_000, cooling: cooling)
        for joules in [1e3, 1e5, 1e6, 5e6, 2e7] {
            let t = try #require(node.timeToRemove(joules))
            var probe = node
            probe.advance(to: .at(t))
            #expect(abs(probe.heatRemovedJoules - joules) < 1e-6 * joules + 0.02, "\(joules) J: removed \(probe.heatRemovedJoules) J by \(t)")
        }
        // In the saturated regime it is a straight line: 10 kW.
        var saturated = node
        saturated.advance(to: .at(.hours(1)))
        #expect(within(saturated.timeToRemove(1e6), 100, 1e-6))
        // With no heat the removal converges (to C·(T0 − T_supply)) and never reaches more.
        let cooling0 = ThermalNode(capacitanceJoulesPerKelvin: 2e5, temperatureCelsius: 25, heatWatts: 0, cooling: cooling)
        #expect(cooling0.timeToRemove(2e5 * 5 * 0.99) != nil)
        #expect(cooling0.timeToRemove(2e5 * 5 * 1.01) == nil)
    }
}
