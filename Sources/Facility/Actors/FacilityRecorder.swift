public import SimKernel

/// The log of facility state changes (transfers, trips, throttles) with simulated timestamps.
///
/// One recorder belongs to one simulation; actors append to it from inside their handlers,
/// which the kernel runs one at a time in event order, so the log is deterministic.
public final class FacilityRecorder {
    public struct Entry: Sendable, Equatable, CustomStringConvertible {
        public var time: SimTime
        public var component: String
        public var kind: String
        public var detail: String
        public var description: String { "\(time) \(component) \(kind)\(detail.isEmpty ? "" : " " + detail)" }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    func record(_ time: SimTime, _ component: String, _ kind: String, _ detail: String = "") {
        entries.append(Entry(time: time, component: component, kind: kind, detail: detail))
    }

    /// Entries of one kind, for tests and reports.
    public func entries(kind: String) -> [Entry] { entries.filter { $0.kind == kind } }
}
