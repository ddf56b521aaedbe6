import OrderedJSON
import ArgumentParser
import Foundation
import Report
import Scenario
import ScenarioFormat
import SimKernel

/// Exit statuses of `run` and `validate`, as the README documents them.
enum ExitStatus {
    static let invariantBroken: Int32 = 1
    static let scenarioError: Int32 = 2
    static let expectationFailed: Int32 = 3
}

func writeError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// `dctwin schema`: the JSON Schema of the scenario format.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print the JSON Schema (draft 2020-12) of the scenario format.")

    func run() throws {
        print(ScenarioSchema.jsonSchemaText, terminator: "")
    }
}

/// `dctwin validate`: read and check scenarios without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files: syntax, keys, units, references, limits. Exit 2 if any has an error.")

    @Argument(help: "Scenario files.") var scenarios: [String]

    func run() throws {
        var failed = false
        for path in scenarios {
            do {
                let plan = try ScenarioPlan.load(path)
                for warning in plan.warnings { writeError(warning.description) }
                print("ok: \(path): \(plan.gpuCount) GPUs, \(plan.workloadCount) workloads, \(plan.faults.count) faults, "
                    + "\(plan.expectations.count) expectations")
            } catch {
                failed = true
                writeError(error.description)
            }
        }
        if failed { throw ExitCode(ExitStatus.scenarioError) }
    }
}

/// `dctwin run`: run a scenario, write its outputs, check its expectations.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write summary.json, timeseries.csv, events.csv and report.html.",
        discussion: """
            Exit status: 0 ok; 1 the simulation broke an invariant; 2 usage or scenario error; \
            3 an expectation failed.
            """)

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(help: "Root seed (default: the scenario's).") var seed: UInt64?
    @Option(help: "Output folder (default: runs/<scenario>/seed-<n>/).") var out: String?
    @Option(help: "Simulated duration, overriding the scenario's, like '10 min'.") var duration: String?
    @Flag(help: "Also write trace.json (Chrome trace-event format; open it in ui.perfetto.dev).") var trace = false
    @Flag(help: "No progress line on stderr.") var noProgress = false
    @Flag(help: "Print nothing on stdout but failures.") var quiet = false
    @Option(help: "Write the expectations as JUnit XML to this file.") var junit: String?

    func run() throws {
        var plan: ScenarioPlan
        do {
            plan = try ScenarioPlan.load(scenario)
        } catch {
            writeError(error.description)
            throw ExitCode(ExitStatus.scenarioError)
        }
        for warning in plan.warnings { writeError(warning.description) }
        if let duration {
            do {
                plan.duration = try parseDuration(duration, bounds: QuantityBounds.positive.atMost(ScenarioSchema.maximumDurationSeconds))
                guard plan.warmUp < plan.duration else {
                    writeError("error: --duration: '\(duration)' is not longer than the scenario's warm-up (\(plan.warmUp))")
                    throw ExitCode(ExitStatus.scenarioError)
                }
            } catch let error as QuantityError {
                writeError("error: --duration: \(error.message)")
                throw ExitCode(ExitStatus.scenarioError)
            }
        }
        let seed = seed ?? plan.seed
        let folder = out ?? "runs/\(plan.name)/seed-\(seed)"
        let progress = ProgressLine(enabled: !noProgress && isatty(STDERR_FILENO) == 1, end: plan.duration)
        let clock = ContinuousClock()
        let start = clock.now
        let result = ScenarioResult.run(plan, seed: seed, trace: trace) { progress.update(simulated: $0, events: $1) }
        let wall = clock.now - start
        progress.finish()
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let (summary, expectations) = result.checkedSummary(seed: seed, wallSeconds: wallSeconds)
        var files = [("summary.json", summary.rendered)]
        if plan.writesTimeSeries { files.append(("timeseries.csv", result.timeSeries.csv)) }
        if plan.writesEvents { files.append(("events.csv", result.eventsCSV)) }
        if plan.writesHTML { files.append(("report.html", result.html(summary: summary))) }
        if plan.writesRequests { files.append(("requests.csv", result.requestsCSV)) }
        if trace { files.append(("trace.json", result.traceJSON)) }
        do {
            try OutputFolder.write(files, to: folder)
        } catch {
            writeError("error: cannot write outputs to '\(folder)': \(error)")
            throw ExitCode(ExitStatus.scenarioError)
        }
        if let junit {
            do {
                try OutputFolder.writeAtomically(JUnit.xml(suite: plan.name, results: expectations), to: junit)
            } catch {
                writeError("error: cannot write '\(junit)': \(error)")
                throw ExitCode(ExitStatus.scenarioError)
            }
        }
        if !quiet { print(SummaryTable.render(summary: summary, folder: folder), terminator: "") }
        let failures = expectations.filter { !$0.passed }
        for result in expectations where !quiet || !result.passed {
            print(SummaryTable.line(for: result))
        }
        guard result.conservationHolds else {
            writeError("error: invariant broken: a router's requests do not add up (arrived != completed + failed + rejected + in flight)")
            throw ExitCode(ExitStatus.invariantBroken)
        }
        if !failures.isEmpty { throw ExitCode(ExitStatus.expectationFailed) }
    }
}

/// A progress line on a terminal: simulated time, percent, events per second, ETA.
final class ProgressLine {
    let enabled: Bool
    let end: SimDuration
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    var last: ContinuousClock.Instant

    init(enabled: Bool, end: SimDuration) {
        self.enabled = enabled
        self.end = end
        start = clock.now
        last = start
    }

    func update(simulated: SimTime, events: Int) {
        guard enabled else { return }
        let now = clock.now
        guard now - last > .milliseconds(200) else { return }
        last = now
        let fraction = end.seconds > 0 ? simulated.seconds / end.seconds : 1
        let elapsed = now - start
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let eta = fraction > 0 ? elapsedSeconds * (1 - fraction) / fraction : 0
        let text = String(format: "\r%@ simulated  %5.1f%%  %.0f events/s  ETA %.0f s ", simulated.sinceStart.description,
                          fraction * 100, elapsedSeconds > 0 ? Double(events) / elapsedSeconds : 0, eta)
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
