public import Compute
public import SimKernel

/// A pool of identical model replicas.
public struct InstancePoolSpec: Sendable {
    public var performance: PerformanceModel
    public var engine: EngineConfiguration
    public var count: Int

    public init(performance: PerformanceModel, engine: EngineConfiguration = .init(), count: Int) {
        self.performance = performance
        self.engine = engine
        self.count = count
    }

    public var gpuCount: Int { performance.layout.gpuCount * count }
}

/// A workload with its router and the instances that serve it.
public struct ServedWorkloadSpec: Sendable {
    public var workload: WorkloadSpec
    public var router: RouterConfiguration
    /// The instances that serve the workload, or with `decodePool` the ones that prefill.
    public var pool: InstancePoolSpec
    /// Prefill/decode disaggregation: the instances that decode what `pool` prefilled.
    public var decodePool: InstancePoolSpec?

    public init(workload: WorkloadSpec, router: RouterConfiguration = .init(), pool: InstancePoolSpec,
                decodePool: InstancePoolSpec? = nil) {
        self.workload = workload
        self.router = router
        self.pool = pool
        self.decodePool = decodePool
    }

    /// The pools in the router's order (unified, or prefill then decode), with their roles.
    public var pools: [(spec: InstancePoolSpec, role: EngineRole)] {
        guard let decodePool else { return [(pool, .unified)] }
        return [(pool, .prefill), (decodePool, .decode)]
    }

    public var instanceCount: Int { pool.count + (decodePool?.count ?? 0) }
    public var gpuCount: Int { pool.gpuCount + (decodePool?.gpuCount ?? 0) }
}

/// The serving side of a site inside a simulation: routers and instances, with typed
/// references to read them between runs and to address faults to them.
public final class ServingSite<Envelope: ServingEnvelope> {
    public let routers: [RouterActor<Envelope>]
    public let routerIDs: [ComponentID]
    /// Instances of workload w, in the router's order.
    public let instances: [[InstanceActor<Envelope>]]
    public let instanceIDs: [[ComponentID]]

    /// Adds one router per workload and its pool's instances; arrivals run from `start` to `end`.
    /// With `busyReports`, every instance tells that observer how busy it was, once per
    /// interval from `start` (instances are numbered across workloads, in order). KV caches of
    /// disaggregated workloads go through `transfers` (the fabric), or arrive at once without.
    public init(_ workloads: [ServedWorkloadSpec], start: SimTime, end: SimTime, measureFrom: SimTime = .zero,
                busyReports: (observer: ComponentID, interval: SimDuration)? = nil, transfers: ComponentID? = nil,
                into simulation: inout Simulation<ObjectComponent<Envelope>>) {
        var routers: [RouterActor<Envelope>] = []
        var routerIDs: [ComponentID] = []
        var instances: [[InstanceActor<Envelope>]] = []
        var instanceIDs: [[ComponentID]] = []
        for served in workloads {
            let routerID = ComponentID(simulation.componentCount + served.instanceCount)
            var pool: [InstanceActor<Envelope>] = []
            var poolIDs: [ComponentID] = []
            for (spec, role) in served.pools {
                for _ in 0 ..< spec.count {
                    let index = pool.count
                    let reporting = busyReports.map {
                        BusyReporting(observer: $0.observer, key: instances.reduce(0) { $0 + $1.count } + index, interval: $0.interval)
                    }
                    let actor = InstanceActor<Envelope>(
                        index: index, router: routerID,
                        engine: ServingEngine(performance: spec.performance, configuration: spec.engine, role: role),
                        busyReporting: reporting)
                    pool.append(actor)
                    let id = simulation.add(ObjectComponent(actor))
                    poolIDs.append(id)
                    if let reporting { _ = simulation.schedule(Envelope(serving: .busyReportDue), to: id, at: start + reporting.interval) }
                }
            }
            var router: RouterActor<Envelope>?
            let id = simulation.add { _, random in
                let made = RouterActor<Envelope>(workload: served.workload, configuration: served.router, instances: poolIDs,
                                                 random: random, start: start, end: end, measureFrom: measureFrom,
                                                 prefillInstances: served.decodePool == nil ? nil : served.pool.count,
                                                 transfers: served.decodePool == nil ? nil : transfers)
                router = made
                return ObjectComponent(made)
            }
            precondition(id == routerID, "router registered out of order")
            router!.start(id: id, in: &simulation)
            routers.append(router!)
            routerIDs.append(id)
            instances.append(pool)
            instanceIDs.append(poolIDs)
        }
        self.routers = routers
        self.routerIDs = routerIDs
        self.instances = instances
        self.instanceIDs = instanceIDs
    }

    /// Schedules a fault or a change on one instance.
    public func inject(_ message: ServingMessage, workload: Int, instance: Int, at time: SimTime,
                       into simulation: inout Simulation<ObjectComponent<Envelope>>) {
        _ = simulation.schedule(Envelope(serving: message), to: instanceIDs[workload][instance], at: time)
    }

    /// Requests accounted for by each router: the conservation law every run must keep.
    public func conservationHolds() -> Bool {
        routers.allSatisfy { router in
            let m = router.metrics
            return m.arrived == m.completed + m.failedTotal + m.rejectedTotal + Int64(router.inFlight)
        }
    }
}
