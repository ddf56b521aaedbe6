public import SimKernel

/// Integrates a power that is constant between events: exact, no sampling.
public struct EnergyMeter: Sendable, Equatable {
    public private(set) var watts: Double
    public private(set) var joules = 0.0
    public private(set) var time: SimTime

    public init(watts: Double = 0, at time: SimTime = .zero) {
        self.watts = watts
        self.time = time
    }

    public var kilowattHours: Double { joules / 3.6e6 }

    public mutating func advance(to newTime: SimTime) {
        precondition(newTime >= time, "meter cannot go back in time")
        joules += watts * (newTime - time).seconds
        time = newTime
    }

    public mutating func set(_ newWatts: Double, at newTime: SimTime) {
        advance(to: newTime)
        watts = newWatts
    }
}
