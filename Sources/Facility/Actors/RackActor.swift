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
    /// Per feed: the UPS or distribution unit that feeds this rack, and its index there.
    let upstream: [(id: ComponentID, child: Int)]
    let zone: ComponentID
    let zoneChild: Int
    /// The coolant loop and this rack's index in it, with the share of heat it takes.
    let coolantLoop: (id: ComponentID, child: Int)?
    let liquidFraction: Double
    let nodes: [ComponentID]
    public let powerBudgetWatts: Double
    let rearDoorCapacityWatts: Double?
    let recorder: FacilityRecorder
    /// The A and B rack PDUs.
    public private(set) var pdus: [ProtectedCircuit]
    var nodeDraws: [(Double, Double)]
    public private(set) var rearDoorAlive = true
    var airHeatReported = 0.0
    var doorHeatReported = 0.0

    var liquidHeatReported = 0.0

    init(name: String, spec: RackSpec, upstream: [(id: ComponentID, child: Int)], zone: ComponentID, zoneChild: Int,
         coolantLoop: (id: ComponentID, child: Int)?, nodes: [ComponentID], recorder: FacilityRecorder) {
        self.coolantLoop = coolantLoop
        liquidFraction = spec.liquidFraction
        self.name = name
        self.upstream = upstream
        self.zone = zone
        self.zoneChild = zoneChild
        self.nodes = nodes
        powerBudgetWatts = spec.powerBudgetWatts
        rearDoorCapacityWatts = spec.rearDoorCapacityWatts
        self.recorder = recorder
        let pdu = ProtectedCircuit(lineVoltage: spec.pduLineVoltage, ratedCurrentAmperes: spec.pduRatedCurrentAmperes,
                                   curve: spec.breakerCurve)
        pdus = [pdu, pdu]
        nodeDraws = Array(repeating: (0, 0), count: nodes.count)
    }

    /// Load per feed, A then B.
    public var feedWatts: [Double] { pdus.map(\.loadWatts) }
    public var totalWatts: Double { pdus[0].loadWatts + pdus[1].loadWatts }
    public var breakers: [CircuitBreaker] { pdus.map(\.breaker) }
    public var tripped: [Bool] { pdus.map(\.tripped) }

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
            pdus[side.rawValue].upstreamLive = available
            notifyNodes(side, context: &context)
        case .breakerTimer(let side)?:
            pdus[side.rawValue].timerFired()
            if pdus[side.rawValue].trip(reason: "overload", name: name, label: "feed=\(side)", recorder: recorder, context: &context) {
                notifyNodes(side, context: &context)
            }
        case .breakerTripped(let side)?:
            if pdus[side.rawValue].trip(reason: "fault", name: name, label: "feed=\(side)", recorder: recorder, context: &context) {
                notifyNodes(side, context: &context)
            }
        case .breakerReset(let side)?:
            if pdus[side.rawValue].reset(name: name, label: "feed=\(side)", recorder: recorder, at: context.now) {
                notifyNodes(side, context: &context)
            }
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
        let doorHeat = rearDoorRemovedWatts
        if doorHeat != doorHeatReported {
            doorHeatReported = doorHeat
            context.send(Envelope(facility: .rearDoorHeatChanged(child: zoneChild, watts: doorHeat)), to: zone)
        }
        let airHeat = totalWatts - liquidHeatWatts - doorHeat
        if airHeat != airHeatReported {
            airHeatReported = airHeat
            context.send(Envelope(facility: .heatChanged(child: zoneChild, watts: airHeat)), to: zone)
        }
    }

    private func updateFeed(_ side: FeedSide, by deltaWatts: Double, context: inout SimContext<Envelope>) {
        let s = side.rawValue
        // Summed incrementally; exactly zero when no node draws, so rounding cannot linger.
        let watts = nodeDraws.allSatisfy({ (s == 0 ? $0.0 : $0.1) == 0 }) ? 0 : pdus[s].loadWatts + deltaWatts
        pdus[s].setLoad(watts, timerMessage: .breakerTimer(side), name: name, label: "feed=\(side)", recorder: recorder,
                        context: &context)
        context.send(Envelope(facility: .loadChanged(child: upstream[s].child, watts: pdus[s].loadWatts)), to: upstream[s].id)
    }

    private func notifyNodes(_ side: FeedSide, context: inout SimContext<Envelope>) {
        let available = pdus[side.rawValue].isLive
        for node in nodes { context.send(Envelope(facility: .feedChanged(side, available: available)), to: node) }
    }
}
