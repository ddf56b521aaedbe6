public import Compute
public import Facility
public import Serving
public import SimKernel

/// A workload, its router and pools, and the facility nodes the pools run on.
public struct PlacedWorkloadSpec: Sendable {
    public var served: ServedWorkloadSpec
    /// Facility node indices the (unified or prefill) pool's instances are packed onto, in order of use.
    public var nodes: [Int]
    /// Facility node indices of the decode pool (disaggregated workloads only).
    public var decodeNodes: [Int]

    public init(served: ServedWorkloadSpec, nodes: [Int], decodeNodes: [Int] = []) {
        self.served = served
        self.nodes = nodes
        self.decodeNodes = decodeNodes
    }

    /// Each pool in the router's order with the nodes it is packed onto.
    public var placedPools: [(spec: InstancePoolSpec, nodes: [Int])] {
        guard let decode = served.decodePool else { return [(served.pool, nodes)] }
        return [(served.pool, nodes), (decode, decodeNodes)]
    }
}

/// Prices that turn GPU time and energy into money.
public struct Economics: Sendable, Equatable {
    /// Rental or amortised price of one GPU for one hour, in US dollars.
    public var gpuHourUSD: Double
    /// Price of one kilowatt-hour from the grid, in US dollars.
    public var electricityUSDPerKilowattHour: Double

    /// $2.50 per H100-hour and $0.08 per kWh: round figures in the range of 2025 public
    /// cloud list prices and US industrial tariffs [assumption; scenarios set their own].
    public init(gpuHourUSD: Double = 2.5, electricityUSDPerKilowattHour: Double = 0.08) {
        self.gpuHourUSD = gpuHourUSD
        self.electricityUSDPerKilowattHour = electricityUSDPerKilowattHour
    }
}

/// Everything a coupled run needs: the building, the traffic on it, and what things cost.
public struct TwinSpec: Sendable {
    public var facility: FacilitySpec
    public var workloads: [PlacedWorkloadSpec]
    public var economics: Economics
    /// The scale-out network KV caches cross between prefill and decode pools.
    public var fabric: FabricSpec
    /// How often instances report their busy share to their nodes (sets the lag of GPU power
    /// behind the traffic, and the coupling's message count).
    public var busyReportInterval: SimDuration
    /// The first part of the run that is not measured: requests arriving in it are served but
    /// left out of latencies, tokens and SLO; energy and cost count from its end.
    public var warmUp: SimDuration
    /// The whole simulated run, from time zero, warm-up included.
    public var duration: SimDuration

    public init(facility: FacilitySpec, workloads: [PlacedWorkloadSpec], economics: Economics = .init(), fabric: FabricSpec = .init(),
                busyReportInterval: SimDuration = .seconds(10), warmUp: SimDuration = .zero, duration: SimDuration) {
        self.facility = facility
        self.workloads = workloads
        self.economics = economics
        self.fabric = fabric
        self.busyReportInterval = busyReportInterval
        self.warmUp = warmUp
        self.duration = duration
    }
}

extension TwinSpec {
    /// The coupled yardstick: a uniform hall of `racks` 44 kW racks of 4 DGX H100 (32 GPUs a
    /// rack) serving the chat reference (70B, TP2) on all of its nodes.
    public static func chatReferenceHall(racks: Int, ratePerSecond: Double, duration: SimDuration) -> TwinSpec {
        let nodes = racks * 4
        let served = ServedWorkloadSpec.chatReference(gpus: nodes * 8, ratePerSecond: ratePerSecond)
        return TwinSpec(facility: .uniformHall(racks: racks, utilization: 0),
                        workloads: [PlacedWorkloadSpec(served: served, nodes: Array(0 ..< nodes))], duration: duration)
    }
}

extension NodePowerProfile {
    /// A node's power curve from the catalogue: GPUs from idle to TDP, the host taking the
    /// rest of the node's maximum. Host idle at 43% of its maximum is the DGX H100 estimate
    /// (2.0 of 4.6 kW) carried to other nodes [engineering estimate].
    public init(node: NodeTypeSpec, gpu: GPUSpec) {
        let gpusMax = Double(node.gpuCount) * gpu.tdpWatts
        let hostMax = max(0, node.maxPowerWatts - gpusMax)
        self.init(gpuCount: node.gpuCount, gpuIdleWatts: gpu.idleWatts, gpuMaxWatts: gpu.tdpWatts,
                  hostIdleWatts: hostMax * 2_000 / 4_600, hostMaxWatts: hostMax)
    }
}
