public import SimKernel

/// A floor distribution unit (PDU or remote power panel) on one feed: one breaker between the
/// UPS and a row of racks. Sums its racks' loads for that feed, trips at its breaker's exact
/// time, and passes the feed's state down.
public final class DistributionActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope

    public let name: String
    public let side: FeedSide
    let ups: (id: ComponentID, child: Int)
    let racks: [ComponentID]
    let recorder: FacilityRecorder
    public private(set) var circuit: ProtectedCircuit
    var rackLoads: [Double]

    init(name: String, side: FeedSide, spec: DistributionSpec, ups: (id: ComponentID, child: Int), racks: [ComponentID],
         recorder: FacilityRecorder) {
        self.name = name
        self.side = side
        self.ups = ups
        self.racks = racks
        self.recorder = recorder
        circuit = ProtectedCircuit(lineVoltage: spec.lineVoltage, ratedCurrentAmperes: spec.ratedCurrentAmperes,
                                   curve: spec.breakerCurve)
        rackLoads = Array(repeating: 0, count: racks.count)
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        let wasLive = circuit.isLive
        switch message.facility {
        case .loadChanged(let child, let watts)?:
            rackLoads[child] = watts
            // Summed afresh: a row has tens of racks, and the sum stays exact.
            circuit.setLoad(rackLoads.reduce(0, +), timerMessage: .breakerTimer(side), name: name, label: "feed=\(side)",
                            recorder: recorder, context: &context)
            context.send(Envelope(facility: .loadChanged(child: ups.child, watts: circuit.loadWatts)), to: ups.id)
        case .feedChanged(_, let available)?:
            circuit.upstreamLive = available
        case .breakerTimer?:
            circuit.timerFired()
            _ = circuit.trip(reason: "overload", name: name, label: "feed=\(side)", recorder: recorder, context: &context)
        case .breakerTripped?:
            _ = circuit.trip(reason: "fault", name: name, label: "feed=\(side)", recorder: recorder, context: &context)
        case .breakerReset?:
            _ = circuit.reset(name: name, label: "feed=\(side)", recorder: recorder, at: context.now)
        default:
            return
        }
        if circuit.isLive != wasLive {
            for rack in racks { context.send(Envelope(facility: .feedChanged(side, available: circuit.isLive)), to: rack) }
        }
    }
}
