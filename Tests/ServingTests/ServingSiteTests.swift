import Compute
import SimKernel
import Testing
@testable import Serving

typealias World = Simulation<ObjectComponent<ServingMessage>>

/// Builds a one-workload world, runs it to `end` plus a drain, and hands back the site.
func runSite(_ served: [ServedWorkloadSpec], seed: UInt64 = 1, end: SimDuration, drain: SimDuration = .seconds(600),
             faults: [(ServingMessage, workload: Int, instance: Int, at: SimDuration)] = []) -> (ServingSite<ServingMessage>, Int) {
    var simulation = World(seed: seed)
    let site = ServingSite<ServingMessage>(served, start: .zero, end: .at(end), into: &simulation)
    for fault in faults { site.inject(fault.0, workload: fault.workload, instance: fault.instance, at: .at(fault.at), into: &simulation) }
    _ = simulation.run(until: .at(end + drain))
    for router in site.routers { router.closeAccounts(at: simulation.now) }
    return (site, simulation.eventsHandled)
}

/// One request alone on an idle replica: its prefill iteration (the TTFT), then its other
/// output tokens decoded one iteration each from context prompt + 1.
func aloneClosedForm(_ performance: PerformanceModel, prompt: Int, output: Int) -> (ttft: Double, decodeSeconds: Double) {
    let ttft = performance.iterationCost(decodingSequences: 0, prefillTokens: prompt,
                                         prefillAttentionPairs: PerformanceModel.attentionPairs(tokens: prompt, prefix: 0)).fixedSeconds
    let decode = performance.decodeCost(sequences: 1)
    let decodeSeconds = (0 ..< output - 1).reduce(0.0) { $0 + decode.seconds(contextTokens: Double(prompt + 1 + $1)) }
    return (ttft, decodeSeconds)
}

@Suite("Serving site")
struct ServingSiteTests {
    @Test("One request through router and instance: TTFT and end-to-end equal the closed form")
    func singleRequestThroughActors() {
        let performance = model()
        let workload = WorkloadSpec(name: "one", arrivals: .trace([TraceRow(arrival: .seconds(2), promptTokens: 500, outputTokens: 100)]),
                                    promptTokens: .fixed(1), outputTokens: .fixed(1))
        let (site, _) = runSite([ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: performance, count: 1))],
                                end: .seconds(10))
        let metrics = site.routers[0].metrics
        let (ttft, decodeSeconds) = aloneClosedForm(performance, prompt: 500, output: 100)
        #expect(metrics.completed == 1)
        #expect(abs(metrics.timeToFirstToken.meanSeconds - ttft) < 1e-9)
        #expect(abs(metrics.endToEnd.meanSeconds - (ttft + decodeSeconds)) < 1e-8)
        #expect(metrics.queueing.meanSeconds == 0)
    }

    @Test("Little's law on a long steady run: mean in system = throughput × mean latency within 2%")
    func littlesLaw() {
        let workload = WorkloadSpec(name: "chat", arrivals: .poisson(ratePerSecond: 20), promptTokens: .lognormal(mean: 800, cv: 0.8, max: 4_000),
                                    outputTokens: .lognormal(mean: 250, cv: 0.8, max: 2_000))
        let served = ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: model(llama70B, gpu: h200), count: 4))
        let span = SimDuration.seconds(1_800)
        let (site, _) = runSite([served], end: span, drain: .seconds(3_600))
        let router = site.routers[0]
        let metrics = router.metrics
        #expect(router.inFlight == 0, "the drain must finish everything")
        #expect(metrics.completed == metrics.arrived)
        // Over a window that starts and ends empty, L = ∫N dt / T and λ = completed / T, so
        // L = λ W holds exactly; the 2% allows for the histogram-free exact mean only.
        let meanInSystem = metrics.requestSeconds / span.seconds
        let throughput = Double(metrics.completed) / span.seconds
        let predicted = throughput * metrics.endToEnd.meanSeconds
        #expect(abs(meanInSystem / predicted - 1) < 0.02, "L = \(meanInSystem), λW = \(predicted)")
        #expect(metrics.completed > 30_000)
    }

    @Test("Every run accounts for every request: arrived = completed + failed + rejected + in flight (seed sweep)")
    func conservation() {
        for seed in UInt64(1) ... 10 {
            let workload = WorkloadSpec(name: "bursty", arrivals: .gamma(ratePerSecond: 40, cv: 3), promptTokens: .uniform(10 ... 3_000),
                                        outputTokens: .uniform(1 ... 800))
            var router = RouterConfiguration(policy: RoutingPolicy.allCases[Int(seed) % 4], maxOutstanding: 400)
            router.maxRetries = Int(seed % 3)
            let served = ServedWorkloadSpec(workload: workload, router: router, pool: InstancePoolSpec(performance: model(), count: 3))
            let (site, _) = runSite([served], seed: seed, end: .seconds(120), drain: .seconds(5),
                                    faults: [(.instanceFailed, 0, 1, .seconds(30)), (.instanceRestored, 0, 1, .seconds(60)),
                                             (.instanceFailed, 0, 2, .seconds(31)), (.speedFactorChanged(0.5), 0, 0, .seconds(40))])
            let metrics = site.routers[0].metrics
            #expect(site.conservationHolds(), "seed \(seed)")
            #expect(metrics.arrived > 3_000, "seed \(seed)")
        }
    }

    @Test("Killing 1 of 4 instances mid-run: its requests are retried after the health check notices, none lost, p99 rises")
    func killOneOfFour() {
        let workload = WorkloadSpec(name: "chat", arrivals: .poisson(ratePerSecond: 12), promptTokens: .lognormal(mean: 1_000, cv: 0.5, max: 4_000),
                                    outputTokens: .lognormal(mean: 300, cv: 0.5, max: 2_000))
        let served = ServedWorkloadSpec(workload: workload, router: RouterConfiguration(policy: .leastOutstanding),
                                        pool: InstancePoolSpec(performance: model(llama70B, gpu: h200), count: 4))
        let (healthy, _) = runSite([served], end: .seconds(600))
        let (faulted, _) = runSite([served], end: .seconds(600), faults: [(.instanceFailed, 0, 2, .seconds(300.5))])
        let before = healthy.routers[0].metrics
        let after = faulted.routers[0].metrics
        #expect(after.retried > 0)
        #expect(after.failedTotal == 0 && after.rejectedTotal == 0)
        #expect(after.completed == after.arrived, "every request is retried to completion")
        #expect(faulted.conservationHolds())
        // Detected at the first probe deadline after the failure: round at 305 s, deadline 306 s.
        let change = faulted.routers[0].healthChanges
        #expect(change == [HealthChange(time: .at(.seconds(306)), instance: 2, up: false)])
        #expect(after.endToEnd.percentileSeconds(99) > before.endToEnd.percentileSeconds(99) + 1,
                "p99 \(before.endToEnd.percentileSeconds(99)) s → \(after.endToEnd.percentileSeconds(99)) s")
        #expect(faulted.instances[0][2].droppedWhileDown > 0, "requests sent in the detection window are lost until retried")
    }

    @Test("An instance that fails and comes back between two probes still gets its lost requests retried")
    func failureBetweenProbes() {
        let workload = WorkloadSpec(name: "w", arrivals: .poisson(ratePerSecond: 5), promptTokens: .fixed(100), outputTokens: .fixed(2_000))
        let served = ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: model(), count: 2))
        let (site, _) = runSite([served], end: .seconds(60), drain: .seconds(600),
                                faults: [(.instanceFailed, 0, 0, .seconds(11)), (.instanceRestored, 0, 0, .seconds(13))])
        let metrics = site.routers[0].metrics
        #expect(site.routers[0].healthChanges.isEmpty, "the probes never caught it")
        #expect(metrics.retried > 0)
        #expect(metrics.completed == metrics.arrived && site.routers[0].inFlight == 0)
    }

    @Test("A restored instance is taken back after its next answered probe")
    func restoredInstanceRejoins() {
        let workload = WorkloadSpec(name: "w", arrivals: .poisson(ratePerSecond: 5), promptTokens: .fixed(100), outputTokens: .fixed(50))
        let served = ServedWorkloadSpec(workload: workload, pool: InstancePoolSpec(performance: model(), count: 2))
        let (site, _) = runSite([served], end: .seconds(60), drain: .seconds(10),
                                faults: [(.instanceFailed, 0, 0, .seconds(12)), (.instanceRestored, 0, 0, .seconds(22))])
        #expect(site.routers[0].healthChanges == [HealthChange(time: .at(.seconds(16)), instance: 0, up: false),
                                                  HealthChange(time: .at(.seconds(25)), instance: 0, up: true)])
        #expect(site.instances[0][0].engine.statistics.completed > 0)
    }
}
