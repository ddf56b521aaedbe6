import ArgumentParser
import Foundation
import Phold
import SimKernel

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the event kernel.",
        subcommands: [PholdCommand.self, FacilityBenchCommand.self, ServingBenchCommand.self, TwinBenchCommand.self]
    )
}

/// `dctwin bench phold`: PHOLD on the kernel, timed in release builds, one result line.
struct PholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phold",
        abstract: "Run the PHOLD kernel benchmark and print one result line.",
        discussion: """
            Times are in seconds, as in the C reference (shared/bench/phold-c). Replication k \
            uses seed S+k and runs concurrently with the others; its checksum equals a solo run \
            with --seed S+k. `seconds` is the wall time from the first replication's start of \
            event handling to the last one's end (set-up excluded); events and events_per_second \
            are totals over all replications.
            """
    )

    @Option(help: "Number of logical processes (components).") var lps: Int = 1_000
    @Option(name: .customLong("events-per-lp"), help: "Initial events per process.") var eventsPerLP: Int = 10
    @Option(help: "Minimum delay of every event, in seconds.") var lookahead: Double = 0.1
    @Option(help: "Mean of the exponential part of the delay, in seconds.") var mean: Double = 1.0
    @Option(help: "Simulated end time, in seconds.") var until: Double = 1_100
    @Option(help: "Root seed of the first replication.") var seed: UInt64 = 42
    @Option(help: "Independent replications to run concurrently.") var replications: Int = 1

    func validate() throws {
        guard lps > 0 && lps < 100_000_000 else { throw ValidationError("--lps must be in 1 ..< 100000000, got \(lps)") }
        guard eventsPerLP >= 0 else { throw ValidationError("--events-per-lp must be >= 0, got \(eventsPerLP)") }
        guard lps * eventsPerLP < 1 << 26 else { throw ValidationError("--lps × --events-per-lp must stay below 2^26 pending events") }
        guard lookahead >= 0 && lookahead < 1e6 else { throw ValidationError("--lookahead must be in 0 ..< 1e6 s, got \(lookahead)") }
        guard mean > 0 && mean < 1e6 else { throw ValidationError("--mean must be in (0, 1e6) s, got \(mean)") }
        guard until >= 0 && until < 1e9 else { throw ValidationError("--until must be in 0 ..< 1e9 s, got \(until)") }
        guard replications >= 1 && replications <= 1_024 else { throw ValidationError("--replications must be in 1...1024, got \(replications)") }
    }

    func run() async throws {
        let base = PholdConfiguration(
            lpCount: lps, eventsPerLP: eventsPerLP, lookahead: .seconds(lookahead),
            meanDelay: .seconds(mean), until: .at(.seconds(until)), seed: seed)
        let runs = await Replications.run(count: replications) { index in
            var configuration = base
            configuration.seed = base.seed &+ UInt64(index)
            var simulation = Phold.makeSimulation(configuration)
            let clock = ContinuousClock()
            let start = clock.now
            let result = Phold.run(&simulation, until: configuration.until)
            return (result: result, start: start, end: clock.now)
        }
        let wall = runs.map(\.end).max()! - runs.map(\.start).min()!
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let events = runs.reduce(0) { $0 + $1.result.events }
        let checksums = runs.map { String($0.result.checksum, radix: 16) }.joined(separator: ",")
        print("phold lps=\(lps) events_per_lp=\(eventsPerLP) until=\(compact(until)) replications=\(replications)"
            + " events=\(events) seconds=\(String(format: "%.3f", seconds))"
            + " events_per_second=\(Int((Double(events) / max(seconds, 1e-9)).rounded())) checksum=\(checksums)")
    }

    /// 1100.0 -> "1100", 0.5 -> "0.5".
    private func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
