import Compute
import Facility
import Serving
import SimKernel
import Testing
import Twin

/// Two 44 kW racks of 4 DGX H100 (64 GPUs) serving the chat reference (70B, TP2: 32 replicas,
/// four to a node) at 12 requests/s for `minutes`.
func smallHall(minutes: Double = 10, rate: Double = 12) -> TwinSpec {
    let facility = FacilitySpec.uniformHall(racks: 2, utilization: 0)
    let served = ServedWorkloadSpec.chatReference(gpus: 64, ratePerSecond: rate)
    return TwinSpec(facility: facility, workloads: [PlacedWorkloadSpec(served: served, nodes: Array(0 ..< 8))],
                    duration: .minutes(minutes))
}

@Suite("Twin: facility and serving in one world")
struct TwinTests {
    @Test("Placement packs four TP2 replicas per 8-GPU node and spans nodes for replicas larger than one")
    func placementPacksAndSpans() {
        var placement = Placement(nodeCount: 6)
        placement.place(instances: 8, layout: InstanceLayout(tensorParallel: 2), on: [0, 1])
        placement.place(instances: 2, layout: InstanceLayout(tensorParallel: 16), on: [2, 3, 4, 5])
        #expect(placement.instancesOnNode[0] == [0, 1, 2, 3])
        #expect(placement.instancesOnNode[1] == [4, 5, 6, 7])
        #expect(placement.instances[8].map(\.node) == [2, 3])
        #expect(placement.instances[9].map(\.node) == [4, 5])
        #expect(placement.instances[0].first?.gpuFraction == 0.25)
        #expect(Placement.nodesNeeded(instances: 9, layout: InstanceLayout(tensorParallel: 2)) == 3)
        #expect(Placement.nodesNeeded(instances: 2, layout: InstanceLayout(tensorParallel: 16)) == 4)
    }

    @Test("IT energy equals the nodes' idle power plus their power slope times the GPU busy time reported one interval late")
    func powerFollowsTraffic() {
        let spec = smallHall()
        let twin = Twin(spec, seed: 7)
        // A report covers the interval before it and sets the power of the interval after it,
        // so the energy to the end counts the busy time up to one interval before the end.
        let lastReport = twin.end - spec.busyReportInterval
        _ = twin.simulation.run(until: lastReport)
        let busySeconds = twin.serving.instances[0].reduce(0.0) { $0 + $1.engine.busyTime(at: lastReport).seconds }
        twin.run(sampleEvery: .minutes(1))
        let report = twin.report()
        let profile = NodePowerProfile.dgxH100
        let idleWatts = profile.demandWatts(utilization: 0)
        let slopeWatts = profile.demandWatts(utilization: 1) - idleWatts
        let seconds = spec.duration.seconds
        // Each TP2 replica holds a quarter of its node: its busy time moves a quarter of the slope.
        let predicted = 8 * idleWatts * seconds + slopeWatts * busySeconds / 4
        let measured = report.energy.itJoules
        // Utilisation changes under 0.001 are not sent: at most 0.001 of the slope per node.
        #expect(abs(measured / predicted - 1) < 1e-3, "IT energy \(measured) J vs \(predicted) J predicted")
        #expect(report.workloads[0].busyFraction > 0.2, "the pool was loaded")
        #expect(measured > 8 * idleWatts * seconds * 1.1, "traffic raised the power above idle")
    }

    @Test("Cost per million output tokens is the GPU-hours and the facility energy priced, over the output tokens")
    func costFromGPUHoursAndEnergy() {
        let twin = Twin(smallHall(), seed: 7)
        twin.run(sampleEvery: .minutes(1))
        let report = twin.report()
        let tokens = Double(report.outputTokens)
        #expect(report.cost.gpuHours == 64.0 * 600 / 3_600)
        #expect(report.cost.gpuCostUSD == report.cost.gpuHours * 2.5)
        let energyCost = report.energy.facilityJoules / 3.6e6 * 0.08
        #expect(abs(report.cost.energyCostUSD - energyCost) < 1e-9)
        #expect(abs(report.cost.usdPerMillionOutputTokens - (report.cost.gpuCostUSD + energyCost) / tokens * 1e6) < 1e-9)
        #expect(abs(report.cost.itJoulesPerOutputToken - report.energy.itJoules / tokens) < 1e-9)
        #expect(tokens > 0)
    }

    @Test("A node's hardware failure takes its four replicas down; the router notices within a probe interval plus timeout and retries, losing nothing")
    func nodeFailureFailsItsInstances() {
        let twin = Twin(smallHall(), seed: 11)
        twin.inject(.nodeFailure(node: 0), at: .at(.seconds(300.5)))
        twin.inject(.nodeRepair(node: 0), at: .at(.seconds(420)))
        twin.run(sampleEvery: .minutes(1))
        let report = twin.report()
        #expect(report.failover.instanceFailures == 4)
        #expect(report.failover.capacityLostFractionMax == 0.125)
        #expect(report.failover.maxDetectionSeconds > 0 && report.failover.maxDetectionSeconds <= 6)
        #expect(report.failover.requestsRetried > 0)
        #expect(report.failover.requestsFailed == 0)
        let allUp = twin.serving.instances[0].allSatisfy { $0.isUp }
        #expect(allUp, "the repaired node's replicas came back")
        #expect(twin.serving.conservationHolds())
    }

    @Test("Both UPSes failing without bypass turns every node off and every replica down; requests fail or are rejected, none vanish")
    func totalPowerLossStopsServing() {
        let twin = Twin(smallHall(), seed: 3)
        twin.inject(.upsFailure(.a, toBypass: false), at: .at(.seconds(200)))
        twin.inject(.upsFailure(.b, toBypass: false), at: .at(.seconds(200)))
        var offAtEnd = 0
        twin.run(sampleEvery: .minutes(1)) { offAtEnd = $0.facility.nodesOff }
        let report = twin.report()
        #expect(offAtEnd == 8)
        #expect(report.failover.instanceFailures == 32)
        #expect(report.failover.capacityLostFractionMax == 1)
        let metrics = report.workloads[0].metrics
        #expect(metrics.rejectedTotal > 0, "arrivals after detection find no healthy replica")
        #expect(twin.serving.conservationHolds())
    }

    @Test("Losing feed A's utility on a 2N hall fails no replica: UPS A rides to its generator and feed B carries the nodes")
    func feedLossIsRiddenThrough() {
        let twin = Twin(smallHall(minutes: 5), seed: 4)
        twin.inject(.utilityLoss(.a), at: .at(.seconds(120)))
        twin.run(sampleEvery: .minutes(1))
        let report = twin.report()
        #expect(report.failover.instanceFailures == 0)
        #expect(report.failover.requestsRetried == 0)
        #expect(twin.facility.recorder.entries(kind: "transfer_to_generator").count == 1)
    }

    @Test("A node running at half speed halves its replicas' speed, and full speed restores it")
    func nodeSpeedReachesEngines() {
        let twin = Twin(smallHall(minutes: 1), seed: 5)
        let placementID = ComponentID(twin.facility.nodeIDs.last!.index + 1)
        _ = twin.simulation.schedule(.facility(.nodeStatus(node: 1, speedFactor: 0.5)), to: placementID, at: .at(.seconds(10)))
        _ = twin.simulation.run(until: .at(.seconds(20)))
        let onNode1 = twin.placement.instancesOnNode[1]
        let halved = onNode1.allSatisfy { twin.serving.instances[0][$0].engine.speedFactor == 0.5 }
        #expect(halved)
        #expect(twin.serving.instances[0][0].engine.speedFactor == 1)
        _ = twin.simulation.schedule(.facility(.nodeStatus(node: 1, speedFactor: 1)), to: placementID, at: .at(.seconds(30)))
        _ = twin.simulation.run(until: .at(.seconds(40)))
        let restored = onNode1.allSatisfy { twin.serving.instances[0][$0].engine.speedFactor == 1 }
        #expect(restored)
    }

    @Test("A warm-up leaves early arrivals out of the measurements but not out of the accounts, and energy counts from its end")
    func warmUpIsNotMeasured() {
        var spec = smallHall(minutes: 4)
        spec.warmUp = .minutes(1)
        let twin = Twin(spec, seed: 21)
        twin.run(sampleEvery: .seconds(45))
        let report = twin.report()
        let metrics = report.workloads[0].metrics
        #expect(twin.serving.conservationHolds())
        #expect(metrics.measured < metrics.completed && metrics.measured > 0)
        #expect(metrics.timeToFirstToken.count == metrics.measured)
        #expect(report.measuredSeconds == 180 && report.simulatedSeconds == 240)
        let whole = twin.facility.energy(at: twin.end)
        #expect(abs(report.energy.itJoules - (whole.itJoules - twin.energyAtMeasureStart.itJoules)) < 1e-6)
        #expect(twin.energyAtMeasureStart.itJoules > 0)
        #expect(report.cost.gpuHours == 64.0 * 180 / 3_600)
    }

    @Test("The same scenario and seed give the same report, event for event")
    func deterministic() {
        func run() -> (Int, Int64, Double, Double) {
            let twin = Twin(smallHall(minutes: 3), seed: 99)
            twin.inject(.nodeFailure(node: 2), at: .at(.seconds(61)))
            twin.run(sampleEvery: .seconds(30))
            let report = twin.report()
            return (report.eventsProcessed, report.outputTokens, report.energy.itJoules,
                    report.workloads[0].metrics.timeToFirstToken.percentileSeconds(99))
        }
        let first = run(), second = run()
        #expect(first == second)
    }
}
