import ArgumentParser
import Foundation
import Serving
import SimKernel

/// `dctwin bench serving`: the serving speed yardsticks of issue 4.
struct ServingBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serving",
        abstract: "Run the chat reference site (Llama-3.1-70B, TP2 on H100) and the decode-step loop; print one line each."
    )

    @Option(help: "GPUs in the site (instances of 2 GPUs).") var gpus: Int = 1_000
    @Option(help: "Requests per second (Poisson).") var rate: Double = 200
    @Option(help: "Simulated hours.") var hours: Double = 1
    @Option(help: "Decode-loop batch sizes, comma-separated.") var batches: String = "10,100,1000,10000"
    @Option(help: "Completions timed per decode-loop batch size.") var completions: Int = 1_000_000
    @Option(help: "Root seed.") var seed: UInt64 = 42

    func validate() throws {
        guard gpus >= 2 && gpus <= 1_000_000 else { throw ValidationError("--gpus must be in 2...1000000, got \(gpus)") }
        guard rate > 0 && rate <= 1_000_000 else { throw ValidationError("--rate must be in (0, 1000000], got \(rate)") }
        guard hours > 0 && hours <= 8_760 else { throw ValidationError("--hours must be in (0, 8760], got \(hours)") }
        guard parsedBatches != nil else { throw ValidationError("--batches must be positive integers separated by commas, got \(batches)") }
    }

    private var parsedBatches: [Int]? {
        let values = batches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 100_000 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        let clock = ContinuousClock()
        func seconds(since start: ContinuousClock.Instant) -> Double {
            let wall = clock.now - start
            return Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        }
        var start = clock.now
        var simulation = Simulation<ObjectComponent<ServingMessage>>(seed: seed)
        let end = SimTime.at(.hours(hours))
        let site = ServingSite<ServingMessage>([.chatReference(gpus: gpus, ratePerSecond: rate)], start: .zero, end: end,
                                               into: &simulation)
        _ = simulation.run(until: end)
        let wall = seconds(since: start)
        let metrics = site.routers[0].metrics
        print("serving gpus=\(gpus) instances=\(site.instances[0].count) rate=\(rate) simulated_seconds=\(Int(hours * 3_600))"
            + " arrived=\(metrics.arrived) completed=\(metrics.completed) events=\(simulation.eventsHandled)"
            + " seconds=\(String(format: "%.3f", wall)) speedup=\(Int(hours * 3_600 / wall))"
            + " ttft_p99_s=\(String(format: "%.3f", metrics.timeToFirstToken.percentileSeconds(99)))"
            + " tpot_p99_s=\(String(format: "%.4f", metrics.timePerOutputToken.percentileSeconds(99)))")
        for batch in parsedBatches! {
            var loop = DecodeStepLoop(batch: batch, seed: seed)
            loop.run(completions: batch)  // reach the steady batch before timing
            let (wakesBefore, completedBefore, iterationsBefore) = (loop.wakes, loop.completed, loop.engine.statistics.iterations)
            start = clock.now
            loop.run(completions: completions)
            let elapsed = seconds(since: start)
            let timed = loop.wakes - wakesBefore
            let finished = loop.completed - completedBefore
            let iterations = loop.engine.statistics.iterations - iterationsBefore
            print("decode-step batch=\(batch) completions=\(finished) wakes=\(timed) iterations=\(iterations)"
                + " ns_per_wake=\(Int(elapsed / Double(timed) * 1e9)) ns_per_completion=\(Int(elapsed / Double(finished) * 1e9))"
                + " ns_per_iteration=\(Int(elapsed / Double(iterations) * 1e9))"
                + " mean_batch=\(Int(loop.engine.statistics.batchSequenceSeconds / loop.engine.statistics.busy.seconds))")
        }
    }
}
