import Foundation
import Testing

/// Runs the `dctwin` binary built next to the test bundle.
func runDCTwin(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("dctwin").path), directory.path != "/" {
        directory.deleteLastPathComponent()
    }
    return try runProgram(directory.appendingPathComponent("dctwin").path, arguments)
}

func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, stderr)
}

@Suite("dctwin command line")
struct CommandLineTests {
    @Test("bench phold prints exactly one result line in the documented format")
    func pholdLine() throws {
        let run = try runDCTwin(["bench", "phold", "--lps", "64", "--events-per-lp", "4", "--until", "20", "--seed", "42"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let pattern = #/phold lps=64 events_per_lp=4 until=20 replications=1 events=4605 seconds=\d+\.\d{3} events_per_second=\d+ checksum=7cb0f2614e32ebae/#
        #expect(try pattern.wholeMatch(in: String(lines.first ?? "")) != nil, "got: \(run.stdout)")
    }

    @Test("With replications, each checksum equals the solo run with seed S+k")
    func replicationChecksums() throws {
        let arguments = ["bench", "phold", "--lps", "64", "--events-per-lp", "4", "--until", "20"]
        let pair = try runDCTwin(arguments + ["--seed", "42", "--replications", "2"])
        let solo = try runDCTwin(arguments + ["--seed", "43"])
        let checksums = try #require(pair.stdout.split(separator: " ").last?.dropFirst("checksum=".count))
        let soloChecksum = try #require(solo.stdout.split(separator: " ").last?.dropFirst("checksum=".count))
        #expect(checksums.trimmingCharacters(in: .whitespacesAndNewlines) == "7cb0f2614e32ebae," + soloChecksum.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("A bad argument exits with status 2 and names the option and the value")
    func usageError() throws {
        let run = try runDCTwin(["bench", "phold", "--lps", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("Error: --lps must be in 1 ..< 100000000, got 0"), "got: \(run.stderr)")
        let unknown = try runDCTwin(["bench", "phold", "--frobnicate"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Unknown option '--frobnicate'"), "got: \(unknown.stderr)")
    }

    @Test("bench serving prints the site line and one decode-loop line per batch size, deterministic in its counts")
    func servingLines() throws {
        let run = try runDCTwin(["bench", "serving", "--gpus", "8", "--rate", "5", "--hours", "0.05", "--batches", "10,100",
                                 "--completions", "500"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let site = #/serving gpus=8 instances=4 rate=5.0 simulated_seconds=180 arrived=\d+ completed=\d+ events=\d+ seconds=\d+\.\d{3} speedup=\d+ ttft_p99_s=\d+\.\d{3} tpot_p99_s=\d+\.\d{4}/#
        #expect(try site.wholeMatch(in: lines.first ?? "") != nil, "got: \(run.stdout)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("decode-step batch=") && $0.contains("ns_per_completion=") })
        let again = try runDCTwin(["bench", "serving", "--gpus", "8", "--rate", "5", "--hours", "0.05", "--batches", "10",
                                   "--completions", "500"])
        let counts = { (line: String) in line.split(separator: " ").filter { $0.hasPrefix("arrived=") || $0.hasPrefix("events=") } }
        #expect(counts(lines[0]) == counts(again.stdout.split(separator: "\n").map(String.init).first ?? ""))
        let bad = try runDCTwin(["bench", "serving", "--batches", "10,x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("Error: --batches must be positive integers separated by commas, got 10,x"), "got: \(bad.stderr)")
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let run = try runDCTwin(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout == "0.1.0\n")
    }
}
