import ArgumentParser
import Facility
import Foundation
import Serving
import SimKernel
import Twin

/// `dctwin bench twin`: the facility and the chat reference coupled in one world, to show what
/// the coupling costs on top of the two models alone.
struct TwinBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twin",
        abstract: "Run a uniform hall of 44 kW racks (4 DGX H100 each) serving the chat reference (70B, TP2) and print one result line."
    )

    @Option(help: "Number of racks (32 GPUs each).") var racks: Int = 32
    @Option(help: "Requests per second (Poisson).") var rate: Double = 200
    @Option(help: "Simulated hours.") var hours: Double = 1
    @Option(help: "Sampling interval in seconds.") var sample: Double = 60
    @Option(help: "Root seed.") var seed: UInt64 = 42

    func validate() throws {
        guard racks > 0 && racks <= 100_000 else { throw ValidationError("--racks must be in 1...100000, got \(racks)") }
        guard rate > 0 && rate <= 1_000_000 else { throw ValidationError("--rate must be in (0, 1000000], got \(rate)") }
        guard hours > 0 && hours <= 8_760 else { throw ValidationError("--hours must be in (0, 8760], got \(hours)") }
        guard sample >= 0.001 && sample <= hours * 3_600 else { throw ValidationError("--sample must be in [0.001 s, the run], got \(sample)") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let twin = Twin(.chatReferenceHall(racks: racks, ratePerSecond: rate, duration: .hours(hours)), seed: seed)
        twin.run(sampleEvery: .seconds(sample))
        let report = twin.report()
        let wall = clock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let workload = report.workloads[0]
        print("twin racks=\(racks) gpus=\(racks * 32) rate=\(rate) simulated_seconds=\(Int(hours * 3_600))"
            + " completed=\(workload.metrics.completed) events=\(report.eventsProcessed) seconds=\(String(format: "%.3f", seconds))"
            + " speedup=\(Int(hours * 3_600 / seconds)) busy=\(String(format: "%.3f", workload.busyFraction))"
            + " pue=\(String(format: "%.4f", report.energy.pue))"
            + " it_j_per_token=\(String(format: "%.3f", report.cost.itJoulesPerOutputToken))"
            + " usd_per_mtok=\(String(format: "%.3f", report.cost.usdPerMillionOutputTokens))")
    }
}
