public import SimKernel

/// A rack's two PDUs (A and B), each behind a thermal-magnetic breaker, and its rear door.
///
/// Sums its nodes' draws per feed, turns them into three-phase current, and keeps one
/// breaker timer per feed at the exact trip time of the present current (rescheduled on
/// every change). Passes feed state down to its nodes (upstream feed energised and breaker
/// closed), draws up to the UPSs, and heat (minus what the rear door removes) to its zone.
public final class RackActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope

    public let name: String
    let index: Int
    let upses: [ComponentID]
    let zone: ComponentID
    let zoneChild: Int
    /// The coolant loop and this rack's index in it, with the share of heat it takes.
    let coolantLoop: (id: ComponentID, child: Int)?
    let liquidFraction: Double
    let nodes: [ComponentID]
    let lineVoltage: Double
    public let powerBudgetWatts: Double
    let rearDoorCapacityWatts: Double?
    let recorder: FacilityRecorder
    public private(set) var breakers: [CircuitBreaker]
    var breakerTimers: [EventHandle?] = [nil, nil]
    public private(set) var tripped = [false, false]
    var upstreamLive = [true, true]
    var nodeDraws: [(Double, Double)]
    public private(set) var feedWatts = [0.0, 0.0]
    public private(set) var rearDoorAlive = true
    var aboveContinuousLimit = [false, false]
    var airHeatReported = 0.0

    var liquidHeatReported = 0.0

    init(name: String, index: Int, spec: RackSpec, upses: [ComponentID], zone: ComponentID, zoneChild: Int,
         coolantLoop: (id: ComponentID, child: Int)?, nodes: [ComponentID], recorder: FacilityRecorder) {
        self.coolantLoop = coolantLoop
        liquidFraction = spec.liquidFraction
        self.name = name
        self.index = index
        self.upses = upses
        self.zone = zone
        self.zoneChild = zoneChild
        self.nodes = nodes
        lineVoltage = spec.pduLineVoltage
        powerBudgetWatts = spec.powerBudgetWatts
        rearDoorCapacityWatts = spec.rearDoorCapacityWatts
        self.recorder = recorder
        let breaker = CircuitBreaker(ratedCurrentAmperes: spec.pduRatedCurrentAmperes, curve: spec.breakerCurve)
        breakers = [breaker, breaker]
        nodeDraws = Array(repeating: (0, 0), count: nodes.count)
    }

    public var totalWatts: Double { feedWatts[0] + feedWatts[1] }

    /// Heat carried away by the coolant loop.
    public var liquidHeatWatts: Double { totalWatts * liquidFraction }

    /// Heat the rear door takes out of the air exhaust (the rest goes into the zone's air).
    public var rearDoorRemovedWatts: Double {
        guard let capacity = rearDoorCapacityWatts, rearDoorAlive else { return 0 }
        return min(capacity, totalWatts - liquidHeatWatts)
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        switch message.facility {
        case .nodeDrawChanged(let slot, let a, let b)?:
            let previous = nodeDraws[slot]
            nodeDraws[slot] = (a, b)
            if a != previous.0 { updateFeed(.a, by: a - previous.0, context: &context) }
            if b != previous.1 { updateFeed(.b, by: b - previous.1, context: &context) }
        case .feedChanged(let side, let available)?:
            upstreamLive[side.rawValue] = available
            notifyNodes(side, context: &context)
        case .breakerTimer(let side)?:
            breakerTimers[side.rawValue] = nil
            trip(side, reason: "overload", context: &context)
        case .breakerTripped(let side)?:
            trip(side, reason: "fault", context: &context)
        case .breakerReset(let side)?:
            guard tripped[side.rawValue] else { return }
            tripped[side.rawValue] = false
            recorder.record(context.now, name, "breaker_reset", "feed=\(side)")
            notifyNodes(side, context: &context)
        case .rearDoorFailed?, .rearDoorRepaired?:
            rearDoorAlive = message.facility == .rearDoorRepaired
            recorder.record(context.now, name, rearDoorAlive ? "rear_door_repaired" : "rear_door_failed")
        default:
            return
        }
        if let coolantLoop, liquidHeatWatts != liquidHeatReported {
            liquidHeatReported = liquidHeatWatts
            context.send(Envelope(facility: .heatChanged(child: coolantLoop.child, watts: liquidHeatWatts)), to: coolantLoop.id)
        }
        let airHeat = totalWatts - liquidHeatWatts - rearDoorRemovedWatts
        if airHeat != airHeatReported {
            airHeatReported = airHeat
            context.send(Envelope(facility: .heatChanged(child: zoneChild, watts: airHeat)), to: zone)
        }
    }

    private func updateFeed(_ side: FeedSide, by deltaWatts: Double, context: inout SimContext<Envelope>) {
        let s = side.rawValue
        feedWatts[s] = max(0, feedWatts[s] + deltaWatts)
        if nodeDraws.allSatisfy({ (s == 0 ? $0.0 : $0.1) == 0 }) { feedWatts[s] = 0 }  // no drift at zero
        context.send(Envelope(facility: .loadChanged(child: index, watts: feedWatts[s])), to: upses[s])
        breakers[s].setCurrent(ThreePhase.currentAmperes(powerWatts: feedWatts[s], lineVoltage: lineVoltage), at: context.now)
        if breakers[s].isAboveContinuousLimit != aboveContinuousLimit[s] {
            aboveContinuousLimit[s].toggle()
            recorder.record(context.now, name, aboveContinuousLimit[s] ? "pdu_above_80_percent" : "pdu_below_80_percent",
                            "feed=\(side) load=\(breakers[s].loadFraction)")
        }
        if let timer = breakerTimers[s] { context.cancel(timer) }
        breakerTimers[s] = tripped[s] ? nil : breakers[s].timeToTrip.map {
            context.setTimer(Envelope(facility: .breakerTimer(side)), after: $0)
        }
    }

    private func trip(_ side: FeedSide, reason: String, context: inout SimContext<Envelope>) {
        guard !tripped[side.rawValue] else { return }
        tripped[side.rawValue] = true
        if let timer = breakerTimers[side.rawValue] { context.cancel(timer) }
        breakerTimers[side.rawValue] = nil
        recorder.record(context.now, name, "breaker_trip",
                        "feed=\(side) reason=\(reason) load=\(breakers[side.rawValue].loadFraction)")
        notifyNodes(side, context: &context)
    }

    private func notifyNodes(_ side: FeedSide, context: inout SimContext<Envelope>) {
        let available = upstreamLive[side.rawValue] && !tripped[side.rawValue]
        for node in nodes { context.send(Envelope(facility: .feedChanged(side, available: available)), to: node) }
    }
}
