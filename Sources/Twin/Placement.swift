public import Compute

/// Which facility nodes each serving instance runs on, and what share of each node's GPUs.
///
/// A pool's instances are packed in order onto the nodes given to it: instances smaller than
/// a node share it (four TP2 replicas on an 8-GPU node), larger ones span whole nodes (a TP16
/// replica takes two).
public struct Placement: Sendable, Equatable {
    public struct Share: Sendable, Equatable {
        public var node: Int
        /// The instance's share of the node's GPUs, in (0, 1].
        public var gpuFraction: Double
        /// The instance's first GPU on this node.
        public var firstGPU: Int
    }

    /// For each instance (workloads in order, then instances), the nodes it runs on.
    public private(set) var instances: [[Share]] = []
    /// For each facility node, the instances on it (empty for nodes that serve nothing).
    public private(set) var instancesOnNode: [[Int]]

    public init(nodeCount: Int) {
        instancesOnNode = Array(repeating: [], count: nodeCount)
    }

    /// Nodes a pool of `instances` replicas of `layout` needs.
    public static func nodesNeeded(instances: Int, layout: InstanceLayout) -> Int {
        let gpus = layout.gpuCount, perNode = layout.gpusPerNode
        if gpus <= perNode { return (instances + perNode / gpus - 1) / (perNode / gpus) }
        return instances * ((gpus + perNode - 1) / perNode)
    }

    /// Packs a pool onto `nodes` (facility node indices, in order of use).
    public mutating func place(instances count: Int, layout: InstanceLayout, on nodes: [Int]) {
        precondition(nodes.count >= Self.nodesNeeded(instances: count, layout: layout), "pool needs more nodes than it was given")
        let gpus = layout.gpuCount, perNode = layout.gpusPerNode
        for index in 0 ..< count {
            let instance = instances.count
            let shares: [Share]
            if gpus <= perNode {
                let perNodeInstances = perNode / gpus
                shares = [Share(node: nodes[index / perNodeInstances], gpuFraction: Double(gpus) / Double(perNode),
                                firstGPU: index % perNodeInstances * gpus)]
            } else {
                let span = (gpus + perNode - 1) / perNode
                shares = nodes[index * span ..< (index + 1) * span].map { Share(node: $0, gpuFraction: 1, firstGPU: 0) }
            }
            for share in shares { instancesOnNode[share.node].append(instance) }
            instances.append(shares)
        }
    }
}
