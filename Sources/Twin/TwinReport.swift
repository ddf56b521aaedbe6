import Compute
public import Facility
public import Serving
import SimKernel

/// What a coupled run delivered and what it cost, per workload and for the site.
public struct TwinReport: Sendable {
    public struct Workload: Sendable {
        public var name: String
        public var metrics: WorkloadMetrics
        /// Requests still in the system at the end.
        public var inFlight: Int
        public var instances: Int
        public var gpus: Int
        /// Share of the run the instances spent running iterations (mean over instances).
        public var busyFraction: Double
        /// Decoding sequences per iteration, averaged over busy time.
        public var meanDecodeBatch: Double
        /// The fullest any instance's KV cache got, as a share of its capacity.
        public var peakKVOccupancy: Double
        public var preemptions: Int64
        /// The same figures per pool: one unified pool, or prefill then decode.
        public var pools: [Pool]
    }

    /// How one pool of a workload's replicas was used.
    public struct Pool: Sendable, Equatable {
        /// "unified", "prefill" or "decode".
        public var role: String
        public var instances: Int
        public var gpus: Int
        public var busyFraction: Double
        public var meanDecodeBatch: Double
        public var peakKVOccupancy: Double
        public var preemptions: Int64
    }

    public struct Failover: Sendable, Equatable {
        public var requestsRetried: Int64
        public var requestsFailed: Int64
        /// Longest time from an instance's physical failure to its router marking it down.
        public var maxDetectionSeconds: Double
        /// Largest share of serving GPUs down at once.
        public var capacityLostFractionMax: Double
        /// Instance failures that the coupling saw (node off, failed or shut down).
        public var instanceFailures: Int
    }

    public struct Cost: Sendable, Equatable {
        /// Every GPU in the facility for the whole run, idle or not.
        public var gpuHours: Double
        public var gpuCostUSD: Double
        public var energyCostUSD: Double
        public var usdPerMillionOutputTokens: Double
        /// IT energy (node input) per output token.
        public var itJoulesPerOutputToken: Double
        /// Facility energy (grid and cooling) per output token.
        public var facilityJoulesPerOutputToken: Double
    }

    public var simulatedSeconds: Double
    /// After the warm-up: what throughput, energy and cost are measured over.
    public var measuredSeconds: Double
    public var eventsProcessed: Int
    public var workloads: [Workload]
    public var energy: FacilityEnergy
    public var failover: Failover
    /// KV caches moved between prefill and decode pools (zero without disaggregation).
    public var fabric: TransferStatistics
    public var cost: Cost
    public var outputTokens: Int64 { workloads.reduce(0) { $0 + $1.metrics.outputTokens } }

    /// A report of nothing for these workloads: the shape of a summary before any run, so
    /// expectations can be checked against the names they will find.
    public static func empty(workloadNames: [String]) -> TwinReport {
        TwinReport(
            simulatedSeconds: 0, measuredSeconds: 0, eventsProcessed: 0,
            workloads: workloadNames.map {
                Workload(name: $0, metrics: WorkloadMetrics(), inFlight: 0, instances: 0, gpus: 0, busyFraction: 0,
                         meanDecodeBatch: 0, peakKVOccupancy: 0, preemptions: 0, pools: [])
            },
            energy: .zero,
            failover: Failover(requestsRetried: 0, requestsFailed: 0, maxDetectionSeconds: 0, capacityLostFractionMax: 0,
                               instanceFailures: 0),
            fabric: TransferStatistics(),
            cost: Cost(gpuHours: 0, gpuCostUSD: 0, energyCostUSD: 0, usdPerMillionOutputTokens: 0, itJoulesPerOutputToken: 0,
                       facilityJoulesPerOutputToken: 0))
    }
}

extension Twin {
    /// The run's results; call after `run`.
    public func report() -> TwinReport {
        let now = simulation.now
        let seconds = now.sinceStart.seconds
        let workloads = serving.routers.indices.map { index -> TwinReport.Workload in
            let router = serving.routers[index]
            let instances = serving.instances[index]
            let served = spec.workloads[index].served
            var first = 0
            let pools = served.pools.map { pool -> TwinReport.Pool in
                defer { first += pool.spec.count }
                return Self.usage(of: instances[first ..< first + pool.spec.count], role: pool.role.rawValue,
                                  gpus: pool.spec.gpuCount, seconds: seconds, now: now)
            }
            let whole = Self.usage(of: instances[...], role: "", gpus: served.gpuCount, seconds: seconds, now: now)
            return TwinReport.Workload(
                name: router.workload.name, metrics: router.metrics, inFlight: router.inFlight, instances: instances.count,
                gpus: whole.gpus, busyFraction: whole.busyFraction, meanDecodeBatch: whole.meanDecodeBatch,
                peakKVOccupancy: whole.peakKVOccupancy, preemptions: whole.preemptions, pools: pools)
        }
        let measuredSeconds = (now - measureFrom).seconds
        let energy = facility.energy(at: now).since(energyAtMeasureStart)
        let outputTokens = Double(workloads.reduce(0) { $0 + $1.metrics.outputTokens })
        let gpuCount = facility.nodes.reduce(0) { $0 + $1.spec.power.gpuCount }
        let gpuHours = Double(gpuCount) * measuredSeconds / 3_600
        let gpuCost = gpuHours * spec.economics.gpuHourUSD
        let energyCost = energy.facilityJoules / 3.6e6 * spec.economics.electricityUSDPerKilowattHour
        let cost = TwinReport.Cost(
            gpuHours: gpuHours, gpuCostUSD: gpuCost, energyCostUSD: energyCost,
            usdPerMillionOutputTokens: outputTokens > 0 ? (gpuCost + energyCost) / outputTokens * 1e6 : 0,
            itJoulesPerOutputToken: outputTokens > 0 ? energy.itJoules / outputTokens : 0,
            facilityJoulesPerOutputToken: outputTokens > 0 ? energy.facilityJoules / outputTokens : 0)
        return TwinReport(simulatedSeconds: seconds, measuredSeconds: measuredSeconds, eventsProcessed: simulation.eventsHandled, workloads: workloads,
                          energy: energy, failover: failover(), fabric: fabric?.statistics ?? TransferStatistics(), cost: cost)
    }

    /// Busy share, mean decode batch, peak KV occupancy and preemptions of some instances over
    /// `seconds` of run ending `now`.
    private static func usage(of instances: ArraySlice<InstanceActor<TwinMessage>>, role: String, gpus: Int, seconds: Double,
                              now: SimTime) -> TwinReport.Pool {
        var busySeconds = 0.0, batchSeconds = 0.0, peakKV = 0.0, preemptions: Int64 = 0
        for instance in instances {
            let engine = instance.engine
            busySeconds += engine.busyTime(at: now).seconds
            batchSeconds += engine.statistics.batchSequenceSeconds
            preemptions += engine.statistics.preemptions
            if engine.kvCapacityTokens > 0 {
                peakKV = max(peakKV, Double(engine.statistics.peakKVTokens) / Double(engine.kvCapacityTokens))
            }
        }
        return TwinReport.Pool(
            role: role, instances: instances.count, gpus: gpus,
            busyFraction: seconds > 0 && !instances.isEmpty ? busySeconds / (seconds * Double(instances.count)) : 0,
            meanDecodeBatch: busySeconds > 0 ? batchSeconds / busySeconds : 0, peakKVOccupancy: peakKV, preemptions: preemptions)
    }

    /// Instances down or up again as the hardware made them, in time order.
    public var placementTransitions: [PlacementActor<TwinMessage>.Transition] { placementActor.transitions }

    /// The workload and the index in its pool of an instance numbered across workloads.
    public func location(ofInstance instance: Int) -> (workload: Int, local: Int) {
        var rest = instance
        for (workload, pool) in serving.instances.enumerated() {
            if rest < pool.count { return (workload, rest) }
            rest -= pool.count
        }
        preconditionFailure("no instance \(instance)")
    }

    /// Matches each physical instance failure with the router's first "down" after it.
    private func failover() -> TwinReport.Failover {
        var maxDetection = 0.0
        let failures = placementActor.transitions.filter { !$0.up }
        for failure in failures {
            let (workload, local) = location(ofInstance: failure.instance)
            if let seen = serving.routers[workload].healthChanges.first(where: {
                $0.instance == local && !$0.up && $0.time >= failure.time
            }) {
                maxDetection = max(maxDetection, (seen.time - failure.time).seconds)
            }
        }
        let metrics = serving.routers.map(\.metrics)
        return TwinReport.Failover(
            requestsRetried: metrics.reduce(0) { $0 + $1.retried }, requestsFailed: metrics.reduce(0) { $0 + $1.failedTotal },
            maxDetectionSeconds: maxDetection, capacityLostFractionMax: placementActor.capacityLostFractionMax,
            instanceFailures: failures.count)
    }
}
