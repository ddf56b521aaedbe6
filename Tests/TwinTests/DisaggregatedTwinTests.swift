import Compute
import Facility
import Serving
import SimKernel
import Testing
import Twin

/// Two racks of 4 DGX H100: Llama-3.1-8B prefilled by `prefill` TP1 replicas on node 0 and
/// decoded by `decode` TP1 replicas from node 4 on, KV caches over the fabric.
func disaggregatedHall(workload: WorkloadSpec, prefill: Int = 1, decode: Int = 1, fabric: FabricSpec = .init(),
                       minutes: Double = 10) -> TwinSpec {
    let performance = PerformanceModel(model: Catalogue.model(named: "Llama-3.1-8B")!, gpu: Catalogue.gpu(named: "H100")!,
                                       layout: InstanceLayout(), profile: .tensorRTLLM2025, nicBytesPerSecond: 50e9)
    let served = ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: performance, count: prefill),
                                    decodePool: InstancePoolSpec(performance: performance, count: decode))
    return TwinSpec(facility: .uniformHall(racks: 2, utilization: 0),
                    workloads: [PlacedWorkloadSpec(served: served, nodes: [0, 1, 2, 3], decodeNodes: [4, 5, 6, 7])],
                    fabric: fabric, duration: .minutes(minutes))
}

@Suite("Twin: prefill/decode disaggregation over the fabric")
struct DisaggregatedTwinTests {
    @Test("One request: TTFT is the prefill's closed form; end-to-end adds the KV cache at NIC speed, the fabric latency and the decode's closed form")
    func oneRequestAcrossTheFabric() {
        let workload = WorkloadSpec(name: "one", arrivals: .trace([TraceRow(arrival: .seconds(2), promptTokens: 500, outputTokens: 100)]),
                                    promptTokens: .fixed(1), outputTokens: .fixed(1))
        let spec = disaggregatedHall(workload: workload, minutes: 1)
        let twin = Twin(spec, seed: 3)
        twin.run(sampleEvery: .minutes(1))
        let metrics = twin.serving.routers[0].metrics
        let performance = spec.workloads[0].served.pool.performance
        let ttft = performance.iterationCost(decodingSequences: 0, prefillTokens: 500, prefillAttentionPairs: 500 * 501 / 2).fixedSeconds
        let kvBytes = 501 * performance.model.kvBytesPerToken(.fp8)  // one shard: TP1
        let transfer = kvBytes / 50e9 + spec.fabric.latencySeconds
        let decode = performance.decodeCost(sequences: 1)
        let decodeSeconds = (0 ..< 99).reduce(0.0) { $0 + decode.seconds(contextTokens: Double(501 + $1)) }
        #expect(metrics.completed == 1)
        #expect(abs(metrics.timeToFirstToken.meanSeconds - ttft) < 1e-8)
        #expect(abs(metrics.endToEnd.meanSeconds - (ttft + transfer + decodeSeconds)) < 1e-7,
                "e2e \(metrics.endToEnd.meanSeconds) vs \(ttft + transfer + decodeSeconds)")
        #expect(twin.fabric?.statistics.transfers == 1)
        #expect(twin.fabric.map { abs($0.statistics.bytes - kvBytes) < 1 } == true)
    }

    @Test("A decode node's hardware failure: its replicas go down, their requests start again from prefill, none is lost")
    func decodeNodeFailure() {
        let workload = WorkloadSpec(name: "chat", arrivals: .poisson(ratePerSecond: 40), promptTokens: .uniform(100 ... 2_000),
                                    outputTokens: .uniform(50 ... 600))
        let twin = Twin(disaggregatedHall(workload: workload, prefill: 8, decode: 16), seed: 5)
        twin.inject(.nodeFailure(node: 4), at: .at(.seconds(200.5)))
        twin.inject(.nodeRepair(node: 4), at: .at(.seconds(300)))
        twin.run(sampleEvery: .minutes(1))
        let report = twin.report()
        #expect(report.failover.instanceFailures == 8, "node 4 holds decode replicas 0...7")
        #expect(report.failover.requestsRetried > 0)
        #expect(report.failover.requestsFailed == 0)
        #expect(report.failover.maxDetectionSeconds > 0 && report.failover.maxDetectionSeconds <= 6)
        #expect(twin.serving.conservationHolds())
        #expect((twin.fabric?.statistics.transfers ?? 0) > 20_000)
    }

    @Test("A replica spanning two leaf groups behind 4:1 uplinks sees its NIC at 1 / (1 + ½ × 3) = 40% for its collectives; one inside a group keeps all of it")
    func oversubscriptionSlowsSpanningReplicas() {
        let workload = WorkloadSpec(name: "big", arrivals: .poisson(ratePerSecond: 1), promptTokens: .fixed(100), outputTokens: .fixed(10))
        let performance = PerformanceModel(model: Catalogue.model(named: "Llama-3.1-405B")!, gpu: Catalogue.gpu(named: "H100")!,
                                           layout: InstanceLayout(tensorParallel: 16), profile: .tensorRTLLM2025, nicBytesPerSecond: 50e9)
        func nic(onNodes nodes: [Int]) -> Double {
            let served = ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: performance, count: 1))
            let spec = TwinSpec(facility: .uniformHall(racks: 1, utilization: 0), workloads: [PlacedWorkloadSpec(served: served, nodes: nodes)],
                                fabric: FabricSpec(nodesPerLeafGroup: 2, oversubscription: 4), duration: .seconds(1))
            return Twin(spec, seed: 1).serving.instances[0][0].engine.performance.nicBytesPerSecond
        }
        #expect(nic(onNodes: [0, 1]) == 50e9)
        // Each node sends half its traffic across: nic / (1 + 0.5 × 3).
        #expect(abs(nic(onNodes: [1, 2]) - 50e9 / 2.5) < 1)
    }
}
