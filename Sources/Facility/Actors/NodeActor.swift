public import SimKernel

/// A GPU node's power and thermal state: demand from utilisation, N+N supplies riding through
/// short gaps, capping, GPU throttling and shutdown from its inlet temperature.
///
/// Reports its draw per feed to its rack, and its GPUs' inlet-temperature thresholds to the
/// thermal volume that cools them (its zone's air, or its rack's coolant loop), which wakes it
/// exactly when one is crossed.
public final class NodeActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope
    public typealias PowerState = PowerSupplySet.Outcome.State

    public let name: String
    /// The node's index among the facility's nodes (racks in order, then slots).
    public let index: Int
    let rack: ComponentID
    let slot: Int
    /// The zone or coolant loop whose temperature is the GPUs' inlet, and this node's index there.
    let coolingVolume: ComponentID
    let volumeChild: Int
    public let spec: NodeSpec
    let recorder: FacilityRecorder
    public private(set) var utilization: Double
    var suppliesAlive: [Int]
    /// Input state as the supplies see it, per feed (for a single cord: index 0 is the cord):
    /// a lost input counts only after the hold-up time.
    var feedLive = [true, true]
    var holdUpTimers: [EventHandle?] = [nil, nil]
    /// What the rack says of each feed.
    var upstream = [true, true]
    /// Static transfer switch: the feed on the cord (nil while switching or with none live),
    /// the feed the cord drew from last, and the switch in progress.
    var switchSource: FeedSide? = .a
    var drawSide = FeedSide.a
    var switchTimer: EventHandle?
    public private(set) var governor: GPUThermalGovernor
    public private(set) var inletCelsius: Double
    public private(set) var powerState = PowerState.on
    public private(set) var speedFactor = 1.0
    public private(set) var meter: EnergyMeter
    var draws = (a: 0.0, b: 0.0)
    var reportedThresholds: (Double?, Double?)?
    /// Hardware failed (a fault): the GPUs stop and draw nothing; the host idles.
    public private(set) var hardwareFailed = false
    /// Who hears `nodeStatus` (the serving coupling), and the speed they last heard.
    var observers: [ComponentID] = []
    var reportedSpeed: Double?

    init(name: String, index: Int, rack: ComponentID, slot: Int, coolingVolume: ComponentID, volumeChild: Int, spec: NodeSpec,
         inletCelsius: Double, recorder: FacilityRecorder) {
        self.name = name
        self.index = index
        self.rack = rack
        self.slot = slot
        self.coolingVolume = coolingVolume
        self.volumeChild = volumeChild
        self.spec = spec
        utilization = spec.initialUtilization
        suppliesAlive = [spec.supplies.perFeed, spec.supplies.perFeed]
        governor = spec.gpuThermal
        if case .singleViaSTS(let preferred, _) = spec.cording {
            switchSource = preferred
            drawSide = preferred
        }
        self.inletCelsius = inletCelsius
        meter = EnergyMeter()
        self.recorder = recorder
    }

    /// GPU power per GPU now (zero when the node is off or its GPUs shut down).
    public var gpuWattsEach: Double { gpusStopped ? 0 : runningGPUWatts }

    /// The GPUs do not run: the node is off, its hardware failed, or the GPUs shut down hot.
    var gpusStopped: Bool { powerState == .off || hardwareFailed || governor.state == .shutdown }

    /// GPU power per GPU when the GPUs run (at the present utilisation).
    public var runningGPUWatts: Double { spec.power.gpuWatts(utilization: utilization) / Double(spec.power.gpuCount) }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        switch message.facility {
        case .utilizationChanged(let value)?:
            utilization = min(1, max(0, value))
        case .feedChanged(let side, let available)?:
            upstream[side.rawValue] = available
            if case .singleViaSTS(let preferred, let transferTime) = spec.cording {
                let wanted = switchChoice(preferring: preferred)
                guard wanted != switchSource || switchSource == nil else { return }
                if switchSource != nil {
                    switchSource = nil
                    _ = supplyInputChanged(.a, available: false, context: &context)
                }
                if let switchTimer { context.cancel(switchTimer) }
                switchTimer = wanted == nil ? nil
                    : context.setTimer(Envelope(facility: .transferSwitchClosed), after: transferTime)
                return
            }
            guard supplyInputChanged(side, available: available, context: &context) else { return }
        case .transferSwitchClosed?:
            switchTimer = nil
            // The timer is cancelled whenever no feed is live, so one is live now.
            guard case .singleViaSTS(let preferred, _) = spec.cording, let wanted = switchChoice(preferring: preferred) else { return }
            switchSource = wanted
            if wanted != drawSide { recorder.record(context.now, name, "sts_transfer", "to=\(wanted)") }
            drawSide = wanted
            guard supplyInputChanged(.a, available: true, context: &context) else { return }
        case .holdUpExpired(let side)?:
            holdUpTimers[side.rawValue] = nil
            feedLive[side.rawValue] = false
        case .supplyFailed(let side)?:
            suppliesAlive[side.rawValue] = max(0, suppliesAlive[side.rawValue] - 1)
            recorder.record(context.now, name, "psu_failed", "feed=\(side) alive=\(suppliesAlive[side.rawValue])")
        case .nodeFailed?:
            guard !hardwareFailed else { return }
            hardwareFailed = true
            recorder.record(context.now, name, "node_failed", "")
        case .nodeRepaired?:
            guard hardwareFailed else { return }
            hardwareFailed = false
            recorder.record(context.now, name, "node_repaired", "")
        case .supplyRepaired(let side)?:
            suppliesAlive[side.rawValue] = min(spec.supplies.perFeed, suppliesAlive[side.rawValue] + 1)
        case .inletCrossed(let celsius)?:
            // Only a crossing updates the governor: between crossings the last-known inlet may
            // be stale, and the zone answers new thresholds at once if they are already passed.
            inletCelsius = celsius
            if governor.update(inletCelsius: celsius, runningGPUWatts: runningGPUWatts) {
                recorder.record(context.now, name, "gpu_\(governor.state.rawValue)", "inlet_c=\(celsius)")
            }
        default:
            return
        }
        evaluate(context: &context)
    }

    /// The feed a static transfer switch connects: the preferred one if live, else the other if live.
    private func switchChoice(preferring preferred: FeedSide) -> FeedSide? {
        let other = FeedSide(rawValue: 1 - preferred.rawValue)!
        return upstream[preferred.rawValue] ? preferred : upstream[other.rawValue] ? other : nil
    }

    /// The supplies' input on `side` (the cord, for a single-corded node) comes or goes.
    /// A loss counts only when the hold-up runs out; returns whether the node must re-evaluate.
    private func supplyInputChanged(_ side: FeedSide, available: Bool, context: inout SimContext<Envelope>) -> Bool {
        let s = side.rawValue
        if available {
            if let timer = holdUpTimers[s] {
                context.cancel(timer)
                holdUpTimers[s] = nil
                recorder.record(context.now, name, "rode_through", "feed=\(side)")
            }
            feedLive[s] = true
            return true
        }
        if feedLive[s] && holdUpTimers[s] == nil {
            holdUpTimers[s] = context.setTimer(Envelope(facility: .holdUpExpired(side)), after: spec.supplies.holdUp)
        }
        return false
    }

    /// Recomputes supply, state, speed, draws and thresholds; sends only what changed.
    func evaluate(context: inout SimContext<Envelope>) {
        let demand = governor.state == .shutdown || hardwareFailed
            ? spec.power.hostIdleWatts : spec.power.demandWatts(utilization: utilization)
        var outcome: PowerSupplySet.Outcome
        if spec.cording == .dual {
            outcome = spec.supplies.outcome(demandWatts: demand, aliveOnA: suppliesAlive[0], aliveOnB: suppliesAlive[1],
                                            feedA: feedLive[0], feedB: feedLive[1])
        } else {
            // Every supply hangs on the one cord, which draws from the feed the switch selected.
            outcome = spec.supplies.outcome(demandWatts: demand, aliveOnA: suppliesAlive[0] + suppliesAlive[1], aliveOnB: 0,
                                            feedA: feedLive[0], feedB: false)
            (outcome.feedAWatts, outcome.feedBWatts) = drawSide == .a ? (outcome.deliveredWatts, 0) : (0, outcome.deliveredWatts)
        }
        let state = outcome.state
        if state != powerState {
            recorder.record(context.now, name, "node_\(state.rawValue)", "delivered_kw=\(outcome.deliveredWatts / 1000)")
            powerState = state
        }
        let capSpeed = state == .capped ? spec.power.speedFactor(capWatts: outcome.capacityWatts, utilization: utilization) : 1
        speedFactor = state == .off || hardwareFailed ? 0 : capSpeed * governor.speedFactor
        if speedFactor != reportedSpeed, !observers.isEmpty {
            reportedSpeed = speedFactor
            for observer in observers {
                context.send(Envelope(facility: .nodeStatus(node: index, speedFactor: speedFactor)), to: observer)
            }
        }
        meter.set(outcome.deliveredWatts, at: context.now)
        if outcome.feedAWatts != draws.a || outcome.feedBWatts != draws.b {
            draws = (outcome.feedAWatts, outcome.feedBWatts)
            context.send(Envelope(facility: .nodeDrawChanged(slot: slot, feedAWatts: draws.a, feedBWatts: draws.b)), to: rack)
        }
        let thresholds = state == .off || hardwareFailed ? (nil, nil) : governor.inletThresholds(runningGPUWatts: runningGPUWatts)
        if reportedThresholds == nil || reportedThresholds! != thresholds {
            reportedThresholds = thresholds
            context.send(Envelope(facility: .inletThresholds(child: volumeChild, rising: thresholds.0, falling: thresholds.1)),
                         to: coolingVolume)
        }
    }
}
