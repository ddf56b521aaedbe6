public import Facility
public import Serving
public import SimKernel

/// Binds serving instances to the nodes they run on, in both directions: a node whose GPUs
/// stop takes its instances down (a slowed node slows them), and an instance's busy share
/// becomes its nodes' GPU utilisation, so power and heat follow the traffic.
///
/// Coupling is physics, not orchestration, so it acts at once; the routers still learn of a
/// failure only through their health checks.
public final class PlacementActor<Envelope: FacilityEnvelope & ServingEnvelope>: ActorObject {
    public typealias Message = Envelope

    /// An instance down or up again, as the coupling saw it (its time is the physical failure).
    public struct Transition: Sendable, Equatable {
        public var time: SimTime
        public var instance: Int
        public var up: Bool
    }

    let placement: Placement
    let nodeIDs: [ComponentID]
    private(set) var instanceIDs: [ComponentID] = []
    private var nodeSpeed: [Double]
    private var busyFraction: [Double]
    private var instanceSpeed: [Double]
    private var sentUtilization: [Double?]
    /// GPUs each instance holds, to weigh capacity lost.
    private let instanceGPUs: [Int]
    private let totalGPUs: Int
    private var gpusDown = 0
    public private(set) var transitions: [Transition] = []
    /// The largest share of serving GPUs down at once.
    public private(set) var capacityLostFractionMax = 0.0
    /// Node utilisation changes smaller than this are not sent.
    let minimumUtilizationChange: Double

    init(placement: Placement, nodeIDs: [ComponentID], instanceGPUs: [Int], minimumUtilizationChange: Double = 0.001) {
        self.placement = placement
        self.nodeIDs = nodeIDs
        self.instanceGPUs = instanceGPUs
        totalGPUs = instanceGPUs.reduce(0, +)
        self.minimumUtilizationChange = minimumUtilizationChange
        nodeSpeed = Array(repeating: 1, count: nodeIDs.count)
        busyFraction = Array(repeating: 0, count: placement.instances.count)
        instanceSpeed = Array(repeating: 1, count: placement.instances.count)
        sentUtilization = Array(repeating: nil, count: nodeIDs.count)
    }

    /// Tells the actor the instances' identities, once, before the first run.
    func bind(instanceIDs: [ComponentID]) {
        precondition(instanceIDs.count == placement.instances.count, "one identity per placed instance")
        self.instanceIDs = instanceIDs
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        if case .nodeStatus(let node, let speed)? = message.facility {
            nodeSpeed[node] = speed
            for instance in placement.instancesOnNode[node] { update(instance: instance, context: &context) }
        } else if case .busyFraction(let instance, let fraction)? = message.serving {
            busyFraction[instance] = fraction
            for share in placement.instances[instance] { updateUtilization(node: share.node, context: &context) }
        }
    }

    /// An instance runs at its slowest node's speed, and not at all if any node stopped.
    private func update(instance: Int, context: inout SimContext<Envelope>) {
        let speed = placement.instances[instance].reduce(Double.infinity) { min($0, nodeSpeed[$1.node]) }
        let old = instanceSpeed[instance]
        guard speed != old else { return }
        instanceSpeed[instance] = speed
        let target = instanceIDs[instance]
        if speed == 0 {
            context.send(Envelope(serving: .instanceFailed), to: target)
            transitions.append(Transition(time: context.now, instance: instance, up: false))
            gpusDown += instanceGPUs[instance]
            capacityLostFractionMax = max(capacityLostFractionMax, Double(gpusDown) / Double(max(1, totalGPUs)))
            return
        }
        if old == 0 {
            context.send(Envelope(serving: .instanceRestored), to: target)
            transitions.append(Transition(time: context.now, instance: instance, up: true))
            gpusDown -= instanceGPUs[instance]
        }
        context.send(Envelope(serving: .speedFactorChanged(speed)), to: target)
    }

    /// A node's GPU utilisation: its instances' busy shares weighted by the GPUs they hold there.
    private func updateUtilization(node: Int, context: inout SimContext<Envelope>) {
        var utilization = 0.0
        for instance in placement.instancesOnNode[node] {
            for share in placement.instances[instance] where share.node == node {
                utilization += busyFraction[instance] * share.gpuFraction
            }
        }
        utilization = min(1, utilization)
        if let sent = sentUtilization[node], abs(sent - utilization) < minimumUtilizationChange { return }
        sentUtilization[node] = utilization
        context.send(Envelope(facility: .utilizationChanged(utilization)), to: nodeIDs[node])
    }
}
