import SimKernel

/// A three-phase circuit behind a thermal-magnetic breaker: its load, whether it is fed and
/// closed, and the one timer at the breaker's exact trip time, re-armed on every load change.
/// Rack PDUs and floor distribution units (PDU/RPP) are both made of these.
public struct ProtectedCircuit: Sendable {
    public let lineVoltage: Double
    public private(set) var breaker: CircuitBreaker
    public private(set) var loadWatts = 0.0
    public private(set) var tripped = false
    /// Whether the source upstream of the breaker is energised.
    public internal(set) var upstreamLive = true
    var timer: EventHandle?
    var aboveContinuousLimit = false

    init(lineVoltage: Double, ratedCurrentAmperes: Double, curve: CircuitBreaker.Curve) {
        self.lineVoltage = lineVoltage
        breaker = CircuitBreaker(ratedCurrentAmperes: ratedCurrentAmperes, curve: curve)
    }

    /// Energised downstream: fed from upstream and the breaker closed.
    public var isLive: Bool { upstreamLive && !tripped }

    /// Sets the load, logs crossings of the 80% continuous limit, and re-arms the trip timer
    /// to deliver `timerMessage` at the breaker's trip time.
    mutating func setLoad<Envelope: FacilityEnvelope>(
        _ watts: Double, timerMessage: FacilityMessage, name: String, label: String,
        recorder: FacilityRecorder, context: inout SimContext<Envelope>
    ) {
        loadWatts = max(0, watts)
        breaker.setCurrent(ThreePhase.currentAmperes(powerWatts: loadWatts, lineVoltage: lineVoltage), at: context.now)
        if breaker.isAboveContinuousLimit != aboveContinuousLimit {
            aboveContinuousLimit.toggle()
            recorder.record(context.now, name, aboveContinuousLimit ? "pdu_above_80_percent" : "pdu_below_80_percent",
                            "\(label) load=\(breaker.loadFraction)")
        }
        if let timer { context.cancel(timer) }
        timer = tripped ? nil : breaker.timeToTrip.map { context.setTimer(Envelope(facility: timerMessage), after: $0) }
    }

    /// Opens the breaker (its timer fired, or a fault); false if it was already open.
    mutating func trip<Envelope: FacilityEnvelope>(
        reason: String, name: String, label: String, recorder: FacilityRecorder, context: inout SimContext<Envelope>
    ) -> Bool {
        guard !tripped else { return false }
        tripped = true
        if let timer { context.cancel(timer) }
        timer = nil
        recorder.record(context.now, name, "breaker_trip", "\(label) reason=\(reason) load=\(breaker.loadFraction)")
        return true
    }

    /// The trip timer has fired and is spent.
    mutating func timerFired() { timer = nil }

    /// Closes the breaker again (still warm: its thermal state carries on); false if closed.
    mutating func reset(name: String, label: String, recorder: FacilityRecorder, at time: SimTime) -> Bool {
        guard tripped else { return false }
        tripped = false
        recorder.record(time, name, "breaker_reset", label)
        return true
    }
}
