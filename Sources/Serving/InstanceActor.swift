public import SimKernel

/// Where and how often an instance reports how busy it was (its GPUs' utilisation).
public struct BusyReporting: Sendable, Equatable {
    public var observer: ComponentID
    /// The instance's number in the observer's tables.
    public var key: Int
    public var interval: SimDuration
    /// Changes smaller than this are not sent, so a steady instance costs no messages.
    public var minimumChange: Double

    public init(observer: ComponentID, key: Int, interval: SimDuration, minimumChange: Double = 0.001) {
        precondition(interval > .zero, "report interval must be positive")
        self.observer = observer
        self.key = key
        self.interval = interval
        self.minimumChange = minimumChange
    }
}

/// A serving instance (one model replica) as a kernel actor: the engine plus its one timer.
///
/// Requests come from a router; completions go back to the router that sent them. While
/// failed, the instance drops what it receives and does not answer probes: the router notices
/// through its health checks, not through this actor.
public final class InstanceActor<Envelope: ServingEnvelope>: ActorObject {
    public typealias Message = Envelope

    /// The instance's index among its router's instances.
    public let index: Int
    public let router: ComponentID
    public private(set) var engine: ServingEngine
    public private(set) var isUp = true
    /// Requests that reached this instance while it was down (lost until the router retries).
    public private(set) var droppedWhileDown: Int64 = 0
    private var timer: EventHandle?
    private var wakeAt: SimTime?
    private var completions: [RequestCompletion] = []
    public let busyReporting: BusyReporting?
    /// When set, every stretch of iterations the engine completes is appended here (traces).
    public var stretchLog: [EngineStretch]?
    private var busyAtLastReport: SimDuration = .zero
    private var reportedBusyFraction: Double?

    public init(index: Int, router: ComponentID, engine: ServingEngine, busyReporting: BusyReporting? = nil) {
        self.index = index
        self.router = router
        self.engine = engine
        self.busyReporting = busyReporting
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        guard let message = message.serving else { return }
        switch message {
        case .request(let request):
            guard isUp else { droppedWhileDown += 1; return }
            if !engine.submit(request, now: context.now) {
                context.send(Envelope(serving: .refused(requestID: request.id, instance: index)), to: router)
            }
            rearm(&context)
        case .engineWake:
            timer = nil
            wakeAt = nil
            if stretchLog != nil, let stretch = engine.runningStretch { stretchLog!.append(stretch) }
            completions.removeAll(keepingCapacity: true)
            engine.wake(now: context.now, completions: &completions)
            for completion in completions {
                context.send(Envelope(serving: .completed(completion, instance: index)), to: router)
            }
            for handoff in engine.takeHandoffs() {
                context.send(Envelope(serving: .prefilled(handoff, instance: index)), to: router)
            }
            rearm(&context)
        case .kvArrived(let handoff):
            guard isUp else { droppedWhileDown += 1; return }
            if !engine.submitTransferred(handoff, now: context.now) {
                context.send(Envelope(serving: .refused(requestID: handoff.request.id, instance: index)), to: router)
            }
            rearm(&context)
        case .probe(let round):
            if isUp { context.send(Envelope(serving: .probeAnswered(instance: index, round: round)), to: router) }
        case .instanceFailed:
            guard isUp else { return }
            isUp = false
            engine.fail()
            rearm(&context)
        case .instanceRestored:
            guard !isUp else { return }
            isUp = true
            context.send(Envelope(serving: .restarted(instance: index)), to: router)
        case .speedFactorChanged(let factor):
            engine.setSpeedFactor(factor, now: context.now)
            rearm(&context)
        case .busyReportDue:
            guard let reporting = busyReporting else { return }
            let busy = engine.busyTime(at: context.now)
            let fraction = min(1, max(0, (busy - busyAtLastReport).seconds / reporting.interval.seconds))
            busyAtLastReport = busy
            if reportedBusyFraction.map({ abs($0 - fraction) >= reporting.minimumChange }) ?? true {
                reportedBusyFraction = fraction
                context.send(Envelope(serving: .busyFraction(instance: reporting.key, fraction: fraction)), to: reporting.observer)
            }
            _ = context.setTimer(Envelope(serving: .busyReportDue), after: reporting.interval)
        case .arrival, .completed, .refused, .restarted, .probeAnswered, .probeDeadline, .probeRound, .busyFraction,
             .prefilled, .transferKV, .fabricWake:
            preconditionFailure("instance \(index) got a router's message: \(message)")
        }
    }

    /// Keeps the one timer at the engine's next wake-up.
    private func rearm(_ context: inout SimContext<Envelope>) {
        let next = engine.nextWake
        guard next != wakeAt else { return }
        if let timer { _ = context.cancel(timer) }
        wakeAt = next
        timer = nil
        if let next { timer = context.setTimer(Envelope(serving: .engineWake), after: next - context.now) }
    }
}
