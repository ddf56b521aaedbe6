public import OrderedJSON
public import Facility
import Serving
public import Twin

/// The facility's worst moments over a run, from its samples.
public struct FacilityExtremes: Sendable, Equatable {
    public var peakITWatts = 0.0
    public var maxInletCelsius = -Double.infinity
    public var racksOverBudgetMax = 0
    public var nodesCappedMax = 0
    public var nodesThrottledMax = 0
    public var nodesOffMax = 0
    public var nodesFailedMax = 0

    public init() {}

    public mutating func update(with snapshot: FacilitySnapshot) {
        peakITWatts = max(peakITWatts, snapshot.itWatts)
        maxInletCelsius = max(maxInletCelsius, snapshot.maxInletCelsius)
        racksOverBudgetMax = max(racksOverBudgetMax, snapshot.racksOverBudget)
        nodesCappedMax = max(nodesCappedMax, snapshot.nodesCapped)
        nodesThrottledMax = max(nodesThrottledMax, snapshot.nodesThrottled)
        nodesOffMax = max(nodesOffMax, snapshot.nodesOff)
        nodesFailedMax = max(nodesFailedMax, snapshot.nodesFailed)
    }
}

/// A fault a scenario injected, as the summary lists it.
public struct FaultRecord: Sendable, Equatable {
    public var atSeconds: Double
    public var component: String
    public var kind: String
    public var clearedAtSeconds: Double?

    public init(atSeconds: Double, component: String, kind: String, clearedAtSeconds: Double?) {
        self.atSeconds = atSeconds
        self.component = component
        self.kind = kind
        self.clearedAtSeconds = clearedAtSeconds
    }
}

/// `summary.json`: what a planner reads first and what expectations are checked against.
public enum Summary {
    /// The summary without its `expectations` (they are evaluated against this tree).
    public static func make(scenario: String, seed: UInt64, wallSeconds: Double, report: TwinReport,
                            extremes: FacilityExtremes, faults: [FaultRecord]) -> JSONValue {
        let seconds = report.measuredSeconds
        func perSecond(_ value: Int64) -> JSONValue { .number(seconds > 0 ? Double(value) / seconds : 0) }
        func latency(_ histogram: LatencyHistogram) -> JSONValue {
            let s = histogram.summary
            return .object([("p50", .number(s.p50)), ("p90", .number(s.p90)), ("p95", .number(s.p95)), ("p99", .number(s.p99)),
                            ("p999", .number(s.p999)), ("mean", .number(s.mean)), ("max", .number(s.max)), ("count", .integer(s.count))])
        }
        let workloads = report.workloads.map { workload -> JSONValue in
            let m = workload.metrics
            return .object([
                ("name", .string(workload.name)),
                ("requests", .object([
                    ("arrived", .integer(m.arrived)), ("completed", .integer(m.completed)), ("failed", .integer(m.failedTotal)),
                    ("rejected", .integer(m.rejectedTotal)), ("retried", .integer(m.retried)),
                    ("in_flight", .integer(Int64(workload.inFlight))),
                ])),
                ("ttft_seconds", latency(m.timeToFirstToken)),
                ("tpot_seconds", latency(m.timePerOutputToken)),
                ("e2e_seconds", latency(m.endToEnd)),
                ("queueing_seconds", latency(m.queueing)),
                ("throughput", .object([
                    ("input_tokens_per_second", perSecond(m.promptTokens)),
                    ("output_tokens_per_second", perSecond(m.outputTokens)),
                    ("requests_per_second", perSecond(m.measured)),
                ])),
                ("slo_attainment", .number(m.sloAttainment)),
                ("goodput_tokens_per_second", perSecond(m.goodputTokens)),
                ("instances", .integer(Int64(workload.instances))),
                ("gpus", .integer(Int64(workload.gpus))),
                ("utilization", .object([
                    ("busy_fraction", .number(workload.busyFraction)),
                    ("mean_decode_batch", .number(workload.meanDecodeBatch)),
                    ("peak_kv_occupancy", .number(workload.peakKVOccupancy)),
                    ("preemptions", .integer(workload.preemptions)),
                ])),
                ("pools", .array(workload.pools.map { pool in
                    .object([
                        ("role", .string(pool.role)),
                        ("instances", .integer(Int64(pool.instances))),
                        ("gpus", .integer(Int64(pool.gpus))),
                        ("busy_fraction", .number(pool.busyFraction)),
                        ("mean_decode_batch", .number(pool.meanDecodeBatch)),
                        ("peak_kv_occupancy", .number(pool.peakKVOccupancy)),
                        ("preemptions", .integer(pool.preemptions)),
                    ])
                })),
            ])
        }
        let energy = report.energy
        let facility: JSONValue = .object([
            ("it_energy_kwh", .number(energy.itJoules / 3.6e6)),
            ("facility_energy_kwh", .number(energy.facilityJoules / 3.6e6)),
            ("cooling_energy_kwh", .number(energy.coolingJoules / 3.6e6)),
            ("pue", .number(energy.pue)),
            ("peak_it_power_kw", .number(extremes.peakITWatts / 1_000)),
            ("max_inlet_celsius", .number(extremes.maxInletCelsius)),
            ("racks_over_budget", .integer(Int64(extremes.racksOverBudgetMax))),
            ("nodes_capped_max", .integer(Int64(extremes.nodesCappedMax))),
            ("nodes_throttled_max", .integer(Int64(extremes.nodesThrottledMax))),
            ("nodes_off_max", .integer(Int64(extremes.nodesOffMax))),
            ("nodes_failed_max", .integer(Int64(extremes.nodesFailedMax))),
        ])
        let faultList = JSONValue.array(faults.map { fault in
            .object([("at_seconds", .number(fault.atSeconds)), ("component", .string(fault.component)), ("kind", .string(fault.kind)),
                     ("cleared_at_seconds", fault.clearedAtSeconds.map(JSONValue.number) ?? .null)])
        })
        let failover = report.failover
        let cost = report.cost
        return .object([
            ("scenario", .string(scenario)),
            ("seed", .integer(Int64(bitPattern: seed))),
            ("simulated_seconds", .number(report.simulatedSeconds)),
            ("measured_seconds", .number(seconds)),
            ("wall_seconds", .number(wallSeconds)),
            ("events_processed", .integer(Int64(report.eventsProcessed))),
            ("workloads", .array(workloads)),
            ("facility", facility),
            ("faults", faultList),
            ("failover", .object([
                ("requests_retried", .integer(failover.requestsRetried)),
                ("requests_failed", .integer(failover.requestsFailed)),
                ("instance_failures", .integer(Int64(failover.instanceFailures))),
                ("max_detection_seconds", .number(failover.maxDetectionSeconds)),
                ("capacity_lost_fraction_max", .number(failover.capacityLostFractionMax)),
            ])),
            ("fabric", .object([
                ("kv_transfers", .integer(report.fabric.transfers)),
                ("kv_gigabytes", .number(report.fabric.bytes / 1e9)),
                ("kv_transfer_mean_seconds", .number(report.fabric.meanTransferSeconds)),
                ("kv_transfer_max_seconds", .number(report.fabric.maxTransferSeconds)),
                ("max_concurrent_transfers", .integer(Int64(report.fabric.maxConcurrent))),
            ])),
            ("cost", .object([
                ("gpu_hours", .number(cost.gpuHours)),
                ("gpu_cost_usd", .number(cost.gpuCostUSD)),
                ("energy_cost_usd", .number(cost.energyCostUSD)),
                ("usd_per_million_output_tokens", .number(cost.usdPerMillionOutputTokens)),
                ("it_joules_per_output_token", .number(cost.itJoulesPerOutputToken)),
                ("facility_joules_per_output_token", .number(cost.facilityJoulesPerOutputToken)),
            ])),
        ])
    }

    /// Appends the expectation results, each with its measured value.
    public static func adding(_ results: [ExpectationResult], to summary: JSONValue) -> JSONValue {
        guard case .object(var members) = summary else { return summary }
        members.append(("expectations", .array(results.map { result in
            .object([("expectation", .string(result.expectation.text)), ("metric", .string(result.expectation.metric)),
                     ("measured", result.measured.map(JSONValue.number) ?? .null), ("passed", .bool(result.passed))])
        })))
        return .object(members)
    }
}
