import Compute
import SimKernel
import Testing
@testable import Serving

let h100 = Catalogue.gpu(named: "H100")!
let h200 = Catalogue.gpu(named: "H200")!
let llama8B = Catalogue.model(named: "Llama-3.1-8B")!
let llama70B = Catalogue.model(named: "Llama-3.1-70B")!

func model(_ spec: ModelSpec = llama8B, gpu: GPUSpec = h100, tensorParallel: Int = 1,
           profile: EngineProfile = .tensorRTLLM2025) -> PerformanceModel {
    PerformanceModel(model: spec, gpu: gpu, layout: InstanceLayout(tensorParallel: tensorParallel), profile: profile)
}

@Suite("Performance model")
struct PerformanceModelTests {
    @Test("A decode iteration costs overhead + GEMM FLOPs + weights streamed + KV read, term by term")
    func decodeIterationByHand() {
        let performance = model()
        let cost = performance.decodeCost(sequences: 100)
        let parameters = llama8B.totalParameters
        let expected = 0.002 + 2 * parameters * 100 / (1_979e12 * 0.69) + parameters * 1 / (3.35e12 * 0.90)
        #expect(abs(cost.fixedSeconds - expected) < 1e-12)
        // 32 layers × 8 KV heads × 128 × (K and V) × 1 byte (FP8) = 64 KiB per token.
        #expect(abs(cost.secondsPerContextToken - 65_536 / (3.35e12 * 0.90)) < 1e-18)
    }

    @Test("Tensor parallelism splits the work and adds two all-reduces per layer over NVLink")
    func tensorParallelAddsAllReduce() {
        let one = model(llama70B, gpu: h200, tensorParallel: 1).decodeCost(sequences: 64)
        let two = model(llama70B, gpu: h200, tensorParallel: 2).decodeCost(sequences: 64)
        let ringBytes = 2.0 * 1 / 2 * 64 * 8_192 * 2  // 2 (TP−1)/TP × tokens × hidden × BF16
        let allReduces = 2 * 80 * (ringBytes / (450e9 * 0.77) + 10e-6)
        #expect(abs((two.fixedSeconds - 0.002) - ((one.fixedSeconds - 0.002) / 2 + allReduces)) < 1e-9)
        #expect(abs(two.secondsPerContextToken - one.secondsPerContextToken / 2) < 1e-18)
    }

    @Test("Pipeline stages split each GPU's weights and KV: Llama-3.1-405B in BF16 fits 16 H100 as TP8 × PP2, not 8 as TP8")
    func pipelineStagesSplitMemory() {
        let llama405B = Catalogue.model(named: "Llama-3.1-405B")!
        func layout(_ pp: Int) -> PerformanceModel {
            PerformanceModel(model: llama405B, gpu: h100, layout: InstanceLayout(tensorParallel: 8, pipelineParallel: pp,
                             weightPrecision: .bf16, kvPrecision: .bf16), profile: .tensorRTLLM2025)
        }
        #expect(abs(layout(2).weightBytesPerGPU - layout(1).weightBytesPerGPU / 2) < 1)
        #expect(layout(2).kvBytesPerTokenPerGPU == layout(1).kvBytesPerTokenPerGPU / 2)
        #expect(layout(1).kvCapacityTokens(freeMemoryFraction: 0.9, activationReserveBytes: 2e9) <= 0)
        #expect(layout(2).kvCapacityTokens(freeMemoryFraction: 0.9, activationReserveBytes: 2e9) > 100_000)
        #expect(layout(2).layout.gpuCount == 16)
    }

    @Test("A PP2 decode iteration: half the FLOPs, all-reduce bytes and KV per stage, the weights streamed once per micro-batch, and the activations sent on")
    func pipelineIterationByHand() {
        let pp2 = PerformanceModel(model: llama70B, gpu: h100, layout: InstanceLayout(tensorParallel: 8, pipelineParallel: 2),
                                   profile: .tensorRTLLM2025)
        let cost = pp2.decodeCost(sequences: 64)
        let parameters = llama70B.totalParameters
        let compute = 2 * parameters * 64 / 8 / (1_979e12 * 0.69) / 2
        let weights = parameters * 1 / 8 / (3.35e12 * 0.90)
        let ringBytes = 2.0 * 7 / 8 * 64 * 8_192 * 2
        let allReduces = 2 * 80 * (ringBytes / 2 / (450e9 * 0.77) + 10e-6)
        // 16 GPUs span two nodes: the stage boundary is on the NIC; one start-up per micro-batch.
        let sendOn = 64 * 8_192 * 2 / (50e9 * 0.77) + 2 * 10e-6
        #expect(abs(cost.fixedSeconds - (0.002 + compute + weights + allReduces + sendOn)) < 1e-12)
        let tp8 = PerformanceModel(model: llama70B, gpu: h100, layout: InstanceLayout(tensorParallel: 8), profile: .tensorRTLLM2025)
        #expect(abs(cost.secondsPerContextToken - tp8.decodeCost(sequences: 64).secondsPerContextToken / 2) < 1e-20)
    }

    @Test("KV capacity is 90% of the HBM left after weights and activations, over the bytes per token")
    func kvCapacity() {
        let performance = model()
        let capacity = performance.kvCapacityTokens(freeMemoryFraction: 0.9, activationReserveBytes: 3e9)
        #expect(abs(capacity - 0.9 * (80e9 - llama8B.totalParameters - 3e9) / 65_536) < 1e-6)
        #expect(model(Catalogue.model(named: "Llama-3.1-405B")!, gpu: h100).kvCapacityTokens(freeMemoryFraction: 0.9, activationReserveBytes: 3e9) < 0)
    }
}

@Suite("Serving engine")
struct ServingEngineTests {
    @Test("One request on an idle engine: TTFT is one prefill iteration, the rest one closed-form decode stretch")
    func singleRequestClosedForm() {
        let performance = model()
        var engine = ServingEngine(performance: performance)
        let prompt = 1_000, output = 200
        let start = SimTime.at(.seconds(3))
        let done = runEngine(&engine, [InferenceRequest(id: 7, promptTokens: Int32(prompt), outputTokens: Int32(output), arrival: start)])
        let completion = done[7]!
        let prefill = performance.iterationCost(decodingSequences: 0, prefillTokens: prompt,
                                                prefillAttentionPairs: Double(prompt) * Double(prompt + 1) / 2)
        let ttft = prefill.fixedSeconds
        let decode = performance.decodeCost(sequences: 1)
        // Decode iteration j reads a context of prompt + 1 + j tokens, for j = 0 ..< output − 1.
        var decodeSeconds = 0.0
        for j in 0 ..< output - 1 { decodeSeconds += decode.seconds(contextTokens: Double(prompt + 1 + j)) }
        #expect(abs(completion.timeToFirstToken.seconds - ttft) < 1e-9)
        #expect(abs(completion.endToEnd.seconds - (ttft + decodeSeconds)) < 1e-8)
        #expect(completion.admitted == start)
        // Two segments: the prefill iteration and one stretch of 199 decode iterations.
        #expect(engine.statistics.segments == 2)
        #expect(engine.statistics.iterations == Int64(output))
    }

    @Test("The event-skipping engine finishes every request when a one-iteration-at-a-time reference does (seed sweep)")
    func matchesReferenceEngine() {
        // Small KV and token budget so that chunked prefill, admission limits and preemption all happen.
        let performance = model()
        for seed in UInt64(1) ... 40 {
            var configuration = EngineConfiguration(admission: seed % 2 == 1 ? .optimistic : .guaranteedNoEvict,
                                                    maxSequences: 24, tokenBudget: 256)
            configuration.activationReserveBytes = 80e9 - llama8B.totalParameters - 65_536 * 6_000 / 0.9  // ~6,000 tokens of KV
            var random = RandomStream(seed: seed)
            var arrivals: [InferenceRequest] = []
            var clock = 0.0
            for id in 0 ..< 150 {
                clock += random.exponential(mean: 0.05)
                arrivals.append(InferenceRequest(
                    id: UInt64(id), promptTokens: Int32(1 + random.index(below: 600)), outputTokens: Int32(1 + random.index(below: 300)),
                    cachedPromptTokens: random.bernoulli(probability: 0.3) ? Int32(random.index(below: 200)) : 0,
                    arrival: .at(.seconds(clock))))
            }
            var engine = ServingEngine(performance: performance, configuration: configuration)
            let fast = runEngine(&engine, arrivals)
            let reference = ReferenceEngine(performance: performance, configuration: configuration).run(arrivals)
            #expect(fast.count == arrivals.count, "seed \(seed)")
            var worst = 0.0
            var preemptionsEqual = true
            for (id, expected) in reference {
                guard let got = fast[id] else { continue }
                worst = max(worst, abs((got.finished - expected.finished).seconds), abs((got.firstToken - expected.firstToken).seconds))
                preemptionsEqual = preemptionsEqual && got.preemptions == expected.preemptions
            }
            #expect(worst < 1e-6, "seed \(seed): completion times differ by up to \(worst) s")
            #expect(preemptionsEqual, "seed \(seed)")
            #expect(engine.requestsHeld == 0 && engine.kvTokensUsed == 0, "seed \(seed)")
            if seed == 1 { #expect(engine.statistics.preemptions > 0, "the sweep must exercise preemption") }
        }
    }

    @Test("A long decode of a large batch is a handful of segments, not one event per token")
    func segmentsGrowWithChangesNotTokens() {
        var engine = ServingEngine(performance: model(), configuration: EngineConfiguration(maxSequences: 1_024, tokenBudget: 16_384))
        let arrivals = (0 ..< 1_000).map {
            InferenceRequest(id: UInt64($0), promptTokens: 16, outputTokens: 500, arrival: .zero)
        }
        let done = runEngine(&engine, arrivals)
        #expect(done.count == 1_000)
        // The first submit starts a one-request prefill; the other 999 join the next iteration.
        // Request 0 finishes at iteration 500, the rest at 501: four segments for 500,500 tokens.
        #expect(engine.statistics.iterations == 501)
        #expect(engine.statistics.segments == 4)
        #expect(engine.statistics.preemptions == 0)
    }

    @Test("A request too long for the KV cache is refused, not queued forever")
    func refusesWhatCannotFit() {
        var engine = ServingEngine(performance: model())
        let capacity = Int32(engine.kvCapacityTokens)
        let accepted = engine.submit(InferenceRequest(id: 1, promptTokens: capacity, outputTokens: 10, arrival: .zero), now: .zero)
        #expect(!accepted)
        #expect(engine.requestsHeld == 0 && engine.nextWake == nil)
    }

    @Test("A slower node stretches iterations from the next boundary on")
    func speedFactorSlowsDecoding() {
        let performance = model()
        var full = ServingEngine(performance: performance)
        var slowed = ServingEngine(performance: performance)
        let request = InferenceRequest(id: 1, promptTokens: 100, outputTokens: 400, arrival: .zero)
        let baseline = runEngine(&full, [request])[1]!
        slowed.setSpeedFactor(0.5, now: .zero)
        let slow = runEngine(&slowed, [request])[1]!
        #expect(abs(slow.endToEnd.seconds - 2 * baseline.endToEnd.seconds) < 1e-8)
    }
}
