import Facility
import Serving
import SimKernel
public import Twin

/// `events.csv`: faults, power and cooling transitions, throttles, instance failures and the
/// routers' failovers, in time order (ties keep the order the sources are listed in).
public enum EventLog {
    public static let header = ["time_s", "component", "kind", "detail"]

    public static func rows(of twin: Twin) -> [[String]] {
        var entries: [(time: Int64, rank: Int, row: [String])] = []
        for entry in twin.facility.recorder.entries {
            entries.append((entry.time.nanosecondsSinceStart, 0, [TimeSeries.format(entry.time.seconds), entry.component, entry.kind, entry.detail]))
        }
        for transition in twin.placementTransitions {
            let (workload, local) = twin.location(ofInstance: transition.instance)
            entries.append((transition.time.nanosecondsSinceStart, 1, [
                TimeSeries.format(transition.time.seconds), "\(twin.serving.routers[workload].workload.name)/instance-\(local)",
                transition.up ? "instance_restored" : "instance_failed", "",
            ]))
        }
        for (workload, router) in twin.serving.routers.enumerated() {
            for change in router.healthChanges {
                entries.append((change.time.nanosecondsSinceStart, 2 + workload, [
                    TimeSeries.format(change.time.seconds), "router/\(router.workload.name)",
                    change.up ? "instance_marked_up" : "instance_marked_down", "instance=\(change.instance)",
                ]))
            }
        }
        // A stable sort by (time, source): entries of one source are already in time order.
        let order = entries.indices.sorted { a, b in
            (entries[a].time, entries[a].rank, a) < (entries[b].time, entries[b].rank, b)
        }
        return order.map { entries[$0].row }
    }

    public static func csv(of twin: Twin) -> String { CSV.render(header: header, rows: rows(of: twin)) }
}
