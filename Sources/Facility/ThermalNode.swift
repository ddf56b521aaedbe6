public import SimKernel

/// How a cooling system removes heat from a thermal node: in proportion to how far the node
/// is above the supply temperature, up to the system's capacity.
///
/// Q(T) = min(capacity, G · max(0, T − T_supply)), with G the conductance (for air,
/// G = mass flow × c_p = ρ · V̇ · c_p). A failed unit is one with zero capacity.
public struct Cooling: Sendable, Equatable {
    public var conductanceWattsPerKelvin: Double
    public var supplyTemperatureCelsius: Double
    public var capacityWatts: Double

    public init(conductanceWattsPerKelvin: Double, supplyTemperatureCelsius: Double, capacityWatts: Double) {
        precondition(conductanceWattsPerKelvin >= 0 && capacityWatts >= 0, "cooling needs G >= 0 and capacity >= 0")
        self.conductanceWattsPerKelvin = conductanceWattsPerKelvin
        self.supplyTemperatureCelsius = supplyTemperatureCelsius
        self.capacityWatts = capacityWatts
    }

    /// No cooling at all.
    public static let none = Cooling(conductanceWattsPerKelvin: 0, supplyTemperatureCelsius: 0, capacityWatts: 0)

    /// Heat removed at node temperature `celsius`, in watts.
    public func removedWatts(at celsius: Double) -> Double {
        min(capacityWatts, conductanceWattsPerKelvin * max(0, celsius - supplyTemperatureCelsius))
    }

    /// Several units serving one node add their conductances and capacities; they must share
    /// one supply temperature (the set point of the zone).
    public static func + (a: Cooling, b: Cooling) -> Cooling {
        if a.capacityWatts == 0 { return b }
        if b.capacityWatts == 0 { return a }
        precondition(a.supplyTemperatureCelsius == b.supplyTemperatureCelsius, "units of one zone share a supply temperature")
        return Cooling(conductanceWattsPerKelvin: a.conductanceWattsPerKelvin + b.conductanceWattsPerKelvin,
                       supplyTemperatureCelsius: a.supplyTemperatureCelsius, capacityWatts: a.capacityWatts + b.capacityWatts)
    }
}

/// A lumped thermal capacitance (air plus metal) heated at a constant rate between events and
/// cooled by a `Cooling`: C dT/dt = P − Q(T), solved exactly, never stepped.
///
/// Q(T) is piecewise linear in T, so the temperature moves through at most three regimes, each
/// with a closed form: below the supply temperature nothing is removed (linear rise P/C);
/// between it and saturation T approaches T∞ = T_supply + P/G exponentially with τ = C/G;
/// at capacity it changes linearly at (P − Q_max)/C. The solution is monotone in time, so
/// the time to reach any temperature has a closed form too (`timeToReach`), which is what
/// lets thresholds be scheduled as events. Heat removed is tracked by energy balance
/// (removed = heat in − C·ΔT), which is exact.
public struct ThermalNode: Sendable, Equatable {
    public let capacitanceJoulesPerKelvin: Double
    /// Temperature at `time`.
    public private(set) var temperatureCelsius: Double
    public private(set) var time: SimTime
    public private(set) var heatWatts: Double
    public private(set) var cooling: Cooling
    /// The highest temperature reached so far, exact: each regime is monotone, so extremes
    /// lie at segment ends.
    public private(set) var maxTemperatureCelsius: Double
    /// Heat put in and heat taken out since time zero, exact.
    public private(set) var heatInJoules = 0.0
    public private(set) var heatRemovedJoules = 0.0

    public init(capacitanceJoulesPerKelvin: Double, temperatureCelsius: Double, heatWatts: Double = 0,
                cooling: Cooling = .none, at time: SimTime = .zero) {
        precondition(capacitanceJoulesPerKelvin > 0, "thermal capacitance must be positive")
        precondition(heatWatts >= 0, "heat input must not be negative")
        self.capacitanceJoulesPerKelvin = capacitanceJoulesPerKelvin
        self.temperatureCelsius = temperatureCelsius
        maxTemperatureCelsius = temperatureCelsius
        self.heatWatts = heatWatts
        self.cooling = cooling
        self.time = time
    }

    /// The temperature the node settles at with the present inputs, or nil if the heat
    /// exceeds what the cooling can ever remove (the temperature then rises without bound).
    public var equilibriumCelsius: Double? {
        let cools = cooling.capacityWatts > 0 && cooling.conductanceWattsPerKelvin > 0
        if heatWatts > (cools ? cooling.capacityWatts : 0) { return nil }
        if heatWatts == 0 {
            return temperatureCelsius <= cooling.supplyTemperatureCelsius || !cools
                ? temperatureCelsius : cooling.supplyTemperatureCelsius
        }
        return cooling.supplyTemperatureCelsius + heatWatts / cooling.conductanceWattsPerKelvin
    }

    /// The temperature `elapsed` after the node's current time, under the present inputs.
    public func temperature(after elapsed: SimDuration) -> Double {
        var node = self
        node.advance(to: time + elapsed)
        return node.temperatureCelsius
    }

    /// Moves the state to `newTime` under the present inputs.
    public mutating func advance(to newTime: SimTime) {
        precondition(newTime >= time, "thermal state cannot go back in time")
        var remaining = (newTime - time).seconds
        let start = temperatureCelsius
        while remaining > 0 {
            let segment = currentSegment()
            if let exit = segment.secondsToLeave(from: temperatureCelsius), exit < remaining {
                temperatureCelsius = segment.boundary!
                remaining -= exit
            } else {
                temperatureCelsius = segment.temperature(from: temperatureCelsius, after: remaining)
                remaining = 0
            }
            maxTemperatureCelsius = max(maxTemperatureCelsius, temperatureCelsius)
        }
        let elapsedSeconds = (newTime - time).seconds
        heatInJoules += heatWatts * elapsedSeconds
        heatRemovedJoules += heatWatts * elapsedSeconds - capacitanceJoulesPerKelvin * (temperatureCelsius - start)
        time = newTime
    }

    /// Changes the heat input from `time` on (advancing to it first).
    public mutating func setHeat(_ watts: Double, at newTime: SimTime) {
        precondition(watts >= 0, "heat input must not be negative")
        advance(to: newTime)
        heatWatts = watts
    }

    /// Changes the cooling from `time` on (advancing to it first).
    public mutating func setCooling(_ newCooling: Cooling, at newTime: SimTime) {
        advance(to: newTime)
        cooling = newCooling
    }

    /// How long until the temperature reaches `thresholdCelsius` under the present inputs:
    /// zero if it is there now, nil if it never gets there. Rounded up to the nanosecond.
    /// A handler woken at this time should treat the crossing as having happened rather than
    /// re-test the temperature, which may sit a rounding error short of the threshold.
    public func timeToReach(_ thresholdCelsius: Double) -> SimDuration? {
        if temperatureCelsius == thresholdCelsius { return .zero }
        var node = self
        var elapsed = 0.0
        for _ in 0 ..< 3 {
            let segment = node.currentSegment()
            let exit = segment.secondsToLeave(from: node.temperatureCelsius)
            if let seconds = segment.secondsToReach(thresholdCelsius, from: node.temperatureCelsius),
               exit.map({ seconds <= $0 }) ?? true {
                return SimDuration(nanoseconds: Int64(((elapsed + seconds) * 1e9).rounded(.up)))
            }
            guard let exit, let boundary = segment.boundary else { return nil }
            elapsed += exit
            node.temperatureCelsius = boundary
        }
        return nil
    }

    /// How long until the cooling has removed `joules` more heat under the present inputs,
    /// nil if it never does. Linear regimes remove at a constant rate (closed form); in the
    /// exponential regime the removed heat P·t − C·(T(t) − T0) is monotone in t and is solved
    /// by bisection to well below a nanosecond. Rounded up to the nanosecond.
    public func timeToRemove(_ joules: Double) -> SimDuration? {
        if joules <= 0 { return .zero }
        var node = self
        var elapsed = 0.0, remaining = joules
        for _ in 0 ..< 3 {
            let segment = node.currentSegment()
            let start = node.temperatureCelsius
            let exit = segment.secondsToLeave(from: start)
            // Heat removed after `t` seconds in this segment, by energy balance.
            func removed(_ t: Double) -> Double {
                node.heatWatts * t - node.capacitanceJoulesPerKelvin * (segment.temperature(from: start, after: t) - start)
            }
            var upper = exit ?? 1
            if exit == nil {
                while removed(upper) < remaining {
                    upper *= 2
                    if upper > 1e12 { return nil }  // removal converges: never reaches `joules`
                }
            }
            if removed(upper) >= remaining {
                var lower = 0.0
                for _ in 0 ..< 200 where upper - lower > 1e-12 * max(1, upper) {
                    let middle = (lower + upper) / 2
                    if removed(middle) < remaining { lower = middle } else { upper = middle }
                }
                return SimDuration(nanoseconds: Int64(((elapsed + upper) * 1e9).rounded(.up)))
            }
            guard let exit, let boundary = segment.boundary else { return nil }
            remaining -= removed(exit)
            elapsed += exit
            node.temperatureCelsius = boundary
        }
        return nil
    }

    /// The regime the node is in now and its closed form.
    func currentSegment() -> Segment {
        let t = temperatureCelsius, supply = cooling.supplyTemperatureCelsius
        let g = cooling.conductanceWattsPerKelvin, capacity = cooling.capacityWatts
        let c = capacitanceJoulesPerKelvin
        if capacity == 0 || g == 0 { return .linear(rateKelvinPerSecond: heatWatts / c, boundary: nil) }
        let saturation = supply + capacity / g
        // Each regime includes the boundary it moves away from, so no regime is left after
        // zero time and `advance` always progresses.
        if t < supply {
            // Nothing removed: rises at P/C until it reaches the supply temperature.
            return .linear(rateKelvinPerSecond: heatWatts / c, boundary: heatWatts > 0 ? supply : nil)
        }
        if t > saturation || (t == saturation && heatWatts > capacity) {
            let rate = (heatWatts - capacity) / c
            // Falls back into the proportional regime at saturation if cooling exceeds heat.
            return .linear(rateKelvinPerSecond: rate, boundary: rate < 0 ? saturation : nil)
        }
        let target = supply + heatWatts / g
        return .exponential(targetCelsius: target, timeConstantSeconds: c / g,
                            boundary: target > saturation ? saturation : nil)
    }

    /// One regime of the piecewise solution.
    enum Segment {
        /// T(t) = T0 + rate·t, valid until `boundary` (if any) is reached.
        case linear(rateKelvinPerSecond: Double, boundary: Double?)
        /// T(t) = T∞ + (T0 − T∞)·e^(−t/τ), valid until `boundary` (if any) is reached.
        case exponential(targetCelsius: Double, timeConstantSeconds: Double, boundary: Double?)

        var boundary: Double? {
            switch self {
            case .linear(_, let boundary), .exponential(_, _, let boundary): boundary
            }
        }

        func temperature(from start: Double, after seconds: Double) -> Double {
            switch self {
            case .linear(let rate, _):
                return start + rate * seconds
            case .exponential(let target, let tau, _):
                return target + (start - target) * DeterministicMath.exp(-seconds / tau)
            }
        }

        /// Seconds until the segment's boundary is reached from `start`, nil if never.
        func secondsToLeave(from start: Double) -> Double? {
            guard let boundary else { return nil }
            return secondsToReach(boundary, from: start)
        }

        /// Seconds until `threshold` is reached inside this regime's closed form, nil if never.
        func secondsToReach(_ threshold: Double, from start: Double) -> Double? {
            if threshold == start { return 0 }
            switch self {
            case .linear(let rate, _):
                let seconds = (threshold - start) / rate
                return seconds > 0 && seconds.isFinite ? seconds : nil
            case .exponential(let target, let tau, _):
                // Reachable only between the start and the asymptote, never at it.
                let ratio = (start - target) / (threshold - target)
                guard ratio > 1, ratio.isFinite else { return nil }
                return tau * DeterministicMath.log(ratio)
            }
        }
    }
}
