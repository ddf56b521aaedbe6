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

    // Prefill/decode disaggregation.
    /// Prefill instance → router: the prompt is in and its first token out; the KV cache
    /// waits to be moved to a decode instance.
    case prefilled(KVHandoff, instance: Int)
    /// Router → the fabric: move a prefilled request's KV cache between two instances.
    case transferKV(KVTransfer)
    /// The fabric (or the router, when there is none) → decode instance: the KV is here.
    case kvArrived(KVHandoff)
    /// The fabric's own timer: the next transfer finishes now.
    case fabricWake

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

/// A KV cache on the move from the prefill instance that made it to the decode instance that
/// will use it.
public struct KVTransfer: Sendable, Equatable {
    public var handoff: KVHandoff
    public var source: ComponentID
    public var destination: ComponentID

    public init(handoff: KVHandoff, source: ComponentID, destination: ComponentID) {
        self.handoff = handoff
        self.source = source
        self.destination = destination
    }
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
