public import OrderedJSON
public import Report
public import SimKernel
import Serving
public import Twin

/// What a run of a plan produced, before any of it is written.
public struct ScenarioResult {
    public let plan: ScenarioPlan
    public let twin: Twin
    public let report: TwinReport
    public let extremes: FacilityExtremes
    public let timeSeries: TimeSeries
    public let eventsCSV: String

    /// Builds the world, schedules the faults and runs it to the end. `progress` hears the
    /// simulated time at every sample (the CLI's progress line); it cannot change the run.
    public static func run(_ plan: ScenarioPlan, seed: UInt64? = nil, trace: Bool = false, progress: (_ simulated: SimTime, _ events: Int) -> Void = { _, _ in }) -> ScenarioResult {
        let twin = Twin(plan.twin, seed: seed ?? plan.seed)
        if trace { PerfettoTrace.enable(on: twin) }
        if plan.writesRequests { for router in twin.serving.routers { router.completionLog = [] } }
        for fault in plan.faults {
            for action in fault.actions { apply(action, at: fault.at, to: twin) }
            if let cleared = fault.record.clearedAtSeconds {
                for action in fault.repairs { apply(action, at: .at(.seconds(cleared)), to: twin) }
            }
        }
        var extremes = FacilityExtremes()
        var series = TimeSeries(workloadNames: plan.twin.workloads.map(\.served.workload.name))
        twin.run(sampleEvery: plan.sampleInterval) { sample in
            extremes.update(with: sample.facility)
            series.append(sample)
            progress(sample.time, sample.eventsHandled)
        }
        return ScenarioResult(plan: plan, twin: twin, report: twin.report(), extremes: extremes, timeSeries: series,
                              eventsCSV: EventLog.csv(of: twin))
    }

    private static func apply(_ action: PlannedFault.Action, at time: SimTime, to twin: Twin) {
        switch action {
        case .facility(let fault): twin.inject(fault, at: time)
        case .instance(let message, let workload, let instance): twin.inject(message, workload: workload, instance: instance, at: time)
        }
    }

    /// Every router's requests add up: arrived = completed + failed + rejected + in flight.
    public var conservationHolds: Bool { twin.serving.conservationHolds() }

    /// `requests.csv`: every measured completed request, workloads in order, then by completion.
    public var requestsCSV: String {
        RequestLog.csv(twin.serving.routers.map { ($0.workload.name, $0.completionLog ?? []) })
    }

    /// `trace.json` (Chrome trace-event format, for Perfetto); meaningful after `run(trace: true)`.
    public var traceJSON: String { PerfettoTrace.json(of: twin, timeSeries: timeSeries, faults: plan.faults.map(\.record)) }

    /// `report.html`: the summary, latency curves, and the time series with the faults marked.
    public func html(summary: JSONValue) -> String {
        HTMLReport.render(summary: summary, description: plan.description, timeSeries: timeSeries,
                          curves: report.workloads.map { HTMLReport.LatencyCurves(workload: $0.name, metrics: $0.metrics) },
                          faults: plan.faults.map(\.record))
    }

    /// `summary.json`'s content and its expectations checked against it, built once so the
    /// printed results, the JUnit file and the summary agree (also on `wall_seconds`, the only
    /// value that differs between two runs).
    public func checkedSummary(seed: UInt64, wallSeconds: Double) -> (summary: JSONValue, expectations: [ExpectationResult]) {
        let base = Summary.make(scenario: plan.name, seed: seed, wallSeconds: wallSeconds, report: report, extremes: extremes,
                                faults: plan.faults.map(\.record))
        let results = plan.expectations.map { $0.evaluate(in: base) }
        return (Summary.adding(results, to: base), results)
    }

    public func summary(seed: UInt64, wallSeconds: Double) -> JSONValue { checkedSummary(seed: seed, wallSeconds: wallSeconds).summary }
}
