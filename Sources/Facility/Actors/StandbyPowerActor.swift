public import SimKernel

/// Utility, standby generator and automatic transfer switch of one feed.
///
/// On utility loss the UPS downstream loses its input at once (and rides on its battery);
/// the generator starts and, unless it fails to start, is on load after its start delay
/// (open transition: the UPS covers the gap). On restoration the switch returns to utility
/// with a closed transition (no gap) and the generator stops.
public final class StandbyPowerActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope
    enum Generator: Equatable { case off, starting(EventHandle), running, failed }

    public let name: String
    let ups: ComponentID
    let startDelay: SimDuration
    let failToStartProbability: Double
    let recorder: FacilityRecorder
    var random: RandomStream
    public private(set) var utilityAvailable = true
    var generator = Generator.off
    var failNextStart = false
    /// Whether the UPS input is energised (from utility or generator).
    public private(set) var sourceAvailable = true
    public var generatorRunning: Bool { generator == .running }

    init(name: String, ups: ComponentID, spec: FeedSpec, random: RandomStream, recorder: FacilityRecorder) {
        self.name = name
        self.ups = ups
        startDelay = spec.generatorStartDelay
        failToStartProbability = spec.generatorFailToStartProbability
        self.random = random
        self.recorder = recorder
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        switch message.facility {
        case .utilityLost?:
            guard utilityAvailable else { return }
            utilityAvailable = false
            recorder.record(context.now, name, "utility_lost")
            setSource(false, context: &context)
            if failNextStart || random.bernoulli(probability: failToStartProbability) {
                failNextStart = false
                generator = .failed
                recorder.record(context.now, name, "generator_failed_to_start")
            } else if generator == .off {
                generator = .starting(context.setTimer(Envelope(facility: .generatorReady), after: startDelay))
                recorder.record(context.now, name, "generator_starting")
            } else if generator == .running {
                setSource(true, context: &context)
            }
        case .generatorReady?:
            generator = .running
            if !utilityAvailable {
                recorder.record(context.now, name, "transfer_to_generator")
                setSource(true, context: &context)
            }
        case .utilityRestored?:
            guard !utilityAvailable else { return }
            utilityAvailable = true
            recorder.record(context.now, name, "utility_restored")
            if case .starting(let timer) = generator { context.cancel(timer) }
            if generator == .running { recorder.record(context.now, name, "retransfer_to_utility") }
            generator = .off
            setSource(true, context: &context)
        case .generatorWillFailToStart?:
            failNextStart = true
        default:
            break
        }
    }

    private func setSource(_ available: Bool, context: inout SimContext<Envelope>) {
        guard available != sourceAvailable else { return }
        sourceAvailable = available
        context.send(Envelope(facility: .sourceChanged(available: available)), to: ups)
    }
}
