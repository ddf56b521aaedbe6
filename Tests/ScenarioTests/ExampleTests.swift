import OrderedJSON
import Foundation
import Report
import Scenario
import ScenarioFormat
import SimKernel
import Testing

/// The example topologies: each validates, the published schema is current, and a short run of
/// each matches its golden summary. Set DCTWIN_UPDATE_GOLDEN=1 to rewrite the goldens on purpose.
@Suite("Example topologies")
struct ExampleTests {
    static let examples = files(in: "topologies", extension: ".yaml")
    static let topologies = repositoryRoot.appendingPathComponent("topologies")

    /// The longest each example runs in the tests (drills fit; the full runs are for the CLI):
    /// 10 minutes, or 1 minute for sites over 2,000 GPUs, to keep `swift test` short.
    static func testDuration(gpus: Int) -> SimDuration { gpus > 2_000 ? .minutes(1) : .minutes(10) }

    @Test("topologies/schema.json is exactly what `dctwin schema` prints")
    func schemaIsCurrent() throws {
        let committed = try String(contentsOf: Self.topologies.appendingPathComponent("schema.json"), encoding: .utf8)
        #expect(committed == ScenarioSchema.jsonSchemaText)
    }

    @Test("Every example starts with the schema line and validates without errors", arguments: examples)
    func validates(name: String) throws {
        let text = try String(contentsOf: Self.topologies.appendingPathComponent(name), encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=./schema.json\n"))
        do {
            _ = try ScenarioPlan.load(name, loader: loader(base: Self.topologies))
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    static func shortRun(_ name: String) throws -> ScenarioResult {
        var plan = try ScenarioPlan.load(name, loader: loader(base: topologies))
        plan.duration = min(plan.duration, testDuration(gpus: plan.gpuCount))
        return ScenarioResult.run(plan)
    }

    @Test("A run of each example (10 min at most) matches its golden summary and meets its expectations", arguments: examples)
    func matchesGolden(name: String) throws {
        let result = try Self.shortRun(name)
        #expect(result.conservationHolds)
        for failed in result.checkedSummary(seed: result.plan.seed, wallSeconds: 0).expectations where !failed.passed {
            Issue.record("\(name): expectation failed: \(failed.expectation.text), measured \(failed.measured.map(String.init(describing:)) ?? "nothing")")
        }
        let summary = result.summary(seed: result.plan.seed, wallSeconds: 0).rendered
        let golden = repositoryRoot.appendingPathComponent("Tests/ScenarioTests/Golden/\(name.replacingOccurrences(of: ".yaml", with: ".summary.json"))")
        if ProcessInfo.processInfo.environment["DCTWIN_UPDATE_GOLDEN"] == "1" {
            try OutputFolder.writeAtomically(summary, to: golden.path)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(summary == expected, "summary of \(name) differs from \(golden.lastPathComponent)")
    }

    @Test("The same scenario and seed give byte-identical summaries and CSVs")
    func deterministic() throws {
        let name = try #require(Self.examples.first)
        let first = try Self.shortRun(name), second = try Self.shortRun(name)
        #expect(first.summary(seed: 1, wallSeconds: 0) == second.summary(seed: 1, wallSeconds: 0))
        #expect(first.timeSeries.csv == second.timeSeries.csv)
        #expect(first.eventsCSV == second.eventsCSV)
    }
}

@Suite("Perfetto trace")
struct TraceTests {
    @Test("trace.json is trace-event JSON: metadata, replica stretches, node spans, fault instants, counters")
    func traceShape() throws {
        var plan = try ScenarioPlan.load("drill-node-failure.yaml", loader: loader(base: ExampleTests.topologies))
        plan.duration = .minutes(4)
        let result = ScenarioResult.run(plan, trace: true)
        let data = Data(result.traceJSON.utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        let phases = Dictionary(grouping: events, by: { $0["ph"] as? String ?? "?" }).mapValues(\.count)
        #expect((phases["X"] ?? 0) > 100, "replica stretches and node spans")
        #expect((phases["M"] ?? 0) >= 3 && (phases["C"] ?? 0) > 0 && (phases["i"] ?? 0) >= 2)
        let names = Set(events.compactMap { $0["name"] as? String })
        #expect(names.contains("failed") && names.contains("decode") && names.contains("fault: node_failure hall1/r3/n2"))
        #expect(result.traceJSON == ScenarioResult.run(plan, trace: true).traceJSON, "the trace is deterministic too")
    }
}
