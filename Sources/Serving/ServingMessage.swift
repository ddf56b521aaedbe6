public import SimKernel

/// Everything serving actors say to each other, plus the faults a scenario injects.
public enum ServingMessage: Sendable, Equatable {
    // Router and workload.
    /// The router's own timer: the next request of its workload arrives now.
    case arrival
    /// Router → instance.
    case request(InferenceRequest)
    /// Instance → router: the request's last token is out.
    case completed(RequestCompletion, instance: Int)
    /// Instance → router: the request can never fit the instance.
    case refused(requestID: UInt64, instance: Int)
    /// Instance → router: it came back empty after a failure, so whatever the router still
    /// counts on it is gone (a restarted server resets its connections).
    case restarted(instance: Int)

    // Health checks.
    case probe(round: UInt64)
    case probeAnswered(instance: Int, round: UInt64)
    /// The router's timer: the round's deadline has passed.
    case probeDeadline(round: UInt64)
    /// The router's timer: start the next round.
    case probeRound

    // Instance timers.
    case engineWake
    /// Time to tell the observer how busy the instance was since the last report.
    case busyReportDue

    /// Instance → its observer (the facility coupling): the share of the last report
    /// interval the instance ran iterations, which sets its GPUs' utilisation.
    case busyFraction(instance: Int, fraction: Double)

    // Faults and facility coupling, sent to an instance.
    /// The instance's GPUs are gone (node off, GPU failure): all its work is lost.
    case instanceFailed
    case instanceRestored
    /// The slowest node of the instance runs at this fraction of full speed.
    case speedFactorChanged(Double)
}

/// A world message that can carry serving messages, so the serving actors can share a
/// simulation with other models (the facility) without knowing them.
public protocol ServingEnvelope: Sendable {
    init(serving: ServingMessage)
    var serving: ServingMessage? { get }
}

extension ServingMessage: ServingEnvelope {
    @inlinable public init(serving: ServingMessage) { self = serving }
    @inlinable public var serving: ServingMessage? { self }
}
