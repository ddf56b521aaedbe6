import Compute
import SimKernel
import Testing

/// The kernel's SplitMix64 draws the random networks, so a seed means the same network on
/// every platform and Swift version.
extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `range` (modulo bias is irrelevant at these sizes).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// |value − target| ≤ tolerance × |target|, or ≤ tolerance when target is 0.
func approximately(_ value: Double, _ target: Double, _ tolerance: Double = 1e-12) -> Bool {
    abs(value - target) <= tolerance * max(abs(target), 1)
}

@Suite("FlowNetwork")
struct FlowNetworkTests {
    @Test("A single flow gets its bottleneck's capacity and finishes after bytes / capacity")
    func singleFlow() {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [10, 4])
        network.add(id: 7, bytes: 100, links: [0, 1])
        #expect(network.rateBytesPerSecond(of: 7) == 4)
        #expect(network.secondsToNextCompletion == 25)
        network.advance(bySeconds: 25)
        #expect(network.remainingBytes(of: 7) == 0)
        let finished = network.removeFinished()
        #expect(finished == [7])
        #expect(network.activeFlows == 0 && network.secondsToNextCompletion == nil)
        #expect(network.rateBytesPerSecond(of: 7) == nil)
    }

    @Test("Two flows on one link each get half of it")
    func twoFlowsShareALink() {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [10])
        network.add(id: 1, bytes: 100, links: [0])
        network.add(id: 2, bytes: 100, links: [0])
        #expect(network.rateBytesPerSecond(of: 1) == 5 && network.rateBytesPerSecond(of: 2) == 5)
    }

    @Test("Classic max-min: A crosses links 0 and 1, B link 0, C link 1 (link 2 unused)", arguments: [
        (10.0, 10.0, 5.0, 5.0, 5.0),
        (10.0, 4.0, 2.0, 8.0, 2.0),
    ])
    func classicMaxMin(link0: Double, link1: Double, rateA: Double, rateB: Double, rateC: Double) {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [link0, link1, 1])
        network.add(id: 0xA, bytes: 1_000, links: [0, 1])
        network.add(id: 0xB, bytes: 1_000, links: [0])
        network.add(id: 0xC, bytes: 1_000, links: [1])
        #expect(network.rateBytesPerSecond(of: 0xA) == rateA)
        #expect(network.rateBytesPerSecond(of: 0xB) == rateB)
        #expect(network.rateBytesPerSecond(of: 0xC) == rateC)
    }

    @Test("When a flow finishes its bandwidth goes to the survivor: 100 B and 300 B on 10 B/s end at 20 s and 40 s")
    func finishingFreesBandwidth() {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [10])
        network.add(id: 1, bytes: 100, links: [0])
        network.add(id: 2, bytes: 300, links: [0])
        // Both at 5 B/s: flow 1 ends at 100 / 5 = 20 s, when flow 2 has 300 − 20 × 5 = 200 B left,
        // which it then moves alone at 10 B/s: 20 s more, 40 s in all.
        #expect(network.secondsToNextCompletion == 20)
        network.advance(bySeconds: 20)
        let firstFinished = network.removeFinished()
        #expect(firstFinished == [1])
        #expect(network.remainingBytes(of: 2) == 200)
        #expect(network.rateBytesPerSecond(of: 2) == 10)
        #expect(network.secondsToNextCompletion == 20)
        network.advance(bySeconds: 20)
        let secondFinished = network.removeFinished()
        #expect(secondFinished == [2])
    }

    @Test("Cancelling a flow frees its share at once; cancelling an unknown id changes nothing")
    func cancel() {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [10])
        network.add(id: 1, bytes: 100, links: [0])
        network.add(id: 2, bytes: 100, links: [0])
        let removedUnknown = network.remove(id: 3)
        let removedFirst = network.remove(id: 1)
        #expect(!removedUnknown && removedFirst)
        #expect(network.activeFlows == 1 && network.rateBytesPerSecond(of: 2) == 10)
    }

    @Test("Finished flows come back in the order they were added, not the order they finish")
    func finishedInInsertionOrder() {
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: [10, 10, 10])
        network.add(id: 30, bytes: 50, links: [2])
        network.add(id: 10, bytes: 50, links: [0])
        network.add(id: 20, bytes: 500, links: [1])
        network.advance(bySeconds: 5)
        let finished = network.removeFinished()
        #expect(finished == [30, 10])
        #expect(network.activeFlows == 1)
    }

    @Test("Unused links do not matter: 3 flows on a 10,000-link network get the rates they get on 3 links")
    func largeSparseNetwork() {
        var small = FlowNetwork(linkCapacitiesBytesPerSecond: [10, 4, 1])
        var capacities = Array(repeating: 1.0, count: 10_000)
        capacities[9_000] = 10
        capacities[42] = 4
        var large = FlowNetwork(linkCapacitiesBytesPerSecond: capacities)
        small.add(id: 1, bytes: 1_000, links: [0, 1])
        small.add(id: 2, bytes: 1_000, links: [0])
        small.add(id: 3, bytes: 1_000, links: [1])
        large.add(id: 1, bytes: 1_000, links: [9_000, 42])
        large.add(id: 2, bytes: 1_000, links: [9_000])
        large.add(id: 3, bytes: 1_000, links: [42])
        for id: UInt64 in 1...3 {
            #expect(large.rateBytesPerSecond(of: id) == small.rateBytesPerSecond(of: id), "flow \(id)")
        }
    }

    @Test("Work conservation on 200 random networks: no link above capacity, every flow bottlenecked, until all finish")
    func workConservationSweep() {
        for seed: UInt64 in 0..<200 {
            var random = SplitMix64(state: seed)
            var network = RandomNetwork(random: &random)
            network.checkMaxMin(seed: seed, step: 0)
            // Each step removes at least one flow, so this ends; the bound makes sure.
            var step = 0
            while network.network.activeFlows > 0 && step <= 64 {
                step += 1
                if random.unit() < 0.2 {
                    let victim = network.paths[random.int(in: 0...(network.paths.count - 1))].id
                    let removed = network.network.remove(id: victim)
                    #expect(removed, "seed \(seed): cancel \(victim)")
                    network.paths.removeAll { $0.id == victim }
                } else {
                    guard let dt = network.network.secondsToNextCompletion else {
                        Issue.record("seed \(seed): flows left but no next completion")
                        break
                    }
                    network.network.advance(bySeconds: dt)
                    let finished = network.network.removeFinished()
                    #expect(!finished.isEmpty, "seed \(seed), step \(step): advancing to the next completion finished nothing")
                    let expectedOrder = network.paths.map(\.id).filter { finished.contains($0) }
                    #expect(finished == expectedOrder, "seed \(seed), step \(step): finished flows in insertion order")
                    network.paths.removeAll { finished.contains($0.id) }
                }
                #expect(network.network.activeFlows == network.paths.count, "seed \(seed), step \(step)")
                network.checkMaxMin(seed: seed, step: step)
            }
            #expect(network.network.activeFlows == 0, "seed \(seed): flows left after \(step) steps")
        }
    }

    @Test("Determinism: the same operations give bit-identical rates and completion times")
    func determinism() {
        func trace(seed: UInt64) -> [Double] {
            var random = SplitMix64(state: seed)
            var network = RandomNetwork(random: &random)
            var values: [Double] = []
            while let dt = network.network.secondsToNextCompletion {
                values.append(dt)
                values += network.paths.map { network.network.rateBytesPerSecond(of: $0.id) ?? -1 }
                network.network.advance(bySeconds: dt)
                let finished = network.network.removeFinished()
                network.paths.removeAll { finished.contains($0.id) }
            }
            return values
        }
        for seed: UInt64 in [1, 42, 1_234] {
            let first = trace(seed: seed)
            #expect(!first.isEmpty)
            #expect(first == trace(seed: seed), "seed \(seed)")
        }
    }
}

/// A random network of 1–8 links (1–100 B/s) and 1–12 flows (10³–10⁶ B) over 1–4 distinct links,
/// with the paths kept so the test can check the rates.
struct RandomNetwork {
    var capacities: [Double]
    var paths: [(id: UInt64, links: [Int])] = []
    var network: FlowNetwork

    init(random: inout SplitMix64) {
        capacities = (0..<random.int(in: 1...8)).map { _ in 1 + 99 * random.unit() }
        network = FlowNetwork(linkCapacitiesBytesPerSecond: capacities)
        for flow in 0..<random.int(in: 1...12) {
            // A partial Fisher–Yates shuffle picks distinct links.
            var links = Array(capacities.indices)
            let length = random.int(in: 1...min(4, links.count))
            for position in 0..<length { links.swapAt(position, random.int(in: position...(links.count - 1))) }
            let path = Array(links.prefix(length))
            let id = UInt64(100 + flow)
            network.add(id: id, bytes: 1e3 + (1e6 - 1e3) * random.unit(), links: path)
            paths.append((id, path))
        }
    }

    /// Max-min fairness, checked from outside: no link carries more than its capacity, and
    /// every flow crosses a saturated link on which no flow is faster than it.
    func checkMaxMin(seed: UInt64, step: Int) {
        let tolerance = 1e-9
        var load = Array(repeating: 0.0, count: capacities.count)
        var fastest = Array(repeating: 0.0, count: capacities.count)
        var rates: [Double] = []
        for path in paths {
            let rate = network.rateBytesPerSecond(of: path.id) ?? -1
            #expect(rate > 0, "seed \(seed), step \(step): flow \(path.id) has rate \(rate)")
            rates.append(rate)
            for link in path.links {
                load[link] += rate
                fastest[link] = max(fastest[link], rate)
            }
        }
        for link in capacities.indices {
            #expect(load[link] <= capacities[link] * (1 + tolerance),
                    "seed \(seed), step \(step): link \(link) carries \(load[link]) > \(capacities[link])")
        }
        for (path, rate) in zip(paths, rates) {
            let bottlenecked = path.links.contains { link in
                load[link] >= capacities[link] * (1 - tolerance) && rate >= fastest[link] * (1 - tolerance)
            }
            #expect(bottlenecked, "seed \(seed), step \(step): flow \(path.id) at \(rate) has no bottleneck on \(path.links)")
        }
    }
}

@Suite("FabricTopology")
struct FabricTopologyTests {
    /// 4 nodes of 8 GPUs in leaf groups of 2: N·R = 32, G·R = 16, so transmit 0..<32,
    /// receive 32..<64, uplinks 64..<80, downlinks 80..<96, NVLink 96..<100.
    let small = FabricTopology(nodeCount: 4, railsPerNode: 8, nicBytesPerSecond: 50e9, nvlinkBytesPerSecond: 450e9,
                               spec: FabricSpec(nodesPerLeafGroup: 2))

    @Test("Inside a node a transfer crosses that node's NVLink only")
    func pathInsideNode() {
        #expect(small.path(fromNode: 0, fromRail: 1, toNode: 0, toRail: 5) == [96])
        #expect(small.path(fromNode: 3, fromRail: 7, toNode: 3, toRail: 0) == [small.nvlinkLink(node: 3)])
        #expect(small.linkCapacitiesBytesPerSecond.count == 100 && small.linkCapacitiesBytesPerSecond[96] == 450e9)
    }

    @Test("Inside a leaf group a transfer crosses the sender's and receiver's NICs on the destination's rail (PXN)")
    func pathInsideGroup() {
        // tx(0, 5) = 0·8 + 5; rx(1, 5) = 32 + 1·8 + 5.
        #expect(small.path(fromNode: 0, fromRail: 1, toNode: 1, toRail: 5) == [5, 45])
        #expect(small.path(fromNode: 2, fromRail: 0, toNode: 3, toRail: 2)
                == [small.nicTransmitLink(node: 2, rail: 2), small.nicReceiveLink(node: 3, rail: 2)])
    }

    @Test("Across leaf groups a transfer also crosses the source group's uplink and the destination group's downlink")
    func pathAcrossGroups() {
        // tx(1, 6) = 14; up(0, 6) = 64 + 6; down(1, 6) = 80 + 8 + 6; rx(3, 6) = 32 + 24 + 6.
        #expect(small.path(fromNode: 1, fromRail: 2, toNode: 3, toRail: 6) == [14, 70, 94, 62])
        #expect(small.leafGroup(ofNode: 1) == 0 && small.leafGroup(ofNode: 2) == 1)
    }

    @Test("A leaf's uplink and downlink carry nodes in group × NIC / oversubscription, the last group counting its own nodes")
    func uplinkCapacity() {
        let nic = 50e9
        let fabric = FabricTopology(nodeCount: 40, railsPerNode: 8, nicBytesPerSecond: nic, nvlinkBytesPerSecond: 450e9,
                                    spec: FabricSpec(oversubscription: 4))
        #expect(fabric.leafGroupCount == 2)
        let capacities = fabric.linkCapacitiesBytesPerSecond
        for rail in 0..<8 {
            #expect(capacities[fabric.leafUplink(group: 0, rail: rail)] == 32 * nic / 4)
            #expect(capacities[fabric.leafDownlink(group: 0, rail: rail)] == 32 * nic / 4)
            #expect(capacities[fabric.leafUplink(group: 1, rail: rail)] == 8 * nic / 4)
            #expect(capacities[fabric.leafDownlink(group: 1, rail: rail)] == 8 * nic / 4)
        }
        #expect(capacities[fabric.nicTransmitLink(node: 39, rail: 7)] == nic)
        #expect(capacities[fabric.nicReceiveLink(node: 0, rail: 0)] == nic)
        #expect(capacities.count == 2 * 40 * 8 + 2 * 2 * 8 + 40)
    }

    @Test("Two nodes of one group sending to one GPU share its NIC: half the NIC each")
    func sharedReceiveNIC() {
        let nic = 50e9
        let fabric = FabricTopology(nodeCount: 4, railsPerNode: 8, nicBytesPerSecond: nic, nvlinkBytesPerSecond: 450e9,
                                    spec: FabricSpec())
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: fabric.linkCapacitiesBytesPerSecond)
        network.add(id: 1, bytes: 1e9, links: fabric.path(fromNode: 0, fromRail: 0, toNode: 2, toRail: 3))
        network.add(id: 2, bytes: 1e9, links: fabric.path(fromNode: 1, fromRail: 5, toNode: 2, toRail: 3))
        #expect(network.rateBytesPerSecond(of: 1) == nic / 2 && network.rateBytesPerSecond(of: 2) == nic / 2)
    }

    @Test("At oversubscription 4, 32 transfers from one group to another on one rail each get uplink / 32 = NIC / 4")
    func oversubscribedUplink() {
        let nic = 50e9
        let fabric = FabricTopology(nodeCount: 64, railsPerNode: 8, nicBytesPerSecond: nic, nvlinkBytesPerSecond: 450e9,
                                    spec: FabricSpec(oversubscription: 4))
        var network = FlowNetwork(linkCapacitiesBytesPerSecond: fabric.linkCapacitiesBytesPerSecond)
        for node in 0..<32 {
            network.add(id: UInt64(node), bytes: 1e9, links: fabric.path(fromNode: node, fromRail: 0, toNode: 32 + node, toRail: 0))
        }
        let uplink = fabric.linkCapacitiesBytesPerSecond[fabric.leafUplink(group: 0, rail: 0)]
        #expect(uplink == 8 * nic)
        for node in 0..<32 {
            let rate = network.rateBytesPerSecond(of: UInt64(node)) ?? 0
            #expect(approximately(rate, uplink / 32), "transfer from node \(node): \(rate)")
        }
    }

    @Test("Effective all-to-all bandwidth: the NIC inside one group or without oversubscription, NIC / (0.5 + 0.5 × 2) over two equal groups at 2")
    func effectiveScaleOut() {
        let nic = 50e9
        let oneGroup = Array(0..<32), twoGroups = Array(16..<48)
        let blocking = FabricSpec(oversubscription: 2)
        #expect(FabricTopology.effectiveScaleOutBytesPerSecond(nicBytesPerSecond: nic, nodesSpanned: oneGroup, spec: blocking) == nic)
        #expect(FabricTopology.effectiveScaleOutBytesPerSecond(nicBytesPerSecond: nic, nodesSpanned: twoGroups, spec: FabricSpec()) == nic)
        let squeezed = FabricTopology.effectiveScaleOutBytesPerSecond(nicBytesPerSecond: nic, nodesSpanned: twoGroups, spec: blocking)
        #expect(approximately(squeezed, nic / (0.5 + 0.5 * 2)), "\(squeezed)")
        // 3 nodes in group 0 and 1 in group 1 at oversubscription 2: (3 / 1.25 + 1 / 1.75) / 4 of the NIC.
        let uneven = FabricTopology.effectiveScaleOutBytesPerSecond(nicBytesPerSecond: nic, nodesSpanned: [33, 0, 1, 2], spec: blocking)
        #expect(approximately(uneven, nic * (3 / 1.25 + 1 / 1.75) / 4), "\(uneven)")
    }
}
