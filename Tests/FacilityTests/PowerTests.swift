import Facility
import Foundation
import SimKernel
import Testing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    func cold(_ multiple: Double, curve: CircuitBreaker.Curve = .c) -> CircuitBreaker {
        var breaker = CircuitBreaker(ratedCurrentAmperes: 32, curve: curve)
        breaker.setCurrent(32 * multiple, at: .zero)
        return breaker
    }

    @Test("IEC 60898 conventional points: no trip at 1.13 In, within 1 h at 1.45 In, 1-60 s at 2.55 In")
    func conventionalPoints() {
        #expect(cold(1.13).timeToTrip == nil)
        #expect(cold(1.0).timeToTrip == nil)
        let at145 = cold(1.45).timeToTrip!
        #expect(at145 < .hours(1) && within(at145, 128.275, 0.01))
        let at255 = cold(2.55).timeToTrip!
        #expect(at255 >= .seconds(1) && at255 <= .seconds(60))
        #expect(cold(2).timeToTrip! > cold(3).timeToTrip!, "faster as the overload grows")
    }

    @Test("Instantaneous trip at the top of each curve's band: B 5, C 10, D 20 × In")
    func instantaneous() {
        #expect(cold(5, curve: .b).timeToTrip == .zero)
        #expect(cold(9.9, curve: .c).timeToTrip! > .zero)
        #expect(cold(10, curve: .c).timeToTrip == .zero)
        #expect(cold(19, curve: .d).timeToTrip! > .zero)
        #expect(cold(20, curve: .d).timeToTrip == .zero)
    }

    @Test("Thermal memory: a breaker that carried 1.1 In for an hour trips sooner on an overload, and cools back")
    func memory() {
        var warm = CircuitBreaker(ratedCurrentAmperes: 32)
        warm.setCurrent(35.2, at: .zero)
        warm.setCurrent(64, at: .at(.hours(1)))
        #expect(warm.timeToTrip! < cold(2).timeToTrip!)
        warm.setCurrent(0, at: .at(.hours(1) + .seconds(10)))
        warm.advance(to: .at(.hours(3)))
        #expect(warm.thermalState < 1e-9)
    }

    @Test("Feed A lost on a rack of 4 DGX H100 capped at 9.9 kW: a 32 A B-side PDU trips in ~70 s; 63 A holds above 80%")
    func rackPDU() {
        let rackWatts = 4 * 9_900.0
        let amperes = ThreePhase.currentAmperes(powerWatts: rackWatts, lineVoltage: 400)
        #expect(abs(ThreePhase.ratingWatts(lineVoltage: 400, currentAmperes: 32) - 22_170) < 1)
        var small = CircuitBreaker(ratedCurrentAmperes: 32)
        small.setCurrent(amperes / 2, at: .zero)  // both feeds sharing: 19.8 kW, 28.6 A
        #expect(small.timeToTrip == nil)
        #expect(small.isAboveContinuousLimit, "a 32 A PDU is already at 89% of rating in normal 2N operation")
        small.setCurrent(amperes, at: .at(.minutes(30)))  // feed A lost
        let trip = small.timeToTrip!
        #expect(trip > .seconds(30) && trip < .seconds(120), "trip after \(trip)")
        var large = CircuitBreaker(ratedCurrentAmperes: 63)
        large.setCurrent(amperes, at: .zero)
        #expect(large.timeToTrip == nil)
        #expect(large.isAboveContinuousLimit && large.loadFraction > 0.9)
    }
}

@Suite("UPS")
struct UPSTests {
    @Test("A full battery carries full load for exactly its 5-minute design runtime")
    func runtime() {
        var ups = UPS(ratedPowerWatts: 500_000)
        ups.setLoad(500_000, at: .zero)
        ups.setInputAvailable(false, at: .at(.seconds(1)))
        #expect(ups.mode == .onBattery)
        #expect(within(ups.timeToBatteryEmpty, 300, 1e-6))
        ups.advance(to: .at(.seconds(301)))
        #expect(ups.mode == .depleted && !ups.isOutputLive)
    }

    @Test("A 10 s generator start costs the battery (load + losses) × 10 s; recharge takes the computed time")
    func generatorBridge() {
        var ups = UPS(ratedPowerWatts: 500_000)
        let load = 300_000.0
        ups.setLoad(load, at: .zero)
        ups.setInputAvailable(false, at: .at(.seconds(60)))
        ups.setInputAvailable(true, at: .at(.seconds(70)))
        let loss = UPSLossModel.doubleConversion.lossWatts(outputWatts: load, ratedWatts: 500_000)
        let dip = (load + loss) * 10
        #expect(abs(ups.batteryCapacityJoules - ups.batteryJoules - dip) < 1e-3)
        #expect(within(ups.timeToBatteryFull, dip / (50_000 * 0.9), 1e-6))
        #expect(ups.mode == .online)
    }

    @Test("Energy is conserved: input = output + losses + Δstored, within 0.1% (here to 1e-9)")
    func conservation() {
        var ups = UPS(ratedPowerWatts: 400_000)
        let start = ups.batteryJoules
        ups.setLoad(250_000, at: .zero)
        ups.setInputAvailable(false, at: .at(.seconds(30)))
        ups.setLoad(350_000, at: .at(.seconds(90)))
        ups.setInputAvailable(true, at: .at(.seconds(120)))
        ups.setLoad(100_000, at: .at(.minutes(10)))
        ups.advance(to: .at(.hours(2)))
        let stored = ups.batteryJoules - start
        #expect(abs(ups.inputJoules - (ups.outputJoules + ups.lossJoules + stored)) < 1e-9 * ups.inputJoules)
        #expect(ups.batteryJoules == ups.batteryCapacityJoules, "recharged within two hours")
    }

    @Test("Losses follow no-load + proportional + square-law: 97% efficient at full load")
    func efficiency() {
        let model = UPSLossModel.doubleConversion
        #expect(abs(1_000_000 / (1_000_000 + model.lossWatts(outputWatts: 1_000_000, ratedWatts: 1_000_000)) - 1 / 1.03) < 1e-12)
        #expect(model.lossWatts(outputWatts: 0, ratedWatts: 1_000_000) == 10_000)
    }

    @Test("A failed UPS in bypass follows its input; without bypass its output is dead")
    func failure() {
        var ups = UPS(ratedPowerWatts: 100_000)
        ups.setLoad(50_000, at: .zero)
        ups.fail(toBypass: true, at: .at(.seconds(5)))
        #expect(ups.isOutputLive && ups.inputWatts == 50_000)
        ups.setInputAvailable(false, at: .at(.seconds(6)))
        #expect(!ups.isOutputLive)
        ups.fail(toBypass: false, at: .at(.seconds(7)))
        ups.repair(at: .at(.seconds(8)))
        #expect(ups.mode == .onBattery, "repaired without input, it runs from its battery")
    }
}

@Suite("Node power")
struct NodePowerTests {
    @Test("DGX H100 at full load draws 10.2 kW, split evenly across both feeds")
    func sharing() {
        let demand = NodePowerProfile.dgxH100.demandWatts(utilization: 1)
        #expect(demand == 10_200)
        let outcome = PowerSupplySet.dgxH100.outcome(demandWatts: demand, aliveOnA: 3, aliveOnB: 3, feedA: true, feedB: true)
        #expect(outcome.state == .on && outcome.feedAWatts == 5_100 && outcome.feedBWatts == 5_100)
    }

    @Test("Feed A lost: the node stays up on B's 3 supplies, capped at 9.9 kW, and slows by the cube-root law")
    func feedLoss() {
        let profile = NodePowerProfile.dgxH100
        let outcome = PowerSupplySet.dgxH100.outcome(demandWatts: 10_200, aliveOnA: 3, aliveOnB: 3, feedA: false, feedB: true)
        #expect(outcome.state == .capped && outcome.deliveredWatts == 9_900 && outcome.feedBWatts == 9_900 && outcome.feedAWatts == 0)
        let speed = profile.speedFactor(capWatts: outcome.capacityWatts, utilization: 1)
        #expect(abs(speed - cbrt(5_300.0 / 5_600)) < 1e-12, "GPUs get 9.9 kW − 4.6 kW host = 5.3 of 5.6 kW")
        #expect(speed < 1)
        #expect(profile.speedFactor(capWatts: 20_000, utilization: 1) == 1)
    }

    @Test("Below the minimum supply count, or with no fed supply, the node is off")
    func shutdown() {
        let supplies = PowerSupplySet.dgxH100
        #expect(supplies.outcome(demandWatts: 8_000, aliveOnA: 3, aliveOnB: 2, feedA: false, feedB: true).state == .off)
        #expect(supplies.outcome(demandWatts: 8_000, aliveOnA: 3, aliveOnB: 3, feedA: false, feedB: false).state == .off)
        #expect(supplies.outcome(demandWatts: 8_000, aliveOnA: 1, aliveOnB: 2, feedA: true, feedB: true).state == .on)
    }
}

@Suite("GPU thermal governor")
struct GPUThermalGovernorTests {
    @Test("Throttle at 89 C, shut down at 92 C, recover only 5 K below the slowdown limit")
    func hysteresis() {
        var gpu = GPUThermalGovernor.h100Air
        var trace: [String] = []
        for celsius in [88.9, 89, 86, 84, 92.5, 85, 84] {
            let changed = gpu.update(inletCelsius: celsius, runningGPUWatts: 0)
            trace.append("\(celsius): \(gpu.state.rawValue)\(changed ? " (changed)" : "") x\(gpu.speedFactor)")
        }
        #expect(trace == [
            "88.9: normal x1.0",
            "89.0: throttled (changed) x0.5",
            "86.0: throttled x0.5",  // inside the hysteresis band
            "84.0: normal (changed) x1.0",
            "92.5: shutdown (changed) x0.0",
            "85.0: shutdown x0.0",
            "84.0: normal (changed) x1.0",
        ])
    }

    @Test("Inlet thresholds subtract the GPU's rise over inlet (700 W × 0.06 K/W = 42 K)")
    func thresholds() {
        var gpu = GPUThermalGovernor.h100Air
        #expect(gpu.inletThresholds(runningGPUWatts: 700).rising == 47)
        gpu.update(inletCelsius: 48, runningGPUWatts: 700)
        let throttled = gpu.inletThresholds(runningGPUWatts: 700)
        #expect(throttled.rising == 50 && throttled.falling == 42)
    }

    @Test("A shut-down GPU restarts only where it would run normally at its running power: no trip-restart loop")
    func restartWithoutOscillation() {
        var gpu = GPUThermalGovernor.h100Air
        gpu.update(inletCelsius: 50, runningGPUWatts: 700)
        #expect(gpu.state == .shutdown)
        let restart = gpu.inletThresholds(runningGPUWatts: 700).falling!
        #expect(restart == 42)
        let stillHot = gpu.update(inletCelsius: 45, runningGPUWatts: 700)
        let cooled = gpu.update(inletCelsius: restart, runningGPUWatts: 700)
        #expect(!stillHot && cooled && gpu.state == .normal)
        #expect(gpu.inletThresholds(runningGPUWatts: 700).rising! > restart, "after the restart it is below its next limit")
    }
}

@Suite("UPS modules")
struct UPSModuleTests {
    @Test("N+1: losing one of four 125 kW modules under 300 kW changes only the loss share; losing two bypasses until repair")
    func redundancy() {
        var ups = UPS(ratedPowerWatts: 500_000, modules: 4)
        ups.setLoad(300_000, at: .zero)
        let model = UPSLossModel.doubleConversion
        #expect(ups.conversionLossWatts == model.lossWatts(outputWatts: 300_000, ratedWatts: 500_000))
        ups.failModule(at: .at(.seconds(10)))
        #expect(ups.mode == .online && ups.liveCapacityWatts == 375_000)
        #expect(ups.conversionLossWatts == model.lossWatts(outputWatts: 300_000, ratedWatts: 375_000))
        ups.failModule(at: .at(.seconds(20)))
        #expect(ups.mode == .overloadBypass && ups.isOutputLive && ups.conversionLossWatts == 0)
        ups.setInputAvailable(false, at: .at(.seconds(25)))
        #expect(!ups.isOutputLive, "in bypass there is no battery behind the load")
        ups.setInputAvailable(true, at: .at(.seconds(26)))
        ups.repairModule(at: .at(.seconds(30)))
        #expect(ups.mode == .online)
        ups.setLoad(400_000, at: .at(.seconds(40)))
        #expect(ups.mode == .overloadBypass, "load growth past the live modules bypasses too")
        ups.setLoad(350_000, at: .at(.seconds(50)))
        #expect(ups.mode == .online)
    }

    @Test("All modules failed: the UPS fails to bypass, and a repaired module takes the load back")
    func allModules() {
        var ups = UPS(ratedPowerWatts: 200_000, modules: 2)
        ups.setLoad(50_000, at: .zero)
        ups.failModule(at: .at(.seconds(1)))
        ups.failModule(at: .at(.seconds(2)))
        #expect(ups.mode == .bypass)
        ups.repairModule(at: .at(.seconds(3)))
        #expect(ups.mode == .online)
    }
}

@Suite("UPS overload in a facility")
struct UPSOverloadLogTests {
    @Test("An overload is logged once, as the UPS's move to overload bypass, also when a failed module caused it")
    func loggedOnce() {
        let feed = FeedSpec(upsRatedPowerWatts: 60_000, upsModules: 3)  // 20 kW modules under 20.4 kW per feed
        var spec = RackScenario.spec()
        spec.feeds = [feed, feed]
        var simulation = FacilitySimulation(seed: 1)
        let facility = Facility.build(spec, into: &simulation)
        facility.inject(.upsModuleFailure(.a), at: .at(.seconds(10)), into: &simulation)
        facility.inject(.upsModuleFailure(.a), at: .at(.seconds(20)), into: &simulation)
        simulation.run(until: .at(.seconds(30)))
        let kinds = facility.recorder.entries.filter { $0.component == "ups-A" }.map(\.kind)
        #expect(kinds == ["ups_module_failed", "ups_module_failed", "ups_overloadBypass"])
    }
}
