public import Facility
public import Report
public import ScenarioFormat
public import Serving
public import SimKernel
public import Twin

/// A scenario file read, checked and turned into what one run needs.
public struct ScenarioPlan: Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var sampleInterval: SimDuration
    public var twin: TwinSpec
    public var faults: [PlannedFault]
    public var expectations: [Expectation]
    public var writesTimeSeries: Bool
    public var writesEvents: Bool
    public var writesHTML: Bool
    public var writesRequests: Bool
    /// Problems that do not stop a run (deprecated keys, racks over budget, faults after the end).
    public var warnings: [ScenarioDiagnostic]
    public var gpuCount: Int
    public var files: [String]

    public var duration: SimDuration {
        get { twin.duration }
        set { twin.duration = newValue }
    }

    public var warmUp: SimDuration { twin.warmUp }
    public var workloadCount: Int { twin.workloads.count }
}

/// A fault or repair at a time, aimed at the facility or at one serving instance.
public struct PlannedFault: Sendable {
    public enum Action: Sendable {
        case facility(FacilityFault)
        case instance(ServingMessage, workload: Int, instance: Int)
    }

    public var at: SimTime
    public var actions: [Action]
    /// The repair actions, at `at + duration`.
    public var repairs: [Action]
    public var record: FaultRecord
}
