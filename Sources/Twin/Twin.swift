public import Compute
public import Facility
public import Serving
public import SimKernel

/// A coupled run: the facility and the serving site in one simulation, bound by placement.
///
/// Build order fixes every identity: the facility's actors, then the placement actor, then
/// the routers and instances. The world is read only between runs (samples and the report).
public final class Twin {
    public let spec: TwinSpec
    public var simulation: Simulation<ObjectComponent<TwinMessage>>
    public let facility: Facility<TwinMessage>
    public let serving: ServingSite<TwinMessage>
    public let placement: Placement
    let placementActor: PlacementActor<TwinMessage>
    /// The network between prefill and decode pools; nil when no workload is disaggregated.
    public let fabric: FabricActor<TwinMessage>?
    public let end: SimTime
    /// Where measurement starts (the end of the warm-up).
    public let measureFrom: SimTime
    /// The energy accounts at `measureFrom`, taken on the way past it.
    public private(set) var energyAtMeasureStart: FacilityEnergy = .zero

    public init(_ spec: TwinSpec, seed: UInt64) {
        self.spec = spec
        end = .at(spec.duration)
        measureFrom = .at(spec.warmUp)
        var simulation = Simulation<ObjectComponent<TwinMessage>>(seed: seed)
        let facility = Facility<TwinMessage>.build(spec.facility, into: &simulation)
        var placement = Placement(nodeCount: facility.nodes.count)
        for placed in spec.workloads {
            for pool in placed.placedPools {
                placement.place(instances: pool.spec.count, layout: pool.spec.performance.layout, on: pool.nodes)
            }
        }
        let instanceGPUs = spec.workloads.flatMap { placed in
            placed.placedPools.flatMap { Array(repeating: $0.spec.performance.layout.gpuCount, count: $0.spec.count) }
        }
        let actor = PlacementActor<TwinMessage>(placement: placement, nodeIDs: facility.nodeIDs, instanceGPUs: instanceGPUs)
        let actorID = simulation.add(ObjectComponent(actor))
        for node in placement.instancesOnNode.indices where !placement.instancesOnNode[node].isEmpty {
            facility.observe(node: node, by: actorID)
        }
        let fabric = Self.fabric(spec, nodeCount: facility.nodes.count)
        let fabricID = fabric.map { simulation.add(ObjectComponent($0)) }
        let served = Self.withScaleOutBandwidth(spec, placement: placement)
        let serving = ServingSite<TwinMessage>(served, start: .zero, end: end, measureFrom: measureFrom,
                                               busyReports: (actorID, spec.busyReportInterval), transfers: fabricID, into: &simulation)
        actor.bind(instanceIDs: serving.instanceIDs.flatMap { $0 })
        if let fabric {
            // Placement numbers instances across workloads in the routers' order.
            let performances = spec.workloads.flatMap { placed in
                placed.placedPools.flatMap { Array(repeating: $0.spec.performance, count: $0.spec.count) }
            }
            for (instance, (id, performance)) in zip(serving.instanceIDs.joined(), performances).enumerated() {
                let shares = placement.instances[instance]
                fabric.bind(id, at: InstanceEndpoint(nodes: shares.map(\.node), firstGPU: shares[0].firstGPU, layout: performance.layout,
                                                     latentAttention: performance.model.latentAttention != nil))
            }
        }
        self.fabric = fabric
        self.simulation = simulation
        self.facility = facility
        self.serving = serving
        self.placement = placement
        placementActor = actor
    }

    /// The workloads with each pool's collectives at the NIC bandwidth its placement sees:
    /// replicas spanning leaf groups send part of their all-to-all and all-reduce traffic
    /// through oversubscribed uplinks (the worst replica of a pool sets the pool's figure).
    private static func withScaleOutBandwidth(_ spec: TwinSpec, placement: Placement) -> [ServedWorkloadSpec] {
        var first = 0
        return spec.workloads.map { placed in
            var served = placed.served
            for (index, pool) in placed.placedPools.enumerated() {
                let performance = pool.spec.performance
                let nic = placement.instances[first ..< first + pool.spec.count].reduce(performance.nicBytesPerSecond) { worst, shares in
                    guard shares.count > 1 else { return worst }
                    return min(worst, FabricTopology.effectiveScaleOutBytesPerSecond(
                        nicBytesPerSecond: performance.nicBytesPerSecond, nodesSpanned: shares.map(\.node), spec: spec.fabric))
                }
                first += pool.spec.count
                guard nic < performance.nicBytesPerSecond else { continue }
                let slowed = PerformanceModel(model: performance.model, gpu: performance.gpu, layout: performance.layout,
                                              profile: performance.profile, nicBytesPerSecond: nic)
                if index == 0 { served.pool.performance = slowed } else { served.decodePool!.performance = slowed }
            }
            return served
        }
    }

    /// The fabric of the site, if a workload moves KV caches: one NIC per GPU at the speed of
    /// the first disaggregated pool's node type, a rail per GPU of its nodes.
    private static func fabric(_ spec: TwinSpec, nodeCount: Int) -> FabricActor<TwinMessage>? {
        guard let pool = spec.workloads.lazy.compactMap(\.served.decodePool).first else { return nil }
        let performance = pool.performance
        return FabricActor(topology: FabricTopology(
            nodeCount: nodeCount, railsPerNode: performance.layout.gpusPerNode, nicBytesPerSecond: performance.nicBytesPerSecond,
            nvlinkBytesPerSecond: performance.gpu.nvlinkBytesPerSecond, spec: spec.fabric))
    }

    /// Schedules a facility fault or repair.
    public func inject(_ fault: FacilityFault, at time: SimTime) {
        facility.inject(fault, at: time, into: &simulation)
    }

    /// Schedules a serving fault or change on one instance, bypassing the hardware.
    public func inject(_ message: ServingMessage, workload: Int, instance: Int, at time: SimTime) {
        serving.inject(message, workload: workload, instance: instance, at: time, into: &simulation)
    }

    /// Runs to the end, sampling at every multiple of `interval` and at the end. Samples are
    /// read between runs, so sampling adds no events and does not change the outcome.
    public func run(sampleEvery interval: SimDuration, _ sample: (TwinSample) -> Void = { _ in }) {
        precondition(interval > .zero, "sampling interval must be positive")
        var next = simulation.now
        while next < end {
            if measureFrom > simulation.now && measureFrom <= next {
                _ = simulation.run(until: measureFrom)
                energyAtMeasureStart = facility.energy(at: measureFrom)
            }
            _ = simulation.run(until: next)
            sample(self.sample(at: next))
            next += interval
        }
        _ = simulation.run(until: end)
        for router in serving.routers { router.closeAccounts(at: end) }
        sample(self.sample(at: end))
    }

    private func sample(at time: SimTime) -> TwinSample {
        TwinSample(facility: facility.snapshot(at: time), eventsHandled: simulation.eventsHandled, workloads: serving.routers.enumerated().map { index, router in
            let instances = serving.instances[index]
            return TwinSample.Workload(arrived: router.metrics.arrived, completed: router.metrics.completed,
                                       inFlight: router.inFlight, outputTokens: router.metrics.outputTokens,
                                       instancesUp: instances.reduce(0) { $0 + ($1.isUp ? 1 : 0) },
                                       kvTokensUsed: instances.reduce(0) { $0 + $1.engine.kvTokensUsed })
        })
    }
}

/// The coupled world at one instant, for time series.
public struct TwinSample: Sendable {
    public struct Workload: Sendable, Equatable {
        public var arrived: Int64
        public var completed: Int64
        public var inFlight: Int
        public var outputTokens: Int64
        public var instancesUp: Int
        public var kvTokensUsed: Int64
    }

    public var facility: FacilitySnapshot
    /// Events the simulation has handled so far.
    public var eventsHandled: Int
    public var workloads: [Workload]
    public var time: SimTime { facility.time }
}
