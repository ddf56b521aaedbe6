public import SimKernel

/// When requests arrive.
public enum ArrivalProcess: Sendable, Equatable {
    /// Exponential gaps.
    case poisson(ratePerSecond: Double)
    /// Gamma-distributed gaps with the given coefficient of variation: cv > 1 gives bursts.
    case gamma(ratePerSecond: Double, cv: Double)
    /// Poisson with a rate that follows `profile` (multipliers of the mean, piecewise constant,
    /// equal slices of `period`, repeating), e.g. 24 hourly values for a day.
    case diurnal(meanRatePerSecond: Double, profile: [Double], period: SimDuration)
    /// Replay: arrival offsets from the start with their token counts; lengths come from the
    /// rows, not from the workload's length distributions.
    case trace([TraceRow])

    /// Long-run mean rate, in requests per second.
    public var meanRatePerSecond: Double {
        switch self {
        case .poisson(let rate), .gamma(let rate, _): rate
        case .diurnal(let mean, let profile, _): mean * profile.reduce(0, +) / Double(max(1, profile.count))
        case .trace(let rows):
            rows.count < 2 ? 0 : Double(rows.count - 1) / (rows[rows.count - 1].arrival - rows[0].arrival).seconds
        }
    }
}

/// One row of a replayed trace.
public struct TraceRow: Sendable, Equatable {
    public var arrival: SimDuration
    public var promptTokens: Int32
    public var outputTokens: Int32

    public init(arrival: SimDuration, promptTokens: Int32, outputTokens: Int32) {
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }
}

/// A distribution of token counts (at least 1).
public enum TokenLength: Sendable, Equatable {
    case fixed(Int)
    /// Uniform over the closed range.
    case uniform(ClosedRange<Int>)
    /// Lognormal by mean and coefficient of variation, capped at `max`.
    case lognormal(mean: Double, cv: Double, max: Int)
    /// Drawn from observed values with equal weight.
    case empirical([Int])

    public func sample(using random: inout RandomStream) -> Int32 {
        let value: Int = switch self {
        case .fixed(let n): n
        case .uniform(let range): range.lowerBound + random.index(below: range.count)
        case .lognormal(let mean, let cv, let cap): min(cap, Int(random.lognormal(mean: mean, cv: cv).rounded()))
        case .empirical(let values): values[random.index(below: values.count)]
        }
        return Int32(clamping: max(1, value))
    }
}

/// Latency targets of a workload.
public struct ServiceLevelObjective: Sendable, Equatable {
    public var timeToFirstToken: SimDuration
    /// Mean time between output tokens after the first.
    public var timePerOutputToken: SimDuration

    /// MLPerf Inference v4.0 Llama-2-70B server limits: TTFT 2 s, TPOT 200 ms (facts).
    public init(timeToFirstToken: SimDuration = .seconds(2), timePerOutputToken: SimDuration = .milliseconds(200)) {
        self.timeToFirstToken = timeToFirstToken
        self.timePerOutputToken = timePerOutputToken
    }
}

/// One tenant's traffic: arrivals, lengths, prefix-cache behaviour and its SLO.
public struct WorkloadSpec: Sendable, Equatable {
    public var name: String
    public var arrivals: ArrivalProcess
    public var promptTokens: TokenLength
    public var outputTokens: TokenLength
    /// Share of requests whose prompt prefix is already cached.
    public var prefixCacheHitRate: Double
    /// On a hit, the share of the prompt served from the cache.
    public var prefixCachedFraction: Double
    /// Distinct shared prefixes (system prompts); a prefix-aware router keeps each on one instance.
    public var prefixGroups: Int
    public var slo: ServiceLevelObjective

    public init(name: String, arrivals: ArrivalProcess, promptTokens: TokenLength, outputTokens: TokenLength,
                prefixCacheHitRate: Double = 0, prefixCachedFraction: Double = 0, prefixGroups: Int = 1,
                slo: ServiceLevelObjective = .init()) {
        self.name = name
        self.arrivals = arrivals
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.prefixCacheHitRate = prefixCacheHitRate
        self.prefixCachedFraction = prefixCachedFraction
        self.prefixGroups = prefixGroups
        self.slo = slo
    }
}

/// Draws a workload's requests in order, from its own random streams.
public struct RequestGenerator: Sendable {
    public let spec: WorkloadSpec
    private var gaps: RandomStream
    private var lengths: RandomStream
    private var traceIndex = 0
    private var clock: SimDuration = .zero

    /// Arrivals and lengths use separate streams, so changing a length distribution does not
    /// move the arrival times.
    public init(spec: WorkloadSpec, random: RandomStream) {
        switch spec.arrivals {
        case .poisson(let rate), .gamma(let rate, _): precondition(rate > 0, "arrival rate must be positive")
        case .diurnal(let mean, let profile, let period):
            precondition(mean > 0 && period > .zero && profile.allSatisfy { $0 >= 0 } && profile.contains { $0 > 0 },
                         "a diurnal profile needs a positive mean, a period and at least one positive slice")
        case .trace: break
        }
        self.spec = spec
        gaps = random.split(key: 1)
        lengths = random.split(key: 2)
    }

    /// The next arrival's offset from the start, its lengths and its prefix group; nil when a
    /// trace is exhausted.
    public mutating func next() -> (arrival: SimDuration, prompt: Int32, output: Int32, cached: Int32, group: Int)? {
        var prompt: Int32
        var output: Int32
        switch spec.arrivals {
        case .trace(let rows):
            guard traceIndex < rows.count else { return nil }
            clock = rows[traceIndex].arrival
            prompt = max(1, rows[traceIndex].promptTokens)
            output = max(1, rows[traceIndex].outputTokens)
            traceIndex += 1
        case .poisson(let rate):
            clock += .seconds(gaps.exponential(mean: 1 / rate))
            (prompt, output) = drawLengths()
        case .gamma(let rate, let cv):
            clock += .seconds(gaps.gamma(mean: 1 / rate, cv: cv))
            (prompt, output) = drawLengths()
        case .diurnal(let mean, let profile, let period):
            clock = nextDiurnalArrival(after: clock, mean: mean, profile: profile, period: period)
            (prompt, output) = drawLengths()
        }
        let group = lengths.index(below: max(1, spec.prefixGroups))
        var cached: Int32 = 0
        if spec.prefixCacheHitRate > 0 && lengths.bernoulli(probability: spec.prefixCacheHitRate) {
            cached = Int32((Double(prompt) * spec.prefixCachedFraction).rounded(.down))
        }
        return (clock, prompt, output, cached, group)
    }

    private mutating func drawLengths() -> (Int32, Int32) {
        (spec.promptTokens.sample(using: &lengths), spec.outputTokens.sample(using: &lengths))
    }

    /// Exact piecewise-constant-rate Poisson: an exponential amount of "rate × time" is spent
    /// across slices (memorylessness lets each slice start afresh).
    private mutating func nextDiurnalArrival(after start: SimDuration, mean: Double, profile: [Double], period: SimDuration) -> SimDuration {
        let slice = period.seconds / Double(profile.count)
        var work = gaps.exponential(mean: 1)
        var t = start.seconds
        while true {
            let cycle = (t / period.seconds).rounded(.down)
            let index = min(profile.count - 1, Int(((t - cycle * period.seconds) / slice).rounded(.down)))
            let sliceEnd = cycle * period.seconds + Double(index + 1) * slice
            let rate = mean * profile[index]
            if rate > 0 && work <= rate * (sliceEnd - t) { return .seconds(t + work / rate) }
            work -= rate * (sliceEnd - t)
            t = sliceEnd
        }
    }
}
