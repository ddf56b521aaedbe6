public import Compute
public import SimKernel

extension ServedWorkloadSpec {
    /// The speed yardstick of issue 4: a chat workload on Llama-3.1-70B (FP8, TP2 on H100)
    /// over `gpus` GPUs, Poisson arrivals at `ratePerSecond`, lognormal lengths (prompt mean
    /// 1,000, output mean 250, CV 1) and least-outstanding routing.
    public static func chatReference(gpus: Int, ratePerSecond: Double) -> ServedWorkloadSpec {
        let performance = PerformanceModel(model: Catalogue.model(named: "Llama-3.1-70B")!, gpu: Catalogue.gpu(named: "H100")!,
                                           layout: InstanceLayout(tensorParallel: 2), profile: .tensorRTLLM2025)
        let workload = WorkloadSpec(name: "chat", arrivals: .poisson(ratePerSecond: ratePerSecond),
                                    promptTokens: .lognormal(mean: 1_000, cv: 1, max: 16_000),
                                    outputTokens: .lognormal(mean: 250, cv: 1, max: 4_000))
        return ServedWorkloadSpec(workload: workload, router: RouterConfiguration(policy: .leastOutstanding),
                                  pool: InstancePoolSpec(performance: performance, count: max(1, gpus / 2)))
    }
}

/// A closed loop that holds an engine's decoding batch near `batch` sequences: every
/// completion is replaced at once by a new request. Used to show that the cost of a wake-up
/// does not grow with the batch.
public struct DecodeStepLoop {
    public private(set) var engine: ServingEngine
    private var random: RandomStream
    private var nextID: UInt64 = 0
    private var completions: [RequestCompletion] = []
    public private(set) var wakes = 0
    public private(set) var completed = 0

    /// Llama-3.1-8B on one H200 with room for `batch` sequences of 16 prompt and 50...150 output tokens.
    public init(batch: Int, seed: UInt64 = 1) {
        let performance = PerformanceModel(model: Catalogue.model(named: "Llama-3.1-8B")!, gpu: Catalogue.gpu(named: "H200")!,
                                           layout: InstanceLayout(), profile: .tensorRTLLM2025)
        engine = ServingEngine(performance: performance, configuration: EngineConfiguration(
            maxSequences: batch, tokenBudget: batch + 2_048))
        random = RandomStream(seed: seed)
        for _ in 0 ..< batch { submit(now: .zero) }
    }

    private mutating func submit(now: SimTime) {
        nextID += 1
        let output = Int32(50 + random.index(below: 101))
        _ = engine.submit(InferenceRequest(id: nextID, promptTokens: 16, outputTokens: output, arrival: now), now: now)
    }

    /// Runs `count` wake-ups.
    public mutating func run(wakes count: Int) {
        let target = wakes + count
        while wakes < target { step() }
    }

    /// Runs until `count` more requests have finished (and been replaced).
    public mutating func run(completions count: Int) {
        let target = completed + count
        while completed < target { step() }
    }

    private mutating func step() {
        guard let now = engine.nextWake else { preconditionFailure("a closed loop never idles") }
        completions.removeAll(keepingCapacity: true)
        engine.wake(now: now, completions: &completions)
        wakes += 1
        completed += completions.count
        for _ in completions { submit(now: now) }
    }
}
