import Benchmark
import Facility
import Phold
import Serving
import SimKernel
import Twin

extension BenchmarkMetric {
    /// Events handled by a run: deterministic, so a change means the model's event pattern changed.
    static var eventsHandled: Self { .custom("eventsHandled", polarity: .prefersSmaller, useScalingFactor: false) }

    /// Wall nanoseconds per handled event (smaller is better, so thresholds gate on p90).
    static var nanosecondsPerEvent: Self { .custom("nanosecondsPerEvent", polarity: .prefersSmaller, useScalingFactor: false) }
}

/// PHOLD at the two sizes of the kernel issue: small (1,000 × 10, about 10k pending events,
/// compute-bound) and large (100,000 × 10, about 1M pending, memory-bound). Building the
/// simulation is outside the measurement; the run loop should allocate nothing.
let benchmarks: @Sendable () -> Void = {
    let cases: [(name: String, configuration: PholdConfiguration, iterations: Int)] = [
        ("PHOLD-small-1000x10", PholdConfiguration(lpCount: 1_000, eventsPerLP: 10, until: .at(.seconds(1_100))), 7),
        ("PHOLD-large-100000x10", PholdConfiguration(lpCount: 100_000, eventsPerLP: 10, until: .at(.seconds(10))), 5),
    ]
    for (name, configuration, iterations) in cases {
        Benchmark(name, configuration: .init(
            metrics: [.wallClock, .nanosecondsPerEvent, .mallocCountTotal],
            warmupIterations: 1,
            maxDuration: .seconds(60),
            maxIterations: iterations,
            thresholds: [
                // This machine is noisy by about ±10%; a regression beyond 20% fails.
                .wallClock: .init(relative: [.p90: 20.0]),
                .nanosecondsPerEvent: .init(relative: [.p90: 20.0]),
                // The run loop allocates only when the queue grows: a per-event allocation
                // would add millions.
                .mallocCountTotal: .init(absolute: [.p90: 64]),
            ]
        )) { benchmark in
            var simulation = Phold.makeSimulation(configuration)
            let clock = ContinuousClock()
            benchmark.startMeasurement()
            let start = clock.now
            let result = Phold.run(&simulation, until: configuration.until)
            let elapsed = clock.now - start
            benchmark.stopMeasurement()
            blackHole(result)
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) * 1e-9
            benchmark.measurement(.nanosecondsPerEvent, Int((nanoseconds / Double(result.events)).rounded()))
        }
    }

    // Hour-long model runs: wall time within 25% (noisy machine, longer runs), and the event
    // count (deterministic) within 5%, so a change in the model's event pattern shows.
    let modelRun = Benchmark.Configuration(
        metrics: [.wallClock, .eventsHandled],
        warmupIterations: 1,
        maxDuration: .seconds(60),
        maxIterations: 5,
        thresholds: [
            .wallClock: .init(relative: [.p90: 25.0]),
            .eventsHandled: .init(relative: [.p90: 5.0]),
        ]
    )

    // A fault-free hour of 1,000 racks (4,000 DGX H100) sampled every 10 s: cost must follow
    // state changes and samples, not simulated time.
    Benchmark("Facility-hall-1000racks-1h", configuration: modelRun) { benchmark in
        var simulation = Simulation<ObjectComponent<FacilityMessage>>(seed: 42)
        let facility = Facility.build(.uniformHall(racks: 1_000, utilization: 0.7), into: &simulation)
        var samples = 0
        facility.run(&simulation, until: .at(.hours(1)), sampleEvery: .seconds(10)) { _ in samples += 1 }
        blackHole(samples)
        benchmark.measurement(.eventsHandled, simulation.eventsHandled)
    }

    // Issue 4's yardstick: one simulated hour of 1,000 H100s (500 TP2 replicas of
    // Llama-3.1-70B) serving 200 chat requests/s must run at least 1,000× faster than real
    // time, i.e. under 3.6 s.
    Benchmark("Serving-1000gpus-200rps-1h", configuration: modelRun) { benchmark in
        var simulation = Simulation<ObjectComponent<ServingMessage>>(seed: 42)
        let end = SimTime.at(.hours(1))
        let site = ServingSite<ServingMessage>([.chatReference(gpus: 1_000, ratePerSecond: 200)], start: .zero, end: end,
                                               into: &simulation)
        _ = simulation.run(until: end)
        blackHole(site.routers[0].metrics.completed)
        benchmark.measurement(.eventsHandled, simulation.eventsHandled)
    }

    // The same traffic on a coupled world: 32 racks of 4 DGX H100 (1,024 GPUs) whose node
    // power follows the replicas' busy time and whose node states reach the replicas.
    Benchmark("Twin-1024gpus-200rps-1h", configuration: modelRun) { benchmark in
        let twin = Twin(.chatReferenceHall(racks: 32, ratePerSecond: 200, duration: .hours(1)), seed: 42)
        twin.run(sampleEvery: .minutes(1))
        blackHole(twin.report().outputTokens)
        benchmark.measurement(.eventsHandled, twin.simulation.eventsHandled)
    }

    // A decode step touches only what changes: 100,000 completions (each replaced at once)
    // cost the same wall time whether the engine's batch holds 10 or 10,000 sequences.
    for batch in [10, 10_000] {
        Benchmark("Serving-decode-100k-completions-batch-\(batch)", configuration: .init(
            metrics: [.wallClock],
            warmupIterations: 1,
            maxDuration: .seconds(30),
            maxIterations: 7,
            thresholds: [.wallClock: .init(relative: [.p90: 25.0])]
        )) { benchmark in
            var loop = DecodeStepLoop(batch: batch)
            loop.run(completions: batch)
            benchmark.startMeasurement()
            loop.run(completions: 100_000)
            benchmark.stopMeasurement()
            blackHole(loop.completed)
        }
    }
}
