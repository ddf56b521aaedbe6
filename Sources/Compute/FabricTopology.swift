/// How a rail-optimised scale-out fabric is built: leaf-group size, uplink oversubscription
/// and the start-up latency of one transfer.
///
/// The defaults are NVIDIA's DGX SuperPOD reference architecture (DGX H100 / B200): scalable
/// units of 32 nodes, a rail-optimised, non-blocking fat tree.
public struct FabricSpec: Sendable, Equatable {
    /// Consecutive nodes (by node index) that share one leaf switch per rail. Default 32: a
    /// DGX SuperPOD scalable unit (NVIDIA DGX SuperPOD reference architecture).
    public var nodesPerLeafGroup: Int
    /// Ratio of a leaf's downlink bandwidth (to its NICs) to its uplink bandwidth (to the
    /// spines), ≥ 1 in practice. Default 1: non-blocking, as in DGX SuperPOD.
    public var oversubscription: Double
    /// Start-up latency of one transfer, in seconds. Default 5 µs [engineering estimate: a few
    /// µs of RDMA set-up and switch hops]. Not charged by `FabricTopology` or `FlowNetwork`,
    /// which model bandwidth only; the caller adds it once per transfer.
    public var latencySeconds: Double

    public init(nodesPerLeafGroup: Int = 32, oversubscription: Double = 1, latencySeconds: Double = 5e-6) {
        self.nodesPerLeafGroup = nodesPerLeafGroup
        self.oversubscription = oversubscription
        self.latencySeconds = latencySeconds
    }
}

/// The links of a rail-optimised GPU fabric, and the path a transfer takes over them.
///
/// GPU r of every node has its own NIC on rail r. Each leaf group (`nodesPerLeafGroup`
/// consecutive nodes by node index; the last group may be smaller) has one leaf switch per
/// rail, whose uplink and downlink to the spines each carry nodes in group × NIC bandwidth /
/// oversubscription. With NVIDIA PXN, a GPU on rail a sending to a GPU on rail b of another
/// node first moves the data over NVLink to its own node's GPU on rail b, so inter-node
/// traffic always travels on the destination's rail; that NVLink hop is not charged (NVLink
/// is several times faster than a NIC). Transfers inside a node cross that node's NVLink link.
///
/// Link ids, with N nodes, R rails and G leaf groups (ranges are half-open):
/// - `[0, N·R)`: NIC transmit of (node, rail) at `node·R + rail`;
/// - `[N·R, 2·N·R)`: NIC receive of (node, rail) at `N·R + node·R + rail`;
/// - `[2·N·R, 2·N·R + G·R)`: leaf uplink of (group, rail) at `2·N·R + group·R + rail`;
/// - `[2·N·R + G·R, 2·N·R + 2·G·R)`: leaf downlink of (group, rail) at `2·N·R + G·R + group·R + rail`;
/// - `[2·N·R + 2·G·R, 2·N·R + 2·G·R + N)`: NVLink of node at `2·N·R + 2·G·R + node`.
///
/// The capacities feed a `FlowNetwork`, and `path` gives each transfer's links.
public struct FabricTopology: Sendable {
    public let nodeCount: Int
    /// GPUs (and NICs, and rails) per node.
    public let railsPerNode: Int
    /// Bandwidth of one NIC in each direction, in bytes/s.
    public let nicBytesPerSecond: Double
    /// Bandwidth of a node's NVLink link (shared by all transfers inside the node), in bytes/s.
    public let nvlinkBytesPerSecond: Double
    public let spec: FabricSpec
    /// Number of leaf groups: nodeCount / nodesPerLeafGroup, rounded up.
    public let leafGroupCount: Int
    /// Capacity of every link, in bytes/s, indexed by link id (layout in the type's documentation).
    public let linkCapacitiesBytesPerSecond: [Double]

    /// A fabric of `nodeCount` nodes with `railsPerNode` GPUs each; bandwidths in bytes/s.
    ///
    /// Complexity: O(links) = O(nodes × rails).
    public init(nodeCount: Int, railsPerNode: Int, nicBytesPerSecond: Double, nvlinkBytesPerSecond: Double, spec: FabricSpec) {
        precondition(nodeCount > 0 && railsPerNode > 0, "a fabric has at least one node and one rail")
        precondition(nicBytesPerSecond > 0 && nvlinkBytesPerSecond > 0, "bandwidths are > 0 bytes/s")
        precondition(spec.nodesPerLeafGroup > 0, "a leaf group holds at least one node")
        precondition(spec.oversubscription > 0, "oversubscription is > 0")
        self.nodeCount = nodeCount
        self.railsPerNode = railsPerNode
        self.nicBytesPerSecond = nicBytesPerSecond
        self.nvlinkBytesPerSecond = nvlinkBytesPerSecond
        self.spec = spec
        let groups = (nodeCount + spec.nodesPerLeafGroup - 1) / spec.nodesPerLeafGroup
        leafGroupCount = groups

        var capacities: [Double] = []
        capacities.reserveCapacity(2 * nodeCount * railsPerNode + 2 * groups * railsPerNode + nodeCount)
        capacities.append(contentsOf: repeatElement(nicBytesPerSecond, count: 2 * nodeCount * railsPerNode))
        var leafCapacities: [Double] = []
        for group in 0..<groups {
            let nodesInGroup = min(spec.nodesPerLeafGroup, nodeCount - group * spec.nodesPerLeafGroup)
            let capacity = Double(nodesInGroup) * nicBytesPerSecond / spec.oversubscription
            leafCapacities.append(contentsOf: repeatElement(capacity, count: railsPerNode))
        }
        capacities.append(contentsOf: leafCapacities)  // uplinks
        capacities.append(contentsOf: leafCapacities)  // downlinks
        capacities.append(contentsOf: repeatElement(nvlinkBytesPerSecond, count: nodeCount))
        linkCapacitiesBytesPerSecond = capacities
    }

    /// The leaf group of `node`: node / nodesPerLeafGroup.
    public func leafGroup(ofNode node: Int) -> Int {
        precondition(node >= 0 && node < nodeCount, "node \(node) does not exist")
        return node / spec.nodesPerLeafGroup
    }

    /// Link id of the NIC transmit side of GPU `rail` of `node`.
    public func nicTransmitLink(node: Int, rail: Int) -> Int {
        checkGPU(node, rail)
        return node * railsPerNode + rail
    }

    /// Link id of the NIC receive side of GPU `rail` of `node`.
    public func nicReceiveLink(node: Int, rail: Int) -> Int {
        checkGPU(node, rail)
        return nodeCount * railsPerNode + node * railsPerNode + rail
    }

    /// Link id of the uplink (towards the spines) of leaf group `group`'s switch on `rail`.
    public func leafUplink(group: Int, rail: Int) -> Int {
        checkLeaf(group, rail)
        return 2 * nodeCount * railsPerNode + group * railsPerNode + rail
    }

    /// Link id of the downlink (from the spines) of leaf group `group`'s switch on `rail`.
    public func leafDownlink(group: Int, rail: Int) -> Int {
        checkLeaf(group, rail)
        return 2 * nodeCount * railsPerNode + leafGroupCount * railsPerNode + group * railsPerNode + rail
    }

    /// Link id of `node`'s NVLink, shared by every transfer between two GPUs of that node.
    public func nvlinkLink(node: Int) -> Int {
        precondition(node >= 0 && node < nodeCount, "node \(node) does not exist")
        return 2 * nodeCount * railsPerNode + 2 * leafGroupCount * railsPerNode + node
    }

    /// The links a transfer from GPU `fromRail` of `fromNode` to GPU `toRail` of `toNode`
    /// crosses, for `FlowNetwork.add`: inside a node its NVLink; inside a leaf group the
    /// sending node's and the receiving node's NICs on the destination's rail (PXN); across
    /// groups also the source group's uplink and the destination group's downlink on that rail.
    /// A GPU does not send to itself over the fabric.
    ///
    /// Complexity: O(1).
    public func path(fromNode: Int, fromRail: Int, toNode: Int, toRail: Int) -> [Int] {
        checkGPU(fromNode, fromRail)
        checkGPU(toNode, toRail)
        precondition(fromNode != toNode || fromRail != toRail, "a GPU does not send to itself over the fabric")
        if fromNode == toNode { return [nvlinkLink(node: fromNode)] }
        let transmit = nicTransmitLink(node: fromNode, rail: toRail)
        let receive = nicReceiveLink(node: toNode, rail: toRail)
        let fromGroup = leafGroup(ofNode: fromNode), toGroup = leafGroup(ofNode: toNode)
        if fromGroup == toGroup { return [transmit, receive] }
        return [transmit, leafUplink(group: fromGroup, rail: toRail), leafDownlink(group: toGroup, rail: toRail), receive]
    }

    /// Per-GPU NIC bandwidth, in bytes/s, that an all-to-all over `nodesSpanned` (distinct node
    /// indices, non-empty) sees when cross-group traffic is squeezed by leaf oversubscription.
    ///
    /// An all-to-all sends an equal share of each GPU's data to every node spanned, its own
    /// node included. For a node whose leaf group holds `inGroup` of the n nodes, crossShare
    /// = (n − inGroup) / n and inShare = inGroup / n; the in-group share moves at `nic` and
    /// the cross-group share through uplinks at nic / oversubscription, one after the other
    /// (no overlap, like `PerformanceModel`'s roofline), so that node sees
    ///
    ///     nic / (inShare + crossShare × oversubscription) = nic / (1 + crossShare × (oversubscription − 1)),
    ///
    /// and the result is the mean over the nodes spanned. With oversubscription 1 it is
    /// exactly `nic`. Leaf groups are taken from `spec.nodesPerLeafGroup` alone, so the nodes
    /// need not belong to a built `FabricTopology`.
    ///
    /// Complexity: O(n log n) for n nodes spanned.
    public static func effectiveScaleOutBytesPerSecond(nicBytesPerSecond nic: Double, nodesSpanned: [Int], spec: FabricSpec) -> Double {
        precondition(!nodesSpanned.isEmpty, "an all-to-all spans at least one node")
        precondition(spec.nodesPerLeafGroup > 0 && spec.oversubscription > 0, "a valid fabric spec")
        let sortedNodes = nodesSpanned.sorted()
        precondition(sortedNodes[0] >= 0, "node indices are ≥ 0")
        for position in sortedNodes.indices.dropFirst() {
            precondition(sortedNodes[position] != sortedNodes[position - 1], "node \(sortedNodes[position]) is spanned twice")
        }
        // Sorted nodes lie in runs of one leaf group each; every node of a run sees the same share.
        let n = Double(sortedNodes.count)
        var sum = 0.0  // Σ over the nodes of each one's bandwidth as a fraction of the NIC
        var runStart = 0
        while runStart < sortedNodes.count {
            let group = sortedNodes[runStart] / spec.nodesPerLeafGroup
            var runEnd = runStart + 1
            while runEnd < sortedNodes.count && sortedNodes[runEnd] / spec.nodesPerLeafGroup == group { runEnd += 1 }
            let inGroup = Double(runEnd - runStart)
            let crossShare = (n - inGroup) / n
            sum += inGroup / (1 + crossShare * (spec.oversubscription - 1))
            runStart = runEnd
        }
        // The mean factor is exactly 1 without oversubscription (a sum of whole numbers over
        // their count), so the result is then exactly `nic`.
        return nic * (sum / n)
    }

    // MARK: - Internals

    func checkGPU(_ node: Int, _ rail: Int) {
        precondition(node >= 0 && node < nodeCount, "node \(node) does not exist")
        precondition(rail >= 0 && rail < railsPerNode, "rail \(rail) does not exist")
    }

    func checkLeaf(_ group: Int, _ rail: Int) {
        precondition(group >= 0 && group < leafGroupCount, "leaf group \(group) does not exist")
        precondition(rail >= 0 && rail < railsPerNode, "rail \(rail) does not exist")
    }
}
