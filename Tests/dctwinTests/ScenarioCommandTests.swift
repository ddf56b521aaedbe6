import Foundation
import Testing

/// A small scenario (one rack of 4 DGX H100, 16 TP2 replicas of 70B) with `expect` lines.
func smallScenario(expect: [String], duration: String = "1 min") -> String {
    """
    # yaml-language-server: $schema=./schema.json
    name: small
    duration: \(duration)
    sample_interval: 10 s
    site:
      power:
        ups: {rating: 100 kW}
      halls:
        - name: hall1
          cooling: {units: 2, unit_capacity: 40 kW}
          racks:
            - name: r1
              nodes: {type: DGX-H100, count: 4}
    workloads:
      - name: chat
        model: Llama-3.1-70B
        racks: [hall1/r1]
        instances: 16
        tensor_parallel: 2
        arrivals: {process: poisson, rate: 4/s}
        prompt_tokens: 500
        output_tokens: 100
    \(expect.isEmpty ? "" : "expect:\n" + expect.map { "  - \($0)" }.joined(separator: "\n"))

    """
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dctwin-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("dctwin run, validate, schema")
struct ScenarioCommandTests {
    @Test("A run whose expectations hold exits 0 and writes summary.json, timeseries.csv and events.csv")
    func passingRun() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("small.yaml")
        try smallScenario(expect: ["chat.ttft.p99 < 2 s", "failover.requests_failed == 0"]).write(to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try runDCTwin(["run", file.path, "--out", out.path, "--no-progress"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("PASS  chat.ttft.p99 < 2 s"))
        for name in ["summary.json", "timeseries.csv", "events.csv"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test("On a terminal, run shows a progress line (simulated time, percent, events/s, ETA) on stderr; without one, nothing")
    func progressLine() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("small.yaml")
        try smallScenario(expect: [], duration: "3 h").write(to: file, atomically: true, encoding: .utf8)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var directory = binary
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("dctwin").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        let command = [directory.appendingPathComponent("dctwin").path, "run", file.path, "--out", folder.appendingPathComponent("tty").path, "--quiet"]
        // util-linux `script` runs the command on a pseudo-terminal.
        let onTerminal = try runProgram("/usr/bin/script", ["-qefc", command.joined(separator: " "), "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        let line = try #require(onTerminal.stdout.firstMatch(of: #/\r([^\r]+?) simulated +(\d+\.\d)% +(\d+) events/s +ETA (\d+) s/#),
                                "no progress line in \(onTerminal.stdout.debugDescription)")
        #expect(Double(line.2)! > 0 && Double(line.2)! <= 100)
        #expect(Int(line.3)! > 0)
        let piped = try runDCTwin(["run", file.path, "--out", folder.appendingPathComponent("pipe").path, "--quiet"])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "not a terminal: no progress line")
    }

    @Test("outputs.requests writes requests.csv with one row per measured completion")
    func requestsCSV() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("small.yaml")
        try (smallScenario(expect: []) + "outputs: {requests: true}\n").write(to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try runDCTwin(["run", file.path, "--out", out.path, "--no-progress", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOf: out.appendingPathComponent("requests.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "workload,arrival_s,admitted_s,first_token_s,finished_s,prompt_tokens,output_tokens,preemptions,ttft_s,tpot_s,e2e_s")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        let completed = try #require(summary.firstMatch(of: #/"completed": (\d+)/#).map { Int($0.1)! })
        #expect(lines.count - 1 == completed)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("chat,") && $0.contains(",500,100,") })
    }

    @Test("A failing expectation exits 3, prints FAIL with the measured value, and the JUnit XML names it")
    func failingExpectation() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("small.yaml")
        try smallScenario(expect: ["chat.ttft.p99 < 1 ms", "facility.pue <= 10"]).write(to: file, atomically: true, encoding: .utf8)
        let junit = folder.appendingPathComponent("junit.xml")
        let run = try runDCTwin(["run", file.path, "--out", folder.appendingPathComponent("out").path, "--no-progress",
                                 "--junit", junit.path])
        #expect(run.status == 3)
        #expect(run.stdout.contains("FAIL  chat.ttft.p99 < 1 ms  (measured "))
        #expect(run.stdout.contains("PASS  facility.pue <= 10"))
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<testcase classname=\"small.expect\" name=\"chat.ttft.p99 &lt; 1 ms\">"))
        #expect(xml.contains("<testsuite name=\"small\" tests=\"2\" failures=\"1\">"))
    }

    @Test("Two runs with the same seed write byte-identical summaries (but for wall_seconds) and CSVs")
    func byteIdentical() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("small.yaml")
        try smallScenario(expect: []).write(to: file, atomically: true, encoding: .utf8)
        var outputs: [[String]] = []
        for index in 0 ..< 2 {
            let out = folder.appendingPathComponent("out\(index)")
            let run = try runDCTwin(["run", file.path, "--out", out.path, "--no-progress", "--quiet", "--seed", "7"])
            #expect(run.status == 0)
            outputs.append(try ["summary.json", "timeseries.csv", "events.csv"].map { name in
                let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
                return text.split(separator: "\n").filter { !$0.contains("\"wall_seconds\"") }.joined(separator: "\n")
            })
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test("validate exits 2 and prints file:line:column for a broken scenario, 0 for a good one")
    func validateExitCodes() throws {
        let folder = try temporaryFolder()
        let good = folder.appendingPathComponent("good.yaml"), bad = folder.appendingPathComponent("bad.yaml")
        try smallScenario(expect: []).write(to: good, atomically: true, encoding: .utf8)
        try smallScenario(expect: []).replacingOccurrences(of: "rating: 100 kW", with: "rating: 100 kw")
            .write(to: bad, atomically: true, encoding: .utf8)
        let ok = try runDCTwin(["validate", good.path])
        #expect(ok.status == 0)
        #expect(ok.stdout == "ok: \(good.path): 32 GPUs, 1 workloads, 0 faults, 0 expectations\n")
        let refused = try runDCTwin(["validate", good.path, bad.path])
        #expect(refused.status == 2)
        #expect(refused.stderr == "\(bad.path):7:19: error: site.power.ups.rating: '100 kw' has unknown unit 'kw' (did you mean 'kW'?); "
            + "expected a power with a unit like '44 kW' (units: W, kW, MW)\n")
    }

    @Test("run refuses a broken scenario with exit 2 and writes nothing")
    func runRefusesBrokenScenario() throws {
        let folder = try temporaryFolder()
        let bad = folder.appendingPathComponent("bad.yaml")
        try "name: x\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let run = try runDCTwin(["run", bad.path, "--out", out.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("error: missing required key 'duration'"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("schema prints a draft 2020-12 JSON Schema")
    func schema() throws {
        let run = try runDCTwin(["schema"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""))
    }
}
