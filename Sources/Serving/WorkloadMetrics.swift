public import Histogram
public import SimKernel

/// Percentiles of one latency, in seconds.
public struct LatencySummary: Sendable, Equatable {
    public var count: Int64
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
}

/// A latency distribution in bounded memory: an HDR histogram of microseconds (3 significant
/// digits, so percentiles are within 0.1%) plus an exact sum for the mean.
public struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    private var sumNanoseconds: Int64 = 0
    private var maxNanoseconds: Int64 = 0
    public private(set) var count: Int64 = 0

    public init() {}

    public mutating func record(_ duration: SimDuration) {
        let nanoseconds = Swift.max(0, duration.nanoseconds)
        histogram.record(UInt64(nanoseconds / 1_000))
        sumNanoseconds += nanoseconds
        maxNanoseconds = Swift.max(maxNanoseconds, nanoseconds)
        count += 1
    }

    public mutating func record(seconds: Double) { record(.seconds(seconds)) }

    public var meanSeconds: Double { count == 0 ? 0 : Double(sumNanoseconds) / Double(count) / 1e9 }

    public func percentileSeconds(_ percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    public var summary: LatencySummary {
        LatencySummary(count: count, mean: meanSeconds, p50: percentileSeconds(50), p90: percentileSeconds(90),
                       p95: percentileSeconds(95), p99: percentileSeconds(99), p999: percentileSeconds(99.9),
                       max: Double(maxNanoseconds) / 1e9)
    }
}

/// Why a request that was accepted did not complete.
public enum FailureReason: String, Sendable, CaseIterable {
    /// Its instance failed more times than the retry limit allows.
    case retriesExhausted = "retries_exhausted"
    /// Its instance failed and no healthy instance was left.
    case noHealthyInstance = "no_healthy_instance"
    /// The prompt and output can never fit an instance's KV cache.
    case doesNotFit = "does_not_fit"
}

/// Why a request was turned away at the door.
public enum RejectionReason: String, Sendable, CaseIterable {
    /// The router's bound on requests in the system was reached.
    case queueFull = "queue_full"
    /// No instance was healthy in the router's view.
    case noHealthyInstance = "no_healthy_instance"
}

/// What a router measured for its workload.
public struct WorkloadMetrics: Sendable {
    public var arrived: Int64 = 0
    public var completed: Int64 = 0
    /// Completed requests that arrived after the warm-up: the ones latencies, tokens, SLO
    /// attainment and goodput count.
    public var measured: Int64 = 0
    public var retried: Int64 = 0
    public var failed: [FailureReason: Int64] = [:]
    public var rejected: [RejectionReason: Int64] = [:]
    public var timeToFirstToken = LatencyHistogram()
    public var timePerOutputToken = LatencyHistogram()
    public var endToEnd = LatencyHistogram()
    public var queueing = LatencyHistogram()
    public var promptTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var preemptions: Int64 = 0
    public var sloMet: Int64 = 0
    /// Output tokens of requests that met both SLO targets.
    public var goodputTokens: Int64 = 0
    /// ∫ (requests in the system) dt, for Little's law.
    public var requestSeconds: Double = 0

    public init() {}

    public var failedTotal: Int64 { FailureReason.allCases.reduce(0) { $0 + (failed[$1] ?? 0) } }
    public var rejectedTotal: Int64 { RejectionReason.allCases.reduce(0) { $0 + (rejected[$1] ?? 0) } }
    public var sloAttainment: Double { measured == 0 ? 0 : Double(sloMet) / Double(measured) }

    mutating func record(_ completion: RequestCompletion, slo: ServiceLevelObjective, measured isMeasured: Bool) {
        completed += 1
        guard isMeasured else { return }
        measured += 1
        promptTokens += Int64(completion.promptTokens)
        outputTokens += Int64(completion.outputTokens)
        preemptions += Int64(completion.preemptions)
        timeToFirstToken.record(completion.timeToFirstToken)
        endToEnd.record(completion.endToEnd)
        queueing.record(completion.queueing)
        let tpot = completion.timePerOutputTokenSeconds
        if completion.outputTokens > 1 { timePerOutputToken.record(seconds: tpot) }
        if completion.timeToFirstToken <= slo.timeToFirstToken && tpot <= slo.timePerOutputToken.seconds {
            sloMet += 1
            goodputTokens += Int64(completion.outputTokens)
        }
    }
}
