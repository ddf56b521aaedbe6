public import SimKernel

/// What a facility is made of: the input to `FacilityBuilder` (specification, not model).
public struct FacilitySpec: Sendable {
    public var feeds: [FeedSpec]
    public var zones: [ZoneSpec]
    /// Direct-liquid-cooling loops, each behind a coolant distribution unit (CDU): the same
    /// lumped model as an air zone, with the loop's water and cold plates as the thermal mass
    /// and the CDU's heat exchangers to facility water as its cooling units.
    public var coolantLoops: [ZoneSpec]
    /// Floor distribution units (PDU/RPP) between the UPSs and rows of racks, one per feed each.
    public var distribution: [DistributionSpec]
    public var racks: [RackSpec]

    public init(feedA: FeedSpec, feedB: FeedSpec, zones: [ZoneSpec], coolantLoops: [ZoneSpec] = [],
                distribution: [DistributionSpec] = [], racks: [RackSpec]) {
        feeds = [feedA, feedB]
        self.distribution = distribution
        self.zones = zones
        self.coolantLoops = coolantLoops
        self.racks = racks
    }
}

/// One power path: utility, a standby generator behind an automatic transfer switch, a UPS.
public struct FeedSpec: Sendable {
    public var generatorStartDelay: SimDuration
    public var generatorFailToStartProbability: Double
    /// Rating of all UPS modules together.
    public var upsRatedPowerWatts: Double
    /// Parallel UPS modules (N+1 when one more than the load needs).
    public var upsModules: Int
    public var upsBatteryRuntimeAtFullLoad: SimDuration
    public var upsLosses: UPSLossModel

    /// Generator on load 10 s after utility loss (NFPA 110 Type 10, facts); UPS battery for
    /// 5 minutes at full load (facts).
    public init(upsRatedPowerWatts: Double, upsModules: Int = 1, generatorStartDelay: SimDuration = .seconds(10),
                generatorFailToStartProbability: Double = 0, upsBatteryRuntimeAtFullLoad: SimDuration = .minutes(5),
                upsLosses: UPSLossModel = .doubleConversion) {
        self.upsRatedPowerWatts = upsRatedPowerWatts
        self.upsModules = upsModules
        self.generatorStartDelay = generatorStartDelay
        self.generatorFailToStartProbability = generatorFailToStartProbability
        self.upsBatteryRuntimeAtFullLoad = upsBatteryRuntimeAtFullLoad
        self.upsLosses = upsLosses
    }
}

/// A floor distribution unit (PDU or RPP) feeding a row of racks: on each feed, one breaker.
public struct DistributionSpec: Sendable {
    public var name: String
    public var lineVoltage: Double
    public var ratedCurrentAmperes: Double
    public var breakerCurve: CircuitBreaker.Curve

    public init(name: String, ratedCurrentAmperes: Double, lineVoltage: Double = 400, breakerCurve: CircuitBreaker.Curve = .c) {
        self.name = name
        self.ratedCurrentAmperes = ratedCurrentAmperes
        self.lineVoltage = lineVoltage
        self.breakerCurve = breakerCurve
    }
}

/// An air volume with its cooling units (CRAH), which share one supply temperature.
public struct ZoneSpec: Sendable {
    public var name: String
    public var capacitanceJoulesPerKelvin: Double
    public var initialCelsius: Double
    public var coolingUnits: [Cooling]
    /// Fan power of each cooling unit while running.
    public var fanWattsPerUnit: Double
    /// Chilled-water plant efficiency: electrical power = heat removed / COP.
    public var chillerCOP: Double
    /// Inlet temperature above which the zone logs that it left the allowable range
    /// (and, 0.5 K lower, that it is back).
    public var allowableInletCelsius: Double
    /// Cold energy in the chilled-water buffer (stratified tank) behind the zone's units: when
    /// the chiller fails they keep cooling until they have taken this much heat. Nil: the
    /// chiller is not modelled (it never fails). Refilled at once on repair [simplification].
    public var chilledWaterBufferJoules: Double?

    /// Fan power 2% of a unit's capacity and chiller COP 5 [engineering estimates]; allowable
    /// inlet 32 C (ASHRAE TC9.9 class A1, facts).
    public init(name: String, capacitanceJoulesPerKelvin: Double, initialCelsius: Double, coolingUnits: [Cooling],
                fanWattsPerUnit: Double? = nil, chillerCOP: Double = 5, allowableInletCelsius: Double = 32,
                chilledWaterBufferJoules: Double? = nil) {
        self.chilledWaterBufferJoules = chilledWaterBufferJoules
        self.allowableInletCelsius = allowableInletCelsius
        self.name = name
        self.capacitanceJoulesPerKelvin = capacitanceJoulesPerKelvin
        self.initialCelsius = initialCelsius
        self.coolingUnits = coolingUnits
        self.fanWattsPerUnit = fanWattsPerUnit ?? 0.02 * (coolingUnits.first?.capacityWatts ?? 0)
        self.chillerCOP = chillerCOP
    }
}

/// A rack: two PDUs (A and B) with breakers, an optional rear-door heat exchanger, nodes.
public struct RackSpec: Sendable {
    public var name: String
    public var zone: Int
    public var powerBudgetWatts: Double
    public var pduLineVoltage: Double
    public var pduRatedCurrentAmperes: Double
    public var breakerCurve: CircuitBreaker.Curve
    /// Heat the rear door can take out of the rack's exhaust; nil without a door.
    public var rearDoorCapacityWatts: Double?
    /// The floor distribution unit feeding this rack, nil for a rack fed from the UPSs directly.
    public var distribution: Int?
    /// The coolant loop of direct liquid cooling, nil for air-cooled racks.
    public var coolantLoop: Int?
    /// Share of the nodes' heat that goes to the coolant loop (the rest goes to the air).
    public var liquidFraction: Double
    public var nodes: [NodeSpec]

    /// 44 kW budget (Gasan AI DC, facts); 400 V 63 A three-phase PDUs (~43 kW, facts).
    public init(name: String, zone: Int = 0, nodes: [NodeSpec], powerBudgetWatts: Double = 44_000,
                pduLineVoltage: Double = 400, pduRatedCurrentAmperes: Double = 63, breakerCurve: CircuitBreaker.Curve = .c,
                rearDoorCapacityWatts: Double? = nil, coolantLoop: Int? = nil, liquidFraction: Double = 0,
                distribution: Int? = nil) {
        self.distribution = distribution
        precondition((coolantLoop == nil) == (liquidFraction == 0) && (0 ... 1).contains(liquidFraction),
                     "a liquid fraction in (0, 1] needs a coolant loop, and a loop needs a fraction")
        self.coolantLoop = coolantLoop
        self.liquidFraction = liquidFraction
        self.name = name
        self.zone = zone
        self.nodes = nodes
        self.powerBudgetWatts = powerBudgetWatts
        self.pduLineVoltage = pduLineVoltage
        self.pduRatedCurrentAmperes = pduRatedCurrentAmperes
        self.breakerCurve = breakerCurve
        self.rearDoorCapacityWatts = rearDoorCapacityWatts
    }
}

/// How a node's supplies are fed.
public enum Cording: Sendable, Equatable {
    /// Half the supplies on feed A, half on feed B (N+N).
    case dual
    /// All supplies on one cord behind a static transfer switch that prefers `preferred` and
    /// switches to the other feed, or back, with a gap of `transferTime` (about a quarter
    /// cycle, 4 ms, facts), which the supplies' hold-up rides through.
    case singleViaSTS(preferred: FeedSide, transferTime: SimDuration)

    public static let sts = Cording.singleViaSTS(preferred: .a, transferTime: .milliseconds(4))
}

/// A GPU node as the facility sees it: electrical demand, power supplies, GPU thermal limits.
public struct NodeSpec: Sendable {
    public var name: String
    public var cording: Cording
    public var power: NodePowerProfile
    public var supplies: PowerSupplySet
    public var gpuThermal: GPUThermalGovernor
    public var initialUtilization: Double

    public init(name: String, power: NodePowerProfile = .dgxH100, supplies: PowerSupplySet = .dgxH100,
                gpuThermal: GPUThermalGovernor = .h100Air, initialUtilization: Double = 0, cording: Cording = .dual) {
        self.name = name
        self.cording = cording
        self.power = power
        self.supplies = supplies
        self.gpuThermal = gpuThermal
        self.initialUtilization = initialUtilization
    }
}
