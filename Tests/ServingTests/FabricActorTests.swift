import Compute
import SimKernel
import Testing
@testable import Serving

/// Records when KV caches arrive.
final class ArrivalRecorder: ActorObject {
    typealias Message = ServingMessage
    var arrivals: [(id: UInt64, time: SimTime)] = []
    func handle(_ message: ServingMessage, context: inout SimContext<ServingMessage>) {
        if case .kvArrived(let handoff) = message { arrivals.append((handoff.request.id, context.now)) }
    }
}

/// A fabric of `nodes` 8-GPU nodes (50 GB/s NICs) with two TP1 receivers on node 1 and node 2
/// and one sender per node 0 and node 3, and the simulation holding them.
struct FabricBench: ~Copyable {
    var simulation = Simulation<ObjectComponent<ServingMessage>>(seed: 1)
    let fabric: FabricActor<ServingMessage>
    let fabricID: ComponentID
    let recorder = ArrivalRecorder()
    let recorderIDs: [ComponentID]
    let senders = [ComponentID(100), ComponentID(101)]

    init(spec: FabricSpec = .init(), nodes: Int = 4) {
        fabric = FabricActor(topology: FabricTopology(nodeCount: nodes, railsPerNode: 8, nicBytesPerSecond: 50e9,
                                                      nvlinkBytesPerSecond: 450e9, spec: spec))
        fabricID = simulation.add(ObjectComponent(fabric))
        recorderIDs = [simulation.add(ObjectComponent(recorder)), simulation.add(ObjectComponent(recorder))]
        let layout = InstanceLayout()
        fabric.bind(recorderIDs[0], at: InstanceEndpoint(nodes: [1], layout: layout, latentAttention: false))
        fabric.bind(recorderIDs[1], at: InstanceEndpoint(nodes: [2], layout: layout, latentAttention: false))
        fabric.bind(senders[0], at: InstanceEndpoint(nodes: [0], layout: layout, latentAttention: false))
        fabric.bind(senders[1], at: InstanceEndpoint(nodes: [nodes - 1], layout: layout, latentAttention: false))
    }

    mutating func send(id: UInt64, bytes: Double, from sender: Int, to receiver: Int, at time: SimTime = .zero) {
        let handoff = KVHandoff(request: InferenceRequest(id: id, promptTokens: 100, outputTokens: 10, arrival: .zero),
                                admitted: .zero, firstToken: .zero, preemptions: 0, kvBytes: bytes)
        _ = simulation.schedule(.transferKV(KVTransfer(handoff: handoff, source: senders[sender], destination: recorderIDs[receiver])),
                                to: fabricID, at: time)
    }
}

@Suite("Fabric actor")
struct FabricActorTests {
    @Test("One KV cache arrives after its bytes at NIC speed plus the fabric's latency")
    func oneTransfer() {
        var bench = FabricBench()
        bench.send(id: 1, bytes: 50e6, from: 0, to: 0)
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        let expected = SimTime.at(.seconds(50e6 / 50e9 + 5e-6))
        #expect(bench.recorder.arrivals.map(\.time) == [expected])
        #expect(bench.fabric.statistics.transfers == 1)
    }

    @Test("Two KV caches into one receiving NIC share it: both take twice as long as one alone")
    func sharedReceiver() {
        var bench = FabricBench()
        bench.send(id: 1, bytes: 50e6, from: 0, to: 0)
        bench.send(id: 2, bytes: 50e6, from: 1, to: 0)
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        let times = bench.recorder.arrivals.map { $0.time.sinceStart.seconds }
        #expect(times.count == 2)
        #expect(times.allSatisfy { abs($0 - (2 * 50e6 / 50e9 + 5e-6)) < 1e-8 }, "\(times)")
        #expect(bench.fabric.statistics.maxConcurrent == 2)
    }

    @Test("KV caches to different receivers from different senders do not slow each other")
    func disjointPaths() {
        var bench = FabricBench()
        bench.send(id: 1, bytes: 50e6, from: 0, to: 0)
        bench.send(id: 2, bytes: 50e6, from: 1, to: 1)
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        #expect(bench.recorder.arrivals.allSatisfy { abs($0.time.sinceStart.seconds - (50e6 / 50e9 + 5e-6)) < 1e-8 })
    }

    @Test("A later, smaller transfer shares the NIC while both run, then the first speeds up again (exact fluid times)")
    func lateJoiner() {
        var bench = FabricBench()
        bench.send(id: 1, bytes: 100e6, from: 0, to: 0)               // alone for 1 ms: 50 MB done
        bench.send(id: 2, bytes: 10e6, from: 1, to: 0, at: .at(.milliseconds(1)))  // shares: 10 MB at 25 GB/s = 0.4 ms
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        let times = Dictionary(uniqueKeysWithValues: bench.recorder.arrivals.map { ($0.id, $0.time.sinceStart.seconds) })
        #expect(abs(times[2]! - (1e-3 + 0.4e-3 + 5e-6)) < 1e-8)
        // First: 50 MB by 1 ms, 10 MB more by 1.4 ms, the last 40 MB alone at 50 GB/s: 0.8 ms.
        #expect(abs(times[1]! - (1.4e-3 + 0.8e-3 + 5e-6)) < 1e-8)
    }

    @Test("A two-stage pipeline sends its KV in two halves, one per stage's GPU, side by side on two rails")
    func pipelineStagesSendInParallel() {
        var bench = FabricBench()
        let twoStages = InstanceLayout(pipelineParallel: 2)
        bench.fabric.bind(bench.senders[0], at: InstanceEndpoint(nodes: [0], layout: twoStages, latentAttention: false))
        bench.fabric.bind(bench.recorderIDs[0], at: InstanceEndpoint(nodes: [1], layout: twoStages, latentAttention: false))
        bench.send(id: 1, bytes: 50e6, from: 0, to: 0)
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        #expect(bench.recorder.arrivals.map { abs($0.time.sinceStart.seconds - (25e6 / 50e9 + 5e-6)) < 1e-8 } == [true])
        #expect(bench.fabric.statistics.maxConcurrent == 1, "one transfer, two flows")
    }

    @Test("Across leaf groups an oversubscribed uplink is the bottleneck")
    func oversubscribedUplink() {
        // Groups of 2 nodes at 4:1: an uplink per rail carries 2 × 50 / 4 = 25 GB/s.
        var bench = FabricBench(spec: FabricSpec(nodesPerLeafGroup: 2, oversubscription: 4))
        bench.send(id: 1, bytes: 50e6, from: 1, to: 0)  // node 3 (group 1) → node 1 (group 0)
        _ = bench.simulation.runUntilIdle(maxEvents: 100)
        #expect(bench.recorder.arrivals.map { abs($0.time.sinceStart.seconds - (50e6 / 25e9 + 5e-6)) < 1e-8 } == [true])
    }
}
