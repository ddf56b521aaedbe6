import OrderedJSON
import Facility
import Serving
import SimKernel
public import Twin

/// `trace.json` in the Chrome trace-event format, which Perfetto (ui.perfetto.dev) opens:
/// process 1 is the facility (a track per node that left normal operation, with its capped,
/// off, failed or throttled spans, and the facility's own events as instants); one process per
/// workload holds the traced replicas' stretches of iterations and their down time; counters
/// carry power and requests in the system; faults are global instants.
public enum PerfettoTrace {
    /// Replicas per pool whose iterations are traced (a whole site would be gigabytes).
    public static let tracedInstancesPerWorkload = 4

    /// Asks the first replicas of each pool (a disaggregated workload has a prefill and a
    /// decode pool) to log their stretches; call before the run.
    public static func enable(on twin: Twin) {
        for (workload, instances) in twin.serving.instances.enumerated() {
            let prefill = twin.serving.routers[workload].prefillInstances ?? instances.count
            for instance in instances[..<prefill].prefix(tracedInstancesPerWorkload) { instance.stretchLog = [] }
            for instance in instances[prefill...].prefix(tracedInstancesPerWorkload) { instance.stretchLog = [] }
        }
    }

    public static func json(of twin: Twin, timeSeries: TimeSeries, faults: [FaultRecord]) -> String {
        var events: [JSONValue] = []
        func microseconds(_ time: SimTime) -> JSONValue { .number(Double(time.nanosecondsSinceStart) / 1_000) }
        func meta(_ kind: String, pid: Int, tid: Int? = nil, name: String) {
            var members: [(String, JSONValue)] = [("name", .string(kind)), ("ph", .string("M")), ("pid", .integer(Int64(pid)))]
            if let tid { members.append(("tid", .integer(Int64(tid)))) }
            members.append(("args", .object([("name", .string(name))])))
            events.append(.object(members))
        }
        func span(_ name: String, pid: Int, tid: Int, from start: SimTime, to end: SimTime, args: [(String, JSONValue)] = []) {
            events.append(.object([("name", .string(name)), ("ph", .string("X")), ("pid", .integer(Int64(pid))), ("tid", .integer(Int64(tid))),
                                   ("ts", microseconds(start)), ("dur", .number(Double((end - start).nanoseconds) / 1_000)),
                                   ("args", .object(args))]))
        }
        let end = twin.simulation.now

        // The facility: node states as spans, everything else as instants.
        meta("process_name", pid: 1, name: "facility")
        let nodeNames = twin.facility.nodes.map(\.name)
        var open: [String: (kind: String, since: SimTime)] = [:]
        var tids: [String: Int] = [:]
        func tid(_ node: String) -> Int {
            if let id = tids[node] { return id }
            let id = (nodeNames.firstIndex(of: node) ?? 0) + 2
            tids[node] = id
            meta("thread_name", pid: 1, tid: id, name: node)
            return id
        }
        meta("thread_name", pid: 1, tid: 1, name: "power and cooling")
        let stateKinds: [String: String?] = [
            "node_capped": "capped", "node_off": "off", "node_on": nil, "node_failed": "failed", "node_repaired": nil,
            "gpu_throttled": "throttled", "gpu_shutdown": "gpu shutdown", "gpu_normal": nil,
        ]
        for entry in twin.facility.recorder.entries {
            if let state = stateKinds[entry.kind] {
                let key = entry.component + (entry.kind.hasPrefix("gpu_") ? "#gpu" : entry.kind.contains("fail") || entry.kind.contains("repair") ? "#hw" : "#power")
                if let current = open.removeValue(forKey: key) {
                    span(current.kind, pid: 1, tid: tid(entry.component), from: current.since, to: entry.time)
                }
                if let state { open[key] = (state, entry.time) }
            } else {
                events.append(.object([("name", .string("\(entry.component) \(entry.kind)")), ("ph", .string("i")), ("s", .string("p")),
                                       ("pid", .integer(1)), ("tid", .integer(1)), ("ts", microseconds(entry.time)),
                                       ("args", .object([("detail", .string(entry.detail))]))]))
            }
        }
        for (key, current) in open.sorted(by: { $0.key < $1.key }) {
            let node = String(key[..<key.lastIndex(of: "#")!])
            span(current.kind, pid: 1, tid: tid(node), from: current.since, to: end)
        }

        // Workloads: traced replicas' stretches, and every replica's down time.
        for (workload, router) in twin.serving.routers.enumerated() {
            let pid = 10 + workload
            meta("process_name", pid: pid, name: "workload \(router.workload.name)")
            for (index, instance) in twin.serving.instances[workload].enumerated() {
                guard let log = instance.stretchLog else { continue }
                meta("thread_name", pid: pid, tid: index + 1, name: replicaName(index, prefillInstances: router.prefillInstances))
                for stretch in log {
                    span(stretch.prefills ? "prefill" : "decode", pid: pid, tid: index + 1, from: stretch.start, to: stretch.end,
                         args: [("iterations", .integer(stretch.iterations)), ("decoding", .integer(Int64(stretch.decoding)))])
                }
            }
        }
        var downSince: [Int: SimTime] = [:]
        for transition in twin.placementTransitions {
            let (workload, local) = twin.location(ofInstance: transition.instance)
            if !transition.up { downSince[transition.instance] = transition.time; continue }
            if let since = downSince.removeValue(forKey: transition.instance) {
                span("replica \(local) down", pid: 10 + workload, tid: 0, from: since, to: transition.time)
            }
        }
        for (instance, since) in downSince.sorted(by: { $0.key < $1.key }) {
            let (workload, local) = twin.location(ofInstance: instance)
            span("replica \(local) down", pid: 10 + workload, tid: 0, from: since, to: end)
        }

        // Counters from the samples.
        for (column, name) in [("it_kw", "IT power (kW)"), ("cooling_kw", "cooling power (kW)")] {
            for point in timeSeries.points(column) {
                events.append(.object([("name", .string(name)), ("ph", .string("C")), ("pid", .integer(1)),
                                       ("ts", .number(point.x * 1e6)), ("args", .object([("kW", .number(point.y))]))]))
            }
        }
        for (workload, router) in twin.serving.routers.enumerated() {
            for point in timeSeries.points("\(router.workload.name)_in_flight") {
                events.append(.object([("name", .string("requests in the system")), ("ph", .string("C")), ("pid", .integer(Int64(10 + workload))),
                                       ("ts", .number(point.x * 1e6)), ("args", .object([("requests", .number(point.y))]))]))
            }
        }
        for fault in faults {
            events.append(.object([("name", .string("fault: \(fault.kind) \(fault.component)")), ("ph", .string("i")), ("s", .string("g")),
                                   ("pid", .integer(1)), ("tid", .integer(1)), ("ts", .number(fault.atSeconds * 1e6))]))
            if let cleared = fault.clearedAtSeconds {
                events.append(.object([("name", .string("repaired: \(fault.kind) \(fault.component)")), ("ph", .string("i")), ("s", .string("g")),
                                       ("pid", .integer(1)), ("tid", .integer(1)), ("ts", .number(cleared * 1e6))]))
            }
        }
        return JSONValue.object([("displayTimeUnit", .string("ms")), ("traceEvents", .array(events))]).compact
    }
}

/// "replica 3", or "prefill 1" / "decode 0" in a disaggregated workload (router order).
func replicaName(_ index: Int, prefillInstances: Int?) -> String {
    guard let prefill = prefillInstances else { return "replica \(index)" }
    return index < prefill ? "prefill \(index)" : "decode \(index - prefill)"
}
