import Compute
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
            placement.place(instances: placed.served.pool.count, layout: placed.served.pool.performance.layout, on: placed.nodes)
        }
        let instanceGPUs = spec.workloads.flatMap { placed in
            Array(repeating: placed.served.pool.performance.layout.gpuCount, count: placed.served.pool.count)
        }
        let actor = PlacementActor<TwinMessage>(placement: placement, nodeIDs: facility.nodeIDs, instanceGPUs: instanceGPUs)
        let actorID = simulation.add(ObjectComponent(actor))
        for node in placement.instancesOnNode.indices where !placement.instancesOnNode[node].isEmpty {
            facility.observe(node: node, by: actorID)
        }
        let serving = ServingSite<TwinMessage>(spec.workloads.map(\.served), start: .zero, end: end, measureFrom: measureFrom,
                                               busyReports: (actorID, spec.busyReportInterval), into: &simulation)
        actor.bind(instanceIDs: serving.instanceIDs.flatMap { $0 })
        self.simulation = simulation
        self.facility = facility
        self.serving = serving
        self.placement = placement
        placementActor = actor
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
