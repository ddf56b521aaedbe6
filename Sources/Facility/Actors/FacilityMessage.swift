/// The two independent power paths of a 2N facility.
public enum FeedSide: Int, Sendable, CaseIterable, CustomStringConvertible {
    case a, b
    public var description: String { self == .a ? "A" : "B" }
}

/// Everything facility actors say to each other, and the faults a scenario injects.
public enum FacilityMessage: Sendable, Equatable {
    // Faults and repairs, injected at a time by a scenario or a test.
    case utilityLost
    case utilityRestored
    /// The generator's next start attempt fails.
    case generatorWillFailToStart
    case upsFailed(toBypass: Bool)
    case upsRepaired
    case upsModuleFailed
    case upsModuleRepaired
    case breakerTripped(FeedSide)
    case breakerReset(FeedSide)
    case supplyFailed(FeedSide)
    case supplyRepaired(FeedSide)
    case rearDoorFailed
    case rearDoorRepaired
    case coolingUnitFailed(unit: Int)
    case coolingUnitRepaired(unit: Int)
    case chillerFailed
    case chillerRepaired
    /// The node's hardware fails (a GPU or the board): its GPUs stop, the host idles.
    case nodeFailed
    case nodeRepaired

    // Power flowing down: is the source upstream of the receiver energised?
    case sourceChanged(available: Bool)
    case feedChanged(FeedSide, available: Bool)
    // Load flowing up: a child's draw (watts) on the receiver.
    case loadChanged(child: Int, watts: Double)
    case nodeDrawChanged(slot: Int, feedAWatts: Double, feedBWatts: Double)
    // Heat and temperature.
    case heatChanged(child: Int, watts: Double)
    /// Rack → zone: heat its rear door takes to the chilled water (not into the zone's air).
    case rearDoorHeatChanged(child: Int, watts: Double)
    case inletThresholds(child: Int, rising: Double?, falling: Double?)
    case inletCrossed(celsius: Double)
    // Workload, set by the serving model (or a test double).
    case utilizationChanged(Double)
    /// Node → its observers: the node's GPUs now run at this fraction of full speed
    /// (0: they do not run at all: the node is off, failed or thermally shut down).
    case nodeStatus(node: Int, speedFactor: Double)

    // Timers, each to the actor that set it.
    case generatorReady
    case batteryEvent
    case breakerTimer(FeedSide)
    case holdUpExpired(FeedSide)
    case transferSwitchClosed
    case thermalCrossing
    case chilledWaterBufferEmpty
}

/// A world message that can carry facility messages: lets a larger world (facility plus
/// serving) embed the facility's vocabulary without the facility knowing the rest.
public protocol FacilityEnvelope: Sendable {
    init(facility: FacilityMessage)
    var facility: FacilityMessage? { get }
}

extension FacilityMessage: FacilityEnvelope {
    public init(facility: FacilityMessage) { self = facility }
    public var facility: FacilityMessage? { self }
}
