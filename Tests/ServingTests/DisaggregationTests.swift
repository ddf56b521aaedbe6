import Compute
import SimKernel
import Testing
@testable import Serving

/// A workload served by `prefill` prefill instances and `decode` decode instances of one model.
func disaggregated(_ workload: WorkloadSpec, performance: PerformanceModel = model(), prefill: Int, decode: Int,
                   router: RouterConfiguration = .init()) -> ServedWorkloadSpec {
    ServedWorkloadSpec(workload: workload, router: router, pool: InstancePoolSpec(performance: performance, count: prefill),
                       decodePool: InstancePoolSpec(performance: performance, count: decode))
}

@Suite("Prefill/decode disaggregation")
struct DisaggregationTests {
    @Test("With an instantaneous KV transfer, one request takes exactly the unified closed form: prefill, then decode from context prompt + 1")
    func singleRequestClosedForm() {
        let performance = model()
        let workload = WorkloadSpec(name: "one", arrivals: .trace([TraceRow(arrival: .seconds(2), promptTokens: 500, outputTokens: 100)]),
                                    promptTokens: .fixed(1), outputTokens: .fixed(1))
        let (site, _) = runSite([disaggregated(workload, performance: performance, prefill: 1, decode: 1)], end: .seconds(10))
        let metrics = site.routers[0].metrics
        let (ttft, decodeSeconds) = aloneClosedForm(performance, prompt: 500, output: 100)
        #expect(metrics.completed == 1)
        #expect(abs(metrics.timeToFirstToken.meanSeconds - ttft) < 1e-9)
        #expect(abs(metrics.endToEnd.meanSeconds - (ttft + decodeSeconds)) < 1e-8)
        #expect(site.instances[0][0].engine.statistics.handedOff == 1, "the prefill instance handed it off")
        #expect(site.instances[0][1].engine.statistics.completed == 1, "the decode instance finished it")
        #expect(site.instances[0][1].engine.statistics.promptTokensComputed == 0, "the decode instance prefilled nothing")
    }

    @Test("A one-token answer completes on the prefill instance: nothing is left to decode")
    func oneTokenCompletesAtPrefill() {
        let workload = WorkloadSpec(name: "one", arrivals: .trace([TraceRow(arrival: .seconds(1), promptTokens: 300, outputTokens: 1)]),
                                    promptTokens: .fixed(1), outputTokens: .fixed(1))
        let (site, _) = runSite([disaggregated(workload, prefill: 1, decode: 1)], end: .seconds(5))
        #expect(site.routers[0].metrics.completed == 1)
        #expect(site.instances[0][0].engine.statistics.completed == 1)
        #expect(site.instances[0][1].engine.statistics.iterations == 0)
    }

    @Test("A prefill instance reserves KV for prompts only, so it admits prompts whose answers would not fit it")
    func prefillReservesPromptOnly() {
        let performance = model()
        var prefill = ServingEngine(performance: performance, role: .prefill)
        var unified = ServingEngine(performance: performance)
        let prompt = Int32(prefill.kvCapacityTokens / 2)
        let request = InferenceRequest(id: 1, promptTokens: prompt, outputTokens: prompt + 1_000, arrival: .zero)
        let takenByPrefill = prefill.submit(request, now: .zero)
        let takenByUnified = unified.submit(request, now: .zero)
        #expect(takenByPrefill)
        #expect(!takenByUnified)
    }

    @Test("Decode engines join transferred requests to the batch without prefill, and tokens add up across the pools")
    func tokensAcrossPools() {
        let workload = WorkloadSpec(name: "chat", arrivals: .poisson(ratePerSecond: 30), promptTokens: .uniform(100 ... 2_000),
                                    outputTokens: .uniform(2 ... 400))
        let (site, _) = runSite([disaggregated(workload, prefill: 2, decode: 3)], end: .seconds(120))
        let metrics = site.routers[0].metrics
        let engines = site.instances[0].map(\.engine)
        #expect(metrics.completed == metrics.arrived && site.conservationHolds())
        #expect(engines[2...].allSatisfy { $0.statistics.promptTokensComputed == 0 && $0.statistics.completed > 0 })
        let produced = engines.reduce(Int64(0)) { $0 + $1.statistics.outputTokens }
        #expect(produced == metrics.outputTokens, "first tokens on prefill plus the rest on decode")
    }

    @Test("Failures in either pool: requests start again from prefill, none is lost (seed sweep)")
    func failoverAcrossPools() {
        for seed in UInt64(1) ... 8 {
            let workload = WorkloadSpec(name: "bursty", arrivals: .gamma(ratePerSecond: 30, cv: 2), promptTokens: .uniform(10 ... 3_000),
                                        outputTokens: .uniform(1 ... 800))
            let router = RouterConfiguration(policy: RoutingPolicy.allCases[Int(seed) % 4], maxRetries: 3)
            let served = disaggregated(workload, prefill: 2, decode: 3, router: router)
            let (site, _) = runSite([served], seed: seed, end: .seconds(120), drain: .seconds(900),
                                    faults: [(.instanceFailed, 0, 3, .seconds(30)), (.instanceRestored, 0, 3, .seconds(70)),
                                             (.instanceFailed, 0, 0, .seconds(50)), (.instanceRestored, 0, 0, .seconds(52))])
            let metrics = site.routers[0].metrics
            #expect(site.conservationHolds(), "seed \(seed)")
            #expect(metrics.retried > 0, "seed \(seed)")
            #expect(metrics.failedTotal == 0 && metrics.rejectedTotal == 0, "seed \(seed): \(metrics.failed) \(metrics.rejected)")
            #expect(metrics.completed == metrics.arrived && site.routers[0].inFlight == 0, "seed \(seed)")
        }
    }
}
