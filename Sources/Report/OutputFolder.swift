public import OrderedJSON
import Foundation

/// Writes run outputs so that a killed run leaves no half-written file: each file goes to a
/// temporary name in the same folder and is renamed into place (an atomic step on POSIX).
public enum OutputFolder {
    public static func write(_ files: [(name: String, contents: String)], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in files { try writeAtomically(file.contents, to: (folder as NSString).appendingPathComponent(file.name)) }
    }

    public static func writeAtomically(_ contents: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        try Data(contents.utf8).write(to: temporary)
        // rename(2) replaces an existing file in one step: readers see the old or the new one.
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": code])
        }
    }
}

/// JUnit XML with one test case per expectation, for CI systems.
public enum JUnit {
    public static func xml(suite: String, results: [ExpectationResult]) -> String {
        let failures = results.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"\(escape(suite))\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for result in results {
            let name = escape(result.expectation.text)
            out += "    <testcase classname=\"\(escape(suite)).expect\" name=\"\(name)\""
            if result.passed {
                out += "/>\n"
            } else {
                let measured = result.measured.map(JSONValue.format) ?? "no such metric"
                out += ">\n      <failure message=\"measured \(escape(measured))\">\(name): measured \(escape(measured))</failure>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// The short table `dctwin run` prints at the end.
public enum SummaryTable {
    public static func render(summary: JSONValue, folder: String) -> String {
        func number(_ value: JSONValue?, _ digits: Int = 3) -> String {
            guard let value = value?.numberValue, value.isFinite else { return "-" }
            return String(format: "%.\(digits)f", value)
        }
        func integer(_ value: JSONValue?) -> String { value?.numberValue.map { String(Int64($0)) } ?? "-" }
        var out = ""
        if case .string(let name)? = summary["scenario"] { out += "scenario \(name)  seed \(integer(summary["seed"]))" }
        out += "  simulated \(number(summary["simulated_seconds"], 0)) s  events \(integer(summary["events_processed"]))\n"
        var rows = [["workload", "arrived", "completed", "failed", "rejected", "ttft_p50_s", "ttft_p99_s", "tpot_p99_s", "e2e_p99_s",
                     "out_tok_s", "slo"]]
        if case .array(let workloads)? = summary["workloads"] {
            for workload in workloads {
                guard case .string(let name)? = workload["name"], let requests = workload["requests"] else { continue }
                rows.append([name, integer(requests["arrived"]), integer(requests["completed"]), integer(requests["failed"]),
                             integer(requests["rejected"]), number(workload["ttft_seconds"]?["p50"]), number(workload["ttft_seconds"]?["p99"]),
                             number(workload["tpot_seconds"]?["p99"], 4), number(workload["e2e_seconds"]?["p99"]),
                             number(workload["throughput"]?["output_tokens_per_second"], 0), number(workload["slo_attainment"], 4)])
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out += row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
        }
        let facility = summary["facility"], cost = summary["cost"], failover = summary["failover"]
        out += "facility: IT \(number(facility?["it_energy_kwh"], 1)) kWh  PUE \(number(facility?["pue"]))"
            + "  peak IT \(number(facility?["peak_it_power_kw"], 1)) kW  max inlet \(number(facility?["max_inlet_celsius"], 1)) C\n"
        out += "failover: retried \(integer(failover?["requests_retried"]))  failed \(integer(failover?["requests_failed"]))"
            + "  max detection \(number(failover?["max_detection_seconds"], 1)) s\n"
        out += "cost: \(number(cost?["usd_per_million_output_tokens"])) USD per million output tokens"
            + "  (\(number(cost?["gpu_hours"], 1)) GPU-hours, \(number(cost?["it_joules_per_output_token"], 2)) J/token IT)\n"
        out += "outputs: \(folder)\n"
        return out
    }

    public static func line(for result: ExpectationResult) -> String {
        let measured = result.measured.map { JSONValue.format($0) } ?? "no such metric"
        return "\(result.passed ? "PASS" : "FAIL")  \(result.expectation.text)  (measured \(measured))"
    }
}
