import Facility
import Foundation
import SimKernel
import Testing

typealias FacilitySimulation = Simulation<ObjectComponent<FacilityMessage>>

/// One 44 kW rack of 4 DGX H100 at full load (10.2 kW each) on 2N power, alone in a zone
/// whose capacitance (600 kJ/K) stands for the rack and its local air, cooled by one CRAH
/// sized so that 40.8 kW holds the inlet at 27 C.
struct RackScenario: ~Copyable {
    static let nodeWatts = 10_200.0
    static let rackWatts = 4 * nodeWatts
    static let crah = Cooling(conductanceWattsPerKelvin: rackWatts / 7, supplyTemperatureCelsius: 20, capacityWatts: 50_000)
    static let feed = FeedSpec(upsRatedPowerWatts: 100_000)

    static func spec(pduAmperes: Double = 63) -> FacilitySpec {
        let nodes = (1 ... 4).map { NodeSpec(name: "n\($0)", initialUtilization: 1) }
        return FacilitySpec(feedA: feed, feedB: feed,
                            zones: [ZoneSpec(name: "hall", capacitanceJoulesPerKelvin: 600_000, initialCelsius: 27, coolingUnits: [crah])],
                            racks: [RackSpec(name: "r01", nodes: nodes, pduRatedCurrentAmperes: pduAmperes)])
    }

    var simulation: FacilitySimulation
    let facility: Facility<FacilityMessage>

    init(pduAmperes: Double = 63, seed: UInt64 = 1) {
        var simulation = FacilitySimulation(seed: seed)
        facility = Facility.build(Self.spec(pduAmperes: pduAmperes), into: &simulation)
        self.simulation = simulation
    }

    func times(_ kind: String) -> [SimTime] { facility.recorder.entries(kind: kind).map(\.time) }
}

func seconds(_ value: Double) -> SimTime { .at(.seconds(value)) }

@Suite("Facility scenarios")
struct FacilityScenarioTests {
    @Test("Feed A lost on a 2N rack: no node loses power, B carries 4 × 9.9 kW, nodes capped and slowed; 63 A holds, flagged above 80%")
    func feedALossHolds() {
        var run = RackScenario(pduAmperes: 63)
        run.simulation.run(until: seconds(3_600))
        let before = run.facility.racks[0].feedWatts
        #expect(before == [20_400, 20_400])
        run.facility.inject(.upsFailure(.a, toBypass: false), at: seconds(3_600), into: &run.simulation)
        run.simulation.run(until: seconds(7_200))
        let rack = run.facility.racks[0]
        #expect(rack.feedWatts == [0, 39_600], "B carries the capped load: \(rack.feedWatts)")
        #expect(rack.feedWatts[1] / before[1] > 1.9, "the B-side load about doubles (1.94×: capping takes 3%)")
        #expect(run.facility.nodes.allSatisfy { $0.powerState == .capped && $0.speedFactor < 1 && $0.speedFactor > 0.98 })
        #expect(run.times("node_off").isEmpty)
        #expect(run.times("node_capped") == Array(repeating: seconds(3_600) + .milliseconds(16), count: 4),
                "capped once the hold-up of the A supplies runs out")
        #expect(run.times("breaker_trip").isEmpty)
        #expect(rack.breakers[1].isAboveContinuousLimit && abs(rack.breakers[1].loadFraction - 0.907) < 0.001)
        #expect(run.facility.recorder.entries(kind: "pdu_above_80_percent").contains { $0.detail.hasPrefix("feed=B") })
    }

    @Test("Feed A lost with 32 A PDUs: the B breaker trips at its curve's exact time and the rack goes dark")
    func feedALossTrips() {
        var run = RackScenario(pduAmperes: 32)
        run.simulation.run(until: seconds(3_600))
        run.facility.inject(.upsFailure(.a, toBypass: false), at: seconds(3_600), into: &run.simulation)
        run.simulation.run(until: seconds(7_200))
        // Independent closed form: θ after an hour at 20.4 kW, then the lag toward (I/In)² at 39.6 kW.
        let tau = CircuitBreaker.defaultThermalTimeConstant.seconds
        let normal = 20_400 / (sqrt(3) * 400) / 32, overload = 39_600 / (sqrt(3) * 400) / 32
        let theta0 = normal * normal * (1 - exp(-3_600 / tau))
        let capped = 3_600.016
        let expectedTrip = capped + tau * log((overload * overload - theta0 * exp(-0.016 / tau) - normal * normal * (1 - exp(-0.016 / tau)))
            / (overload * overload - 1.13 * 1.13))
        let trips = run.times("breaker_trip")
        #expect(trips.count == 1)
        #expect(abs(trips[0].seconds - expectedTrip) < 0.001, "tripped at \(trips[0]), expected \(expectedTrip) s")
        // Warm from an hour at 0.92 In, it trips sooner than a cold breaker would (69.8 s at 1.79 In).
        let cold = tau * log(overload * overload / (overload * overload - 1.13 * 1.13))
        #expect(trips[0].seconds - capped > 1 && trips[0].seconds - capped < cold, "after \(trips[0].seconds - capped) s")
        #expect(run.facility.nodes.allSatisfy { $0.powerState == .off })
        #expect(run.times("node_off").allSatisfy { $0 == trips[0] + .milliseconds(16) })
        #expect(run.facility.racks[0].feedWatts == [0, 0])
    }

    @Test("Utility loss with a good generator: no gap, generator on load at 10 s, battery dips by (load + losses) × 10 s")
    func generatorBridges() {
        var run = RackScenario()
        run.facility.inject(.utilityLoss(.a), at: seconds(600), into: &run.simulation)
        run.simulation.run(until: seconds(610))
        #expect(run.times("transfer_to_generator") == [seconds(610)])
        #expect(run.facility.upses[0].ups.mode == .online)
        let load = 20_400.0
        let dip = (load + UPSLossModel.doubleConversion.lossWatts(outputWatts: load, ratedWatts: 100_000)) * 10
        let ups = run.facility.upses[0].ups
        #expect(abs(ups.batteryCapacityJoules - ups.batteryJoules - dip) < 1e-6 * dip)
        run.simulation.run(until: seconds(3_600))
        #expect(run.times("node_capped").isEmpty && run.times("node_off").isEmpty, "no node saw a gap")
        #expect(run.facility.nodes.allSatisfy { $0.powerState == .on })
    }

    @Test("Utility loss with a failed generator: feed A drops at the computed battery runtime; B carries on")
    func generatorFails() {
        var run = RackScenario()
        run.facility.inject(.generatorFailsToStart(.a), at: .zero, into: &run.simulation)
        run.facility.inject(.utilityLoss(.a), at: seconds(600), into: &run.simulation)
        run.simulation.run(until: seconds(7_200))
        let load = 20_400.0
        let drain = load + UPSLossModel.doubleConversion.lossWatts(outputWatts: load, ratedWatts: 100_000)
        let runtime = run.facility.upses[0].ups.batteryCapacityJoules / drain
        let dropped = run.times("ups_depleted")
        #expect(dropped.count == 1 && abs(dropped[0].seconds - (600 + runtime)) < 0.001, "dropped at \(dropped), expected \(600 + runtime)")
        #expect(run.times("generator_failed_to_start") == [seconds(600)])
        #expect(run.facility.nodes.allSatisfy { $0.powerState == .capped })
    }

    @Test("Cooling lost on a 44 kW rack: GPUs throttle then shut down at the closed-form times, recover with hysteresis")
    func coolingLoss() {
        var run = RackScenario()
        run.facility.inject(.coolingUnitFailure(zone: 0, unit: 0), at: seconds(60), into: &run.simulation)
        // Without cooling the inlet rises at P/C; GPUs run 700 W × 0.06 K/W = 42 K above it.
        let rate = RackScenario.rackWatts / 600_000
        let throttle = 60 + (89 - 42 - 27) / rate
        let shutdown = 60 + (92 - 42 - 27) / rate
        run.simulation.run(until: seconds(shutdown + 100))
        let throttled = run.times("gpu_throttled"), off = run.times("gpu_shutdown")
        #expect(throttled.count == 4 && throttled.allSatisfy { abs($0.seconds - throttle) < 0.001 }, "\(throttled) vs \(throttle)")
        #expect(off.count == 4 && off.allSatisfy { abs($0.seconds - shutdown) < 0.001 }, "\(off) vs \(shutdown)")
        // With the GPUs off only the hosts heat the zone (4 × 2 kW idle).
        let inletAtRepair = 50 + 100 * (8_000 / 600_000.0)
        run.facility.inject(.coolingUnitRepair(zone: 0, unit: 0), at: seconds(shutdown + 100), into: &run.simulation)
        run.simulation.run(until: seconds(shutdown + 3_600))
        // Saturated CRAH: falls at (50 kW − 8 kW)/C until the restart threshold 89 − 5 − 42 = 42 C.
        let restart = shutdown + 100 + (inletAtRepair - 42) / (42_000 / 600_000.0)
        let normal = run.times("gpu_normal")
        #expect(normal.count == 4 && normal.allSatisfy { abs($0.seconds - restart) < 0.001 }, "\(normal) vs \(restart)")
        #expect(run.facility.nodes.allSatisfy { $0.governor.state == .normal })
        let snapshot = run.facility.snapshot(at: run.simulation.now)
        #expect(abs(snapshot.zoneCelsius[0] - 27) < 0.01, "back to the designed 27 C inlet")
        #expect(abs(snapshot.maxInletCelsius - inletAtRepair) < 1e-9, "the peak, at the repair")
        // ASHRAE A1 allowable (32 C): left on the way up, back 0.5 K below it on the way down,
        // where the restarted GPUs' 40.8 kW still leaves the saturated CRAH 9.2 kW to spare.
        let above = run.times("inlet_above_allowable"), within = run.times("inlet_within_allowable")
        #expect(above.count == 1 && abs(above[0].seconds - (60 + 5 / rate)) < 0.001)
        #expect(within.count == 1 && abs(within[0].seconds - (restart + (42 - 31.5) / (9_200 / 600_000.0))) < 0.001,
                "\(within) vs \(restart + (42 - 31.5) / (9_200 / 600_000.0))")
    }

    @Test("Energy is conserved through outages: utility − Δbattery = IT + UPS losses (within 0.1%)")
    func energyConservation() {
        var run = RackScenario()
        run.facility.inject(.utilityLoss(.a), at: seconds(300), into: &run.simulation)
        run.facility.inject(.utilityRestore(.a), at: seconds(900), into: &run.simulation)
        run.facility.inject(.generatorFailsToStart(.b), at: .zero, into: &run.simulation)
        run.facility.inject(.utilityLoss(.b), at: seconds(1_200), into: &run.simulation)
        run.facility.inject(.utilityRestore(.b), at: seconds(1_300), into: &run.simulation)
        run.facility.setUtilization(node: 2, 0.3, at: seconds(1_250), into: &run.simulation)
        run.simulation.run(until: seconds(7_200))
        let energy = run.facility.energy(at: run.simulation.now)
        let sources = energy.utilityJoules - energy.batteryStoredChangeJoules
        let sinks = energy.itJoules + energy.upsLossJoules
        #expect(abs(sources - sinks) / sinks < 0.001, "sources \(sources) J, sinks \(sinks) J")
        #expect(energy.pue > 1 && energy.pue < 1.5, "PUE \(energy.pue)")
    }

    @Test("Same spec, faults and seed give the same log, over 20 seeds")
    func determinism() {
        func log(seed: UInt64) -> [String] {
            var run = RackScenario(pduAmperes: 32, seed: seed)
            run.facility.inject(.utilityLoss(.a), at: seconds(10), into: &run.simulation)
            run.facility.inject(.upsFailure(.b, toBypass: false), at: seconds(20), into: &run.simulation)
            run.facility.inject(.coolingUnitFailure(zone: 0, unit: 0), at: seconds(30), into: &run.simulation)
            run.simulation.run(until: seconds(2_000))
            return run.facility.recorder.entries.map(\.description)
        }
        for seed in UInt64(0) ..< 20 { #expect(log(seed: seed) == log(seed: seed), "seed \(seed)") }
    }
}

@Suite("Facility cost")
struct FacilityCostTests {
    @Test("A fault-free hall handles the same events for 1 hour as for 10: cost follows changes, not time")
    func noStepping() {
        func events(hours: Int) -> (events: Int, samples: Int) {
            var simulation = FacilitySimulation(seed: 3)
            let facility = Facility.build(.uniformHall(racks: 20, utilization: 0.7), into: &simulation)
            var samples = 0
            facility.run(&simulation, until: .at(.hours(hours)), sampleEvery: .seconds(60)) { _ in samples += 1 }
            return (simulation.eventsHandled, samples)
        }
        let one = events(hours: 1), ten = events(hours: 10)
        #expect(one.events == ten.events, "\(one.events) vs \(ten.events)")
        #expect(one.events == 20 * 24, "settling: per node 3 events, per rack 3 per node draw (2 feeds + heat)")
        #expect(one.samples == 61 && ten.samples == 601)
    }

    @Test("The uniform hall holds its design inlet and reports a plausible PUE")
    func uniformHall() {
        var simulation = FacilitySimulation(seed: 3)
        let facility = Facility.build(.uniformHall(racks: 100, utilization: 1), into: &simulation)
        simulation.run(until: .at(.hours(1)))
        let snapshot = facility.snapshot(at: simulation.now)
        #expect(abs(snapshot.zoneCelsius[0] - 27) < 1e-6, "sized for 27 C at full load")
        #expect(snapshot.itWatts == 100 * 40_800 && snapshot.nodesCapped == 0 && snapshot.racksOverBudget == 0)
        let pue = facility.energy(at: simulation.now).pue
        #expect(pue > 1.1 && pue < 1.56, "between best hyperscale and the 2024 industry average: \(pue)")
    }
}

@Suite("Rear-door cooling")
struct RearDoorTests {
    @Test("A failed rear door dumps the rack's heat into the zone: proportional rise, saturation, then linear to throttle")
    func doorFailure() {
        // Door takes 35 kW of 40.8 kW; the zone's CRAH, sized for the 5.8 kW residue at 27 C,
        // has 10 kW of capacity.
        let conductance = 5_800.0 / 7
        let crah = Cooling(conductanceWattsPerKelvin: conductance, supplyTemperatureCelsius: 20, capacityWatts: 10_000)
        let spec = FacilitySpec(
            feedA: RackScenario.feed, feedB: RackScenario.feed,
            zones: [ZoneSpec(name: "hall", capacitanceJoulesPerKelvin: 600_000, initialCelsius: 27, coolingUnits: [crah])],
            racks: [RackSpec(name: "r01", nodes: (1 ... 4).map { NodeSpec(name: "n\($0)", initialUtilization: 1) },
                             rearDoorCapacityWatts: 35_000)])
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(spec, into: &simulation)
        simulation.run(until: seconds(60))
        #expect(abs(facility.snapshot(at: simulation.now).zoneCelsius[0] - 27) < 1e-9)
        facility.inject(.rearDoorFailure(rack: 0), at: seconds(60), into: &simulation)
        simulation.run(until: seconds(3_600))
        let tau = 600_000 / conductance, target = 20 + 40_800 / conductance, saturation = 20 + 10_000 / conductance
        let toSaturation = tau * log((27 - target) / (saturation - target))
        let throttle = 60 + toSaturation + (47 - saturation) / (30_800 / 600_000.0)
        let throttled = facility.recorder.entries(kind: "gpu_throttled").map(\.time.seconds)
        #expect(throttled.count >= 4 && throttled.prefix(4).allSatisfy { abs($0 - throttle) < 0.001 }, "\(throttled) vs \(throttle)")
        // Shut down, the GPUs leave 8 kW of host heat, which the 10 kW CRAH can take: the zone
        // cools, the GPUs restart at 42 C and heat it again. The hall cycles; planners see it.
        let kinds = facility.recorder.entries.filter { $0.component == "r01/n1" && $0.kind.hasPrefix("gpu_") }.map(\.kind)
        #expect(Array(kinds.prefix(4)) == ["gpu_throttled", "gpu_shutdown", "gpu_normal", "gpu_throttled"])
    }
}

@Suite("Rear-door energy")
struct RearDoorEnergyTests {
    @Test("Heat a rear door takes goes to the chiller: cooling energy is fans plus (air + door heat) / COP")
    func doorHeatIsChargedToTheChiller() {
        let crah = Cooling(conductanceWattsPerKelvin: 5_800.0 / 7, supplyTemperatureCelsius: 20, capacityWatts: 10_000)
        let zone = ZoneSpec(name: "hall", capacitanceJoulesPerKelvin: 600_000, initialCelsius: 27, coolingUnits: [crah])
        let spec = FacilitySpec(
            feedA: RackScenario.feed, feedB: RackScenario.feed, zones: [zone],
            racks: [RackSpec(name: "r01", nodes: (1 ... 4).map { NodeSpec(name: "n\($0)", initialUtilization: 1) },
                             rearDoorCapacityWatts: 35_000)])
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(spec, into: &simulation)
        simulation.run(until: seconds(3_600))
        // 40.8 kW of rack heat: 35 kW through the door, 5.8 kW into the air, which holds 27 C.
        let energy = facility.energy(at: simulation.now)
        let expected = (zone.fanWattsPerUnit + 40_800 / zone.chillerCOP) * 3_600
        #expect(abs(energy.coolingJoules / expected - 1) < 1e-6, "\(energy.coolingJoules) J vs \(expected) J")
    }
}

@Suite("Direct liquid cooling")
struct LiquidCoolingTests {
    /// 75% of the rack's 40.8 kW into a coolant loop of 1 MJ/K (water and cold plates, estimate)
    /// held at 40 C by a CDU (35 C supply, 50 kW); the remaining 10.2 kW into the air zone.
    static func spec() -> FacilitySpec {
        let cdu = Cooling(conductanceWattsPerKelvin: 30_600.0 / 5, supplyTemperatureCelsius: 35, capacityWatts: 50_000)
        let crah = Cooling(conductanceWattsPerKelvin: 10_200.0 / 7, supplyTemperatureCelsius: 20, capacityWatts: 20_000)
        let nodes = (1 ... 4).map { NodeSpec(name: "n\($0)", gpuThermal: .h100Liquid, initialUtilization: 1) }
        return FacilitySpec(
            feedA: RackScenario.feed, feedB: RackScenario.feed,
            zones: [ZoneSpec(name: "hall", capacitanceJoulesPerKelvin: 600_000, initialCelsius: 27, coolingUnits: [crah])],
            coolantLoops: [ZoneSpec(name: "cdu-1", capacitanceJoulesPerKelvin: 1_000_000, initialCelsius: 40, coolingUnits: [cdu],
                                    allowableInletCelsius: 45)],
            racks: [RackSpec(name: "r01", nodes: nodes, coolantLoop: 0, liquidFraction: 0.75)])
    }

    @Test("Heat splits 75/25 between coolant and air; both hold their design temperatures")
    func split() {
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(Self.spec(), into: &simulation)
        simulation.run(until: .at(.hours(1)))
        let snapshot = facility.snapshot(at: simulation.now)
        #expect(facility.coolantLoops[0].heatWatts == 30_600 && facility.zones[0].heatWatts == 10_200)
        #expect(abs(snapshot.coolantCelsius[0] - 40) < 1e-9 && abs(snapshot.zoneCelsius[0] - 27) < 1e-9)
        #expect(abs(snapshot.hottestGPUCelsius - (40 + 700 * 0.03)) < 1e-9, "GPUs run 21 K over the coolant")
    }

    @Test("A CDU failure heats the loop at P/C: GPUs throttle and shut down at the closed-form times; the air zone is untouched until then")
    func cduFailure() {
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(Self.spec(), into: &simulation)
        facility.inject(.coolantUnitFailure(loop: 0, unit: 0), at: seconds(60), into: &simulation)
        let rate = 30_600 / 1_000_000.0
        let throttle = 60 + (89 - 21 - 40) / rate, shutdown = 60 + (92 - 21 - 40) / rate
        simulation.run(until: seconds(shutdown - 1))
        #expect(abs(facility.snapshot(at: simulation.now).zoneCelsius[0] - 27) < 1e-9)
        simulation.run(until: seconds(shutdown + 1))
        let throttled = facility.recorder.entries(kind: "gpu_throttled").map(\.time.seconds)
        let off = facility.recorder.entries(kind: "gpu_shutdown").map(\.time.seconds)
        #expect(throttled.count == 4 && throttled.allSatisfy { abs($0 - throttle) < 0.001 }, "\(throttled) vs \(throttle)")
        #expect(off.count == 4 && off.allSatisfy { abs($0 - shutdown) < 0.001 }, "\(off) vs \(shutdown)")
        let above = facility.recorder.entries(kind: "inlet_above_allowable").filter { $0.component == "cdu-1" }.map(\.time.seconds)
        #expect(above.count == 1 && abs(above[0] - (60 + 5 / rate)) < 0.001, "coolant past its 45 C limit")
    }
}

@Suite("Static transfer switch")
struct StaticTransferSwitchTests {
    static func run(transfer: SimDuration) -> Facility<FacilityMessage> {
        var spec = RackScenario.spec()
        spec.racks[0].nodes[3].cording = .singleViaSTS(preferred: .a, transferTime: transfer)
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(spec, into: &simulation)
        facility.inject(.upsFailure(.a, toBypass: false), at: seconds(600), into: &simulation)
        facility.inject(.upsRepair(.a), at: seconds(900), into: &simulation)
        simulation.run(until: seconds(650))
        #expect(facility.racks[0].feedWatts[0] == 0, "nothing draws from the dead feed")
        simulation.run(until: seconds(1_000))
        return facility
    }

    @Test("A single-corded node behind a 4 ms STS rides through the loss of its feed and the return, within its 16 ms hold-up")
    func ridesThrough() {
        let facility = Self.run(transfer: .milliseconds(4))
        let entries = facility.recorder.entries.filter { $0.component == "r01/n4" }.map(\.description)
        #expect(entries == [
            "00:10:00.004 r01/n4 sts_transfer to=B",
            "00:10:00.004 r01/n4 rode_through feed=A",
            "00:15:00.004 r01/n4 sts_transfer to=A",
            "00:15:00.004 r01/n4 rode_through feed=A",
        ])
        #expect(facility.nodes[3].powerState == .on, "all six supplies on the cord carry 10.2 kW uncapped")
    }

    @Test("A switch slower than the hold-up drops the node for the difference")
    func slowSwitchDrops() {
        let facility = Self.run(transfer: .milliseconds(25))
        let states = facility.recorder.entries.filter { $0.component == "r01/n4" && $0.kind.hasPrefix("node_") }.map(\.description)
        #expect(states == [
            "00:10:00.016 r01/n4 node_off delivered_kw=0.0",
            "00:10:00.025 r01/n4 node_on delivered_kw=10.2",
            "00:15:00.016 r01/n4 node_off delivered_kw=0.0",
            "00:15:00.025 r01/n4 node_on delivered_kw=10.2",
        ])
    }
}

@Suite("Chilled-water plant")
struct ChillerTests {
    @Test("A chiller failure is carried by the buffer for exactly its energy / load, then the zone heats to throttle")
    func bufferRideThrough() {
        var spec = RackScenario.spec()
        spec.zones[0].chilledWaterBufferJoules = 40_800 * 600  // ten minutes of the rack's heat
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(spec, into: &simulation)
        simulation.run(until: seconds(60))
        let before = facility.energy(at: simulation.now)
        facility.inject(.chillerFailure(zone: 0), at: seconds(60), into: &simulation)
        simulation.run(until: seconds(3_000))
        let empty = facility.recorder.entries(kind: "chilled_water_buffer_empty").map(\.time.seconds)
        #expect(empty.count == 1 && abs(empty[0] - 660) < 0.001, "the zone sat at 27 C removing 40.8 kW: \(empty)")
        let throttle = 660 + 20 / (40_800 / 600_000.0)
        let throttled = facility.recorder.entries(kind: "gpu_throttled").map(\.time.seconds)
        #expect(throttled.count == 4 && throttled.allSatisfy { abs($0 - throttle) < 0.001 }, "\(throttled) vs \(throttle)")
        // While the buffer carried the load the chiller drew nothing: the interval's PUE fell.
        let during = facility.energy(at: seconds(3_000)).since(before)
        #expect(during.pue < before.pue)
    }
}

@Suite("Floor distribution")
struct FloorDistributionTests {
    /// A row of four 44 kW racks (16 DGX H100 at full load) behind one floor PDU per feed.
    static func row(unitAmperes: Double) -> FacilitySpec {
        var spec = RackScenario.spec()
        spec.racks = (1 ... 4).map { index in
            RackSpec(name: "r0\(index)", nodes: (1 ... 4).map { NodeSpec(name: "n\($0)", initialUtilization: 1) }, distribution: 0)
        }
        spec.zones[0].coolingUnits = [Cooling(conductanceWattsPerKelvin: 4 * RackScenario.rackWatts / 7, supplyTemperatureCelsius: 20,
                                              capacityWatts: 200_000)]
        spec.distribution = [DistributionSpec(name: "row-1", ratedCurrentAmperes: unitAmperes)]
        return spec
    }

    @Test("A floor PDU tripped by a fault moves its row to the other feed: every node capped, none off")
    func faultTrip() {
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(Self.row(unitAmperes: 250), into: &simulation)
        facility.inject(.distributionTrip(unit: 0, .a), at: seconds(60), into: &simulation)
        simulation.run(until: seconds(120))
        #expect(facility.distribution[0].circuit.tripped && facility.distribution[0].circuit.loadWatts == 0)
        #expect(facility.distribution[1].circuit.loadWatts == 16 * 9_900)
        #expect(facility.nodes.allSatisfy { $0.powerState == .capped })
        #expect(facility.upses[0].ups.outputWatts == 0 && facility.upses[1].ups.outputWatts == 16 * 9_900)
        // 158.4 kW on a 250 A unit is 91% of its rating: held, but flagged.
        #expect(facility.recorder.entries(kind: "pdu_above_80_percent").contains { $0.component == "row-1-B" })
    }

    @Test("Feed A lost under a 160 A floor PDU: the B unit trips at its breaker's exact time and the row goes dark")
    func overloadTrip() {
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(Self.row(unitAmperes: 160), into: &simulation)
        simulation.run(until: seconds(3_600))
        facility.inject(.upsFailure(.a, toBypass: false), at: seconds(3_600), into: &simulation)
        simulation.run(until: seconds(7_200))
        let tau = CircuitBreaker.defaultThermalTimeConstant.seconds
        let normal = 81_600 / (sqrt(3) * 400) / 160, overload = 158_400 / (sqrt(3) * 400) / 160
        // Warm from an hour at 0.74 In; the overload starts when the A supplies' hold-up ends.
        let theta = normal * normal * (1 - exp(-3_600.016 / tau))
        let expected = 3_600.016 + tau * log((overload * overload - theta) / (overload * overload - 1.13 * 1.13))
        let trips = facility.recorder.entries(kind: "breaker_trip").map(\.time.seconds)
        #expect(trips.count == 1 && abs(trips[0] - expected) < 0.001, "\(trips) vs \(expected)")
        #expect(facility.nodes.allSatisfy { $0.powerState == .off }, "the whole row is dark")
    }
}

@Suite("Power supply faults")
struct SupplyFaultTests {
    @Test("A node with one B supply failed survives on both feeds, and shuts down when feed A goes (2 live supplies < 3)")
    func belowMinimum() {
        var run = RackScenario()
        run.facility.inject(.supplyFailure(node: 0, .b), at: seconds(10), into: &run.simulation)
        run.simulation.run(until: seconds(20))
        #expect(run.facility.nodes[0].powerState == .on, "5 supplies carry 10.2 kW")
        run.facility.inject(.upsFailure(.a, toBypass: false), at: seconds(30), into: &run.simulation)
        run.simulation.run(until: seconds(40))
        #expect(run.facility.nodes[0].powerState == .off)
        #expect(run.facility.nodes.dropFirst().allSatisfy { $0.powerState == .capped })
        run.facility.inject(.supplyRepair(node: 0, .b), at: seconds(50), into: &run.simulation)
        run.simulation.run(until: seconds(60))
        #expect(run.facility.nodes[0].powerState == .capped, "back on three B supplies")
    }
}
