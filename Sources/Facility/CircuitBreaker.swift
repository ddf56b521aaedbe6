public import SimKernel

/// A thermal-magnetic miniature circuit breaker (IEC 60898) with thermal memory.
///
/// Thermal part: the bimetal's heating is a first-order lag on the per-unit current squared,
/// θ' = ((I/I_n)² − θ)/τ, and the breaker trips when θ reaches 1.13², the conventional
/// non-tripping current: at 1.13 I_n it never trips, above it it always does, sooner as the
/// overload grows. τ is set so that a cold breaker carrying 2.55 I_n trips after 30 s, the
/// middle of IEC 60898's 1-60 s band for I_n ≤ 32 A; a cold breaker then trips after 128 s at
/// 1.45 I_n (the standard asks for less than an hour) [engineering estimate fitted to the
/// standard's conventional points]. Because θ carries over, a breaker that was hot trips
/// sooner. Magnetic part: at or above the instantaneous multiple of the curve it trips at once.
/// The state is exact between current changes, and `timeToTrip` is the closed form
/// τ ln((θ_ss − θ)/(θ_ss − θ_trip)).
public struct CircuitBreaker: Sendable, Equatable {
    /// Instantaneous-trip bands of IEC 60898: B 3-5 I_n, C 5-10 I_n, D 10-20 I_n.
    public enum Curve: String, Sendable, CaseIterable {
        case b, c, d
        /// The multiple at which the curve is guaranteed to trip instantly (top of its band).
        public var instantaneousMultiple: Double {
            switch self {
            case .b: 5
            case .c: 10
            case .d: 20
            }
        }
    }

    /// Per-unit thermal state at which the thermal element trips: 1.13².
    public static let thermalTripLevel = 1.13 * 1.13
    /// Fitted so that 2.55 I_n trips a cold breaker in 30 s (about 137.2 s).
    public static let defaultThermalTimeConstant = SimDuration(seconds: 30 / -DeterministicMath.log(1 - thermalTripLevel / (2.55 * 2.55)))

    public let ratedCurrentAmperes: Double
    public let instantaneousMultiple: Double
    public let thermalTimeConstant: SimDuration
    public private(set) var currentAmperes = 0.0
    /// Per-unit thermal state θ at `time` (0 cold; (I/I_n)² in steady state).
    public private(set) var thermalState = 0.0
    public private(set) var time: SimTime

    public init(ratedCurrentAmperes: Double, curve: Curve = .c, instantaneousMultiple: Double? = nil,
                thermalTimeConstant: SimDuration = CircuitBreaker.defaultThermalTimeConstant, at time: SimTime = .zero) {
        precondition(ratedCurrentAmperes > 0, "breaker rating must be positive")
        self.ratedCurrentAmperes = ratedCurrentAmperes
        self.instantaneousMultiple = instantaneousMultiple ?? curve.instantaneousMultiple
        self.thermalTimeConstant = thermalTimeConstant
        self.time = time
    }

    /// Load as a fraction of the rating.
    public var loadFraction: Double { currentAmperes / ratedCurrentAmperes }

    /// True above the 80% continuous-load limit (NEC practice for continuous loads).
    public var isAboveContinuousLimit: Bool { loadFraction > 0.8 }

    /// Moves the thermal state to `newTime` under the present current.
    public mutating func advance(to newTime: SimTime) {
        precondition(newTime >= time, "breaker state cannot go back in time")
        let steady = loadFraction * loadFraction
        thermalState = steady + (thermalState - steady) * DeterministicMath.exp(-(newTime - time).seconds / thermalTimeConstant.seconds)
        time = newTime
    }

    /// Changes the current from `newTime` on.
    public mutating func setCurrent(_ amperes: Double, at newTime: SimTime) {
        precondition(amperes >= 0, "current must not be negative")
        advance(to: newTime)
        currentAmperes = amperes
    }

    /// Time from `time` until the breaker trips under the present current, nil if it never does.
    /// Rounded up to the nanosecond.
    public var timeToTrip: SimDuration? {
        if loadFraction >= instantaneousMultiple || thermalState >= Self.thermalTripLevel { return .zero }
        let steady = loadFraction * loadFraction
        guard steady > Self.thermalTripLevel else { return nil }
        let seconds = thermalTimeConstant.seconds
            * DeterministicMath.log((steady - thermalState) / (steady - Self.thermalTripLevel))
        return SimDuration(nanoseconds: Int64((seconds * 1e9).rounded(.up)))
    }
}

/// Electrical helpers for balanced three-phase loads.
public enum ThreePhase {
    /// Line current of a balanced three-phase load: I = P / (√3 · V_LL · pf).
    public static func currentAmperes(powerWatts: Double, lineVoltage: Double, powerFactor: Double = 1) -> Double {
        powerWatts / (3.0.squareRoot() * lineVoltage * powerFactor)
    }

    /// Apparent power rating of a three-phase circuit: √3 · V_LL · I (400 V 32 A ≈ 22.2 kW).
    public static func ratingWatts(lineVoltage: Double, currentAmperes: Double) -> Double {
        3.0.squareRoot() * lineVoltage * currentAmperes
    }
}
