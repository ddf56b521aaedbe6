import Foundation
public import Twin
import SimKernel
import Facility

/// `timeseries.csv`: one row per sample of the coupled world.
public struct TimeSeries: Sendable {
    public private(set) var header: [String]
    public private(set) var rows: [[String]] = []
    private var previous: TwinSample?

    public init(workloadNames: [String]) {
        header = ["time_s", "feed_a_kw", "feed_b_kw", "it_kw", "cooling_kw", "pue", "battery_a_soc", "battery_b_soc",
                  "max_inlet_c", "hottest_gpu_c", "max_rack_kw", "racks_over_budget",
                  "nodes_capped", "nodes_throttled", "nodes_off", "nodes_failed"]
        for name in workloadNames {
            header += ["\(name)_in_flight", "\(name)_completed_per_s", "\(name)_output_tokens_per_s", "\(name)_instances_up",
                       "\(name)_kv_tokens"]
        }
    }

    /// The same rows as numbers (nil where a value is not defined, like the first rate).
    public private(set) var values: [[Double?]] = []

    public mutating func append(_ sample: TwinSample) {
        let f = sample.facility
        var row: [Double?] = [f.time.seconds, f.feedInputWatts[0] / 1_000, f.feedInputWatts[1] / 1_000, f.itWatts / 1_000,
                              f.coolingWatts / 1_000, f.pue, f.batteryStateOfCharge[0], f.batteryStateOfCharge[1],
                              f.maxInletCelsius, f.hottestGPUCelsius, f.maxRackWatts / 1_000]
        row += [f.racksOverBudget, f.nodesCapped, f.nodesThrottled, f.nodesOff, f.nodesFailed].map { Double($0) }
        let elapsed = previous.map { (sample.time - $0.time).seconds } ?? 0
        for (index, workload) in sample.workloads.enumerated() {
            let before = previous?.workloads[index]
            func rate(_ now: Int64, _ then: Int64?) -> Double? {
                guard let then, elapsed > 0 else { return nil }
                return Double(now - then) / elapsed
            }
            row += [Double(workload.inFlight), rate(workload.completed, before?.completed),
                    rate(workload.outputTokens, before?.outputTokens), Double(workload.instancesUp), Double(workload.kvTokensUsed)]
        }
        values.append(row)
        rows.append(row.map { $0.map(Self.format) ?? "" })
        previous = sample
    }

    /// The column named `name`, as (time, value) points where the value is defined.
    public func points(_ name: String) -> [(x: Double, y: Double)] {
        guard let column = header.firstIndex(of: name) else { return [] }
        return values.compactMap { row in
            guard let time = row[0], let value = row[column], value.isFinite else { return nil }
            return (time, value)
        }
    }

    public var csv: String { CSV.render(header: header, rows: rows) }

    /// Six decimals at most, no exponent, empty for non-finite values.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let rounded = (value * 1e6).rounded() / 1e6
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }
}

/// RFC 4180 CSV with `\n` line ends.
public enum CSV {
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        for row in rows { out += row.map(field).joined(separator: ",") + "\n" }
        return out
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
