public import SimKernel

/// UPS losses as no-load + proportional + square-law terms (Schneider Electric WP108):
/// loss(P) = rated · (noLoad + proportional · x + squareLaw · x²), x = P / rated.
public struct UPSLossModel: Sendable, Equatable {
    public var noLoadFraction: Double
    public var proportionalFraction: Double
    public var squareLawFraction: Double

    public init(noLoadFraction: Double, proportionalFraction: Double, squareLawFraction: Double) {
        self.noLoadFraction = noLoadFraction
        self.proportionalFraction = proportionalFraction
        self.squareLawFraction = squareLawFraction
    }

    /// Double conversion at 97% efficiency at full load, 1% of rating each term
    /// [engineering estimate with WP108's shape; facts: double conversion up to 97%].
    public static let doubleConversion = UPSLossModel(noLoadFraction: 0.01, proportionalFraction: 0.01, squareLawFraction: 0.01)

    public func lossWatts(outputWatts: Double, ratedWatts: Double) -> Double {
        let x = outputWatts / ratedWatts
        return ratedWatts * (noLoadFraction + proportionalFraction * x + squareLawFraction * x * x)
    }
}

/// A double-conversion UPS with a battery: carries its load from its input while the input
/// is there (charging the battery at a fixed rate until full), from the battery when not,
/// and drops the load when the battery is empty.
///
/// Power is constant between events, so the battery's charge moves linearly and the times it
/// becomes empty or full are exact (`timeToBatteryEmpty`, `timeToBatteryFull`). Energy accounts:
/// input = output + losses + Δstored, exactly.
public struct UPS: Sendable, Equatable {
    public enum Mode: String, Sendable {
        /// Input present: the load runs through the converters; the battery charges if not full.
        case online
        /// Input lost: the battery carries the load.
        case onBattery
        /// Battery empty with no input: the output is dead until the input returns.
        case depleted
        /// Converters bypassed (after a UPS failure): the load follows the input, no losses.
        case bypass
        /// Failed without bypass: the output is dead.
        case failed
        /// The load exceeds what the live modules can carry: static bypass, the load follows
        /// the input with no losses, back online once it fits again.
        case overloadBypass
    }

    /// Rating of all modules together.
    public let ratedPowerWatts: Double
    /// Parallel modules sharing the load (N+1: one more than the design load needs).
    public let moduleCount: Int
    public private(set) var failedModules = 0
    public let losses: UPSLossModel
    public let batteryCapacityJoules: Double
    public let rechargePowerWatts: Double
    /// Fraction of charging power stored in the battery (the rest is loss).
    public let chargeEfficiency: Double

    public private(set) var mode: Mode = .online
    public private(set) var outputWatts = 0.0
    public private(set) var batteryJoules: Double
    public private(set) var time: SimTime
    public private(set) var inputJoules = 0.0
    public private(set) var outputJoules = 0.0
    public private(set) var lossJoules = 0.0

    /// A UPS with a full battery. Defaults: 5 minutes at full load (the common design, facts),
    /// recharge at 10% of rating with 90% charge efficiency [engineering estimates].
    public init(ratedPowerWatts: Double, modules: Int = 1, losses: UPSLossModel = .doubleConversion,
                batteryRuntimeAtFullLoad: SimDuration = .minutes(5), rechargeFractionOfRating: Double = 0.1,
                chargeEfficiency: Double = 0.9, at time: SimTime = .zero) {
        precondition(ratedPowerWatts > 0 && chargeEfficiency > 0 && chargeEfficiency <= 1, "invalid UPS parameters")
        precondition(modules >= 1, "a UPS has at least one module")
        self.ratedPowerWatts = ratedPowerWatts
        moduleCount = modules
        self.losses = losses
        let fullLoadDrain = ratedPowerWatts + losses.lossWatts(outputWatts: ratedPowerWatts, ratedWatts: ratedPowerWatts)
        batteryCapacityJoules = fullLoadDrain * batteryRuntimeAtFullLoad.seconds
        batteryJoules = batteryCapacityJoules
        rechargePowerWatts = ratedPowerWatts * rechargeFractionOfRating
        self.chargeEfficiency = chargeEfficiency
        self.time = time
    }

    /// What the live modules can carry.
    public var liveCapacityWatts: Double { ratedPowerWatts * Double(moduleCount - failedModules) / Double(moduleCount) }

    /// Whether the load is powered.
    public var isOutputLive: Bool {
        switch mode {
        case .online, .onBattery: true
        case .bypass, .overloadBypass: inputAvailable
        case .depleted, .failed: false
        }
    }

    public var stateOfCharge: Double { batteryJoules / batteryCapacityJoules }

    /// Converter losses at the present load, shared by the live modules (zero in bypass or
    /// when dead).
    public var conversionLossWatts: Double {
        mode == .online || mode == .onBattery ? losses.lossWatts(outputWatts: outputWatts, ratedWatts: liveCapacityWatts) : 0
    }

    /// Power drawn from the battery now (positive discharging), or stored into it (negative).
    var batteryWatts: Double {
        switch mode {
        case .onBattery: outputWatts + conversionLossWatts
        case .online: batteryJoules < batteryCapacityJoules ? -rechargePowerWatts * chargeEfficiency : 0
        default: 0
        }
    }

    /// Power drawn from upstream now.
    public var inputWatts: Double {
        switch mode {
        case .online: outputWatts + conversionLossWatts + (batteryJoules < batteryCapacityJoules ? rechargePowerWatts : 0)
        case .bypass, .overloadBypass: inputAvailable ? outputWatts : 0
        default: 0
        }
    }

    public var timeToBatteryEmpty: SimDuration? {
        guard mode == .onBattery else { return nil }
        return SimDuration(nanoseconds: Int64((batteryJoules / batteryWatts * 1e9).rounded(.up)))
    }

    public var timeToBatteryFull: SimDuration? {
        guard mode == .online, batteryJoules < batteryCapacityJoules else { return nil }
        return SimDuration(nanoseconds: Int64(((batteryCapacityJoules - batteryJoules) / -batteryWatts * 1e9).rounded(.up)))
    }

    /// Moves the state to `newTime`, splitting at the moment the battery fills or empties.
    public mutating func advance(to newTime: SimTime) {
        precondition(newTime >= time, "UPS state cannot go back in time")
        while time < newTime {
            var segmentEnd = newTime
            if let change = timeToBatteryEmpty ?? timeToBatteryFull, time + change < newTime { segmentEnd = time + change }
            let seconds = (segmentEnd - time).seconds
            let input = inputWatts, battery = batteryWatts, output = isOutputLive ? outputWatts : 0
            inputJoules += input * seconds
            outputJoules += output * seconds
            batteryJoules = min(batteryCapacityJoules, max(0, batteryJoules - battery * seconds))
            lossJoules += (input + battery - output) * seconds
            time = segmentEnd
            // The empty time is rounded up to the nanosecond: treat a rounding residue as empty.
            if mode == .onBattery && batteryJoules <= batteryCapacityJoules * 1e-12 {
                batteryJoules = 0
                mode = .depleted
            }
        }
    }

    /// The load on the output from `newTime` on.
    public mutating func setLoad(_ watts: Double, at newTime: SimTime) {
        precondition(watts >= 0, "load must not be negative")
        advance(to: newTime)
        outputWatts = watts
        applyCapacity()
    }

    /// One module fails at `newTime`; the others share the load, or bypass if they cannot.
    /// With none left the UPS fails to bypass.
    public mutating func failModule(at newTime: SimTime) {
        advance(to: newTime)
        failedModules = min(moduleCount, failedModules + 1)
        if failedModules == moduleCount { mode = .bypass } else { applyCapacity() }
    }

    public mutating func repairModule(at newTime: SimTime) {
        advance(to: newTime)
        failedModules = max(0, failedModules - 1)
        if mode == .bypass && failedModules < moduleCount { mode = .overloadBypass }
        applyCapacity()
    }

    /// Goes to static bypass when the load exceeds the live modules, and back when it fits.
    mutating func applyCapacity() {
        let fits = outputWatts <= liveCapacityWatts
        switch mode {
        case .online where !fits, .onBattery where !fits: mode = .overloadBypass
        case .overloadBypass where fits: mode = inputAvailable ? .online : batteryJoules > 0 ? .onBattery : .depleted
        default: break
        }
    }

    /// Input (utility or generator through the transfer switch) present or lost from `newTime`.
    public mutating func setInputAvailable(_ available: Bool, at newTime: SimTime) {
        advance(to: newTime)
        switch (mode, available) {
        case (.onBattery, true), (.depleted, true): mode = .online
        case (.online, false): mode = batteryJoules > 0 ? .onBattery : .depleted
        case (.bypass, _), (.overloadBypass, _), (.failed, _), (.online, true), (.onBattery, false), (.depleted, false): break
        }
        inputAvailable = available
    }

    /// The UPS fails at `newTime`: to bypass (the load follows the input) or dead.
    public mutating func fail(toBypass: Bool, at newTime: SimTime) {
        advance(to: newTime)
        mode = toBypass ? .bypass : .failed
    }

    /// The UPS is repaired at `newTime` and returns to double conversion (or battery).
    public mutating func repair(at newTime: SimTime) {
        advance(to: newTime)
        failedModules = 0
        mode = inputAvailable ? .online : batteryJoules > 0 ? .onBattery : .depleted
        applyCapacity()
    }

    /// Whether the UPS's input is present (tracked so a bypassed UPS knows if its load is fed).
    public private(set) var inputAvailable = true
}
