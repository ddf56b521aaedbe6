import ArgumentParser
import Facility
import Foundation
import SimKernel

/// `dctwin bench facility`: a fault-free hall run for a simulated span with sampling, to show
/// that the facility's cost grows with state changes and samples, not with time or size.
struct FacilityBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facility",
        abstract: "Run a uniform hall of 44 kW racks (4 DGX H100 each) fault-free and print one result line."
    )

    @Option(help: "Number of racks (100 per zone).") var racks: Int = 1_000
    @Option(help: "Simulated hours.") var hours: Double = 1
    @Option(help: "Sampling interval in seconds.") var sample: Double = 10
    @Option(help: "GPU utilisation of every node, 0...1.") var utilization: Double = 0.7
    @Option(help: "Root seed.") var seed: UInt64 = 42

    func validate() throws {
        guard racks > 0 && racks <= 100_000 else { throw ValidationError("--racks must be in 1...100000, got \(racks)") }
        guard hours > 0 && hours <= 8_760 else { throw ValidationError("--hours must be in (0, 8760], got \(hours)") }
        guard sample >= 0.001 && sample <= hours * 3_600 else { throw ValidationError("--sample must be in [0.001 s, the run], got \(sample)") }
        guard (0 ... 1).contains(utilization) else { throw ValidationError("--utilization must be in 0...1, got \(utilization)") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var simulation = Simulation<ObjectComponent<FacilityMessage>>(seed: seed)
        let facility = Facility.build(.uniformHall(racks: racks, utilization: utilization), into: &simulation)
        var samples = 0
        var last: FacilitySnapshot?
        facility.run(&simulation, until: .at(.hours(hours)), sampleEvery: .seconds(sample)) {
            samples += 1
            last = $0
        }
        let wall = clock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let energy = facility.energy(at: simulation.now)
        print("facility racks=\(racks) nodes=\(facility.nodes.count) simulated_seconds=\(Int(hours * 3_600)) samples=\(samples)"
            + " events=\(simulation.eventsHandled) seconds=\(String(format: "%.3f", seconds))"
            + " it_mw=\(String(format: "%.3f", (last?.itWatts ?? 0) / 1e6)) pue=\(String(format: "%.4f", energy.pue))")
    }
}
