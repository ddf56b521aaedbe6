public import SimKernel

/// A fault or repair a scenario injects at a time; components are named by their index in
/// the `FacilitySpec` (racks and zones in order; nodes in order across racks).
public enum FacilityFault: Sendable, Equatable {
    case utilityLoss(FeedSide)
    case utilityRestore(FeedSide)
    case generatorFailsToStart(FeedSide)
    case upsFailure(FeedSide, toBypass: Bool)
    case upsRepair(FeedSide)
    case upsModuleFailure(FeedSide)
    case upsModuleRepair(FeedSide)
    case breakerTrip(rack: Int, FeedSide)
    case breakerReset(rack: Int, FeedSide)
    /// The breaker of a floor distribution unit (PDU/RPP) on one feed.
    case distributionTrip(unit: Int, FeedSide)
    case distributionReset(unit: Int, FeedSide)
    case supplyFailure(node: Int, FeedSide)
    case supplyRepair(node: Int, FeedSide)
    case coolingUnitFailure(zone: Int, unit: Int)
    case coolingUnitRepair(zone: Int, unit: Int)
    case chillerFailure(zone: Int)
    case chillerRepair(zone: Int)
    /// A CDU heat exchanger (unit) of a coolant loop.
    case coolantUnitFailure(loop: Int, unit: Int)
    case coolantUnitRepair(loop: Int, unit: Int)
    case rearDoorFailure(rack: Int)
    case rearDoorRepair(rack: Int)
    /// A node's hardware (a GPU, the board) fails: its GPUs stop until the repair.
    case nodeFailure(node: Int)
    case nodeRepair(node: Int)
}

/// The facility's state at one instant, for time series.
public struct FacilitySnapshot: Sendable, Equatable {
    public var time: SimTime
    /// Power drawn from utility or generator, per feed (UPS input).
    public var feedInputWatts: [Double]
    public var upsLoadWatts: [Double]
    public var batteryStateOfCharge: [Double]
    public var itWatts: Double
    public var coolingWatts: Double
    public var facilityWatts: Double { feedInputWatts.reduce(0, +) + coolingWatts }
    /// Instantaneous PUE (facility power over IT power); `FacilityEnergy` gives it over intervals.
    public var pue: Double { itWatts > 0 ? facilityWatts / itWatts : .nan }
    public var zoneCelsius: [Double]
    public var coolantCelsius: [Double]
    /// The highest inlet temperature of any zone from time zero to this snapshot, exact.
    public var maxInletCelsius: Double
    public var hottestGPUCelsius: Double
    public var maxRackWatts: Double
    public var racksOverBudget: Int
    public var coolingLoadWatts: Double
    public var coolingCapacityWatts: Double
    public var nodesCapped: Int
    public var nodesThrottled: Int
    public var nodesOff: Int
    /// Nodes whose hardware failed (a fault), whatever their power state.
    public var nodesFailed: Int
}

/// Energy accounts from time zero, exact (integrated between events).
public struct FacilityEnergy: Sendable, Equatable {
    public var utilityJoules: Double
    /// Stored energy gained by the batteries (negative after a discharge).
    public var batteryStoredChangeJoules: Double
    public var itJoules: Double
    public var upsLossJoules: Double
    public var coolingJoules: Double
    /// Energy the site took in: grid or generator input, plus what the batteries gave up
    /// (minus what they stored), plus cooling. Counting the batteries keeps PUE honest across
    /// an outage the batteries carry.
    public var facilityJoules: Double { utilityJoules - batteryStoredChangeJoules + coolingJoules }
    public var pue: Double { itJoules > 0 ? facilityJoules / itJoules : .nan }

    /// No energy yet.
    public static let zero = FacilityEnergy(utilityJoules: 0, batteryStoredChangeJoules: 0, itJoules: 0, upsLossJoules: 0,
                                            coolingJoules: 0)

    /// The accounts between `earlier` and these: PUE over any interval is `since(earlier).pue`.
    public func since(_ earlier: FacilityEnergy) -> FacilityEnergy {
        FacilityEnergy(utilityJoules: utilityJoules - earlier.utilityJoules,
                       batteryStoredChangeJoules: batteryStoredChangeJoules - earlier.batteryStoredChangeJoules,
                       itJoules: itJoules - earlier.itJoules, upsLossJoules: upsLossJoules - earlier.upsLossJoules,
                       coolingJoules: coolingJoules - earlier.coolingJoules)
    }
}

/// A built facility: its actors inside a simulation, and typed references to read them
/// between runs. Build with `Facility.build(_:into:)`; inject faults and utilisation with
/// `inject` and `setUtilization`.
public final class Facility<Envelope: FacilityEnvelope> {
    public let recorder = FacilityRecorder()
    public let standby: [StandbyPowerActor<Envelope>]
    public let upses: [UPSActor<Envelope>]
    /// Floor distribution units, unit by unit: A then B for each.
    public let distribution: [DistributionActor<Envelope>]
    public let zones: [ZoneActor<Envelope>]
    /// Coolant loops (CDUs): the same actor as an air zone, for water.
    public let coolantLoops: [ZoneActor<Envelope>]
    public let racks: [RackActor<Envelope>]
    public let nodes: [NodeActor<Envelope>]
    /// For each node, the index in `zones + coolantLoops` of the volume that cools its GPUs.
    let nodeVolume: [Int]
    let standbyIDs: [ComponentID], upsIDs: [ComponentID], distributionIDs: [ComponentID], zoneIDs: [ComponentID], rackIDs: [ComponentID]
    /// The nodes' identities, in node order, for models that talk to them (the serving coupling).
    public let nodeIDs: [ComponentID]

    /// Adds the facility's actors to `simulation` and schedules each node's initial utilisation
    /// at the simulation's current time, which settles draws, heat and thresholds.
    public static func build(_ spec: FacilitySpec, into simulation: inout Simulation<ObjectComponent<Envelope>>) -> Facility {
        Facility(spec, into: &simulation)
    }

    private init(_ spec: FacilitySpec, into simulation: inout Simulation<ObjectComponent<Envelope>>) {
        precondition(spec.feeds.count == 2, "a 2N facility has feeds A and B")
        precondition(spec.racks.allSatisfy { $0.zone >= 0 && $0.zone < spec.zones.count }, "rack in unknown zone")
        precondition(spec.racks.allSatisfy { ($0.distribution ?? 0) >= 0 && ($0.distribution ?? 0) < max(1, spec.distribution.count) },
                     "rack on unknown distribution unit")
        precondition(spec.racks.allSatisfy { ($0.coolantLoop ?? 0) >= 0 && ($0.coolantLoop ?? 0) < max(1, spec.coolantLoops.count) },
                     "rack on unknown coolant loop")
        // Identities follow registration order, so every actor can be told its peers up front.
        var next = simulation.componentCount
        func ids(_ count: Int) -> [ComponentID] {
            defer { next += count }
            return (next ..< next + count).map(ComponentID.init)
        }
        standbyIDs = ids(2)
        upsIDs = ids(2)
        distributionIDs = ids(2 * spec.distribution.count)  // unit u, feed s at 2u + s
        zoneIDs = ids(spec.zones.count + spec.coolantLoops.count)  // air zones, then coolant loops
        rackIDs = ids(spec.racks.count)
        nodeIDs = ids(spec.racks.reduce(0) { $0 + $1.nodes.count })

        let recorder = recorder, upsIDs = upsIDs, rackIDs = rackIDs, zoneIDs = zoneIDs, distributionIDs = distributionIDs
        // Each feed's UPS feeds the distribution units, then the racks wired to it directly.
        let directRacks = spec.racks.indices.filter { spec.racks[$0].distribution == nil }
        var unitRacks = Array(repeating: [Int](), count: spec.distribution.count)
        for (index, rack) in spec.racks.enumerated() { if let unit = rack.distribution { unitRacks[unit].append(index) } }
        func upstream(ofRack index: Int, side: FeedSide) -> (id: ComponentID, child: Int) {
            if let unit = spec.racks[index].distribution {
                return (distributionIDs[2 * unit + side.rawValue], unitRacks[unit].firstIndex(of: index)!)
            }
            return (upsIDs[side.rawValue], spec.distribution.count + directRacks.firstIndex(of: index)!)
        }
        let volumes = spec.zones + spec.coolantLoops
        var volumeRacks = Array(repeating: 0, count: volumes.count)
        var volumeNodes = Array(repeating: [ComponentID](), count: volumes.count)
        var racks: [RackActor<Envelope>] = [], nodes: [NodeActor<Envelope>] = [], nodeVolume: [Int] = []
        for (rackIndex, rack) in spec.racks.enumerated() {
            let firstNode = nodes.count
            let rackNodeIDs = Array(nodeIDs[firstNode ..< firstNode + rack.nodes.count])
            let loop = rack.coolantLoop.map { spec.zones.count + $0 }
            let gpuVolume = loop ?? rack.zone
            for (slot, node) in rack.nodes.enumerated() {
                nodes.append(NodeActor(name: "\(rack.name)/\(node.name)", index: nodes.count, rack: rackIDs[rackIndex], slot: slot,
                                       coolingVolume: zoneIDs[gpuVolume], volumeChild: volumeNodes[gpuVolume].count, spec: node,
                                       inletCelsius: volumes[gpuVolume].initialCelsius, recorder: recorder))
                volumeNodes[gpuVolume].append(nodeIDs[firstNode + slot])
                nodeVolume.append(gpuVolume)
            }
            racks.append(RackActor(name: rack.name, spec: rack,
                                   upstream: FeedSide.allCases.map { upstream(ofRack: rackIndex, side: $0) }, zone: zoneIDs[rack.zone],
                                   zoneChild: volumeRacks[rack.zone], coolantLoop: loop.map { (zoneIDs[$0], volumeRacks[$0]) },
                                   nodes: rackNodeIDs, recorder: recorder))
            volumeRacks[rack.zone] += 1
            if let loop { volumeRacks[loop] += 1 }
        }
        self.nodeVolume = nodeVolume
        upses = FeedSide.allCases.map { side in
            let children = spec.distribution.indices.map { distributionIDs[2 * $0 + side.rawValue] } + directRacks.map { rackIDs[$0] }
            return UPSActor(name: "ups-\(side)", side: side, spec: spec.feeds[side.rawValue], children: children, recorder: recorder)
        }
        distribution = spec.distribution.enumerated().flatMap { unit, unitSpec in
            FeedSide.allCases.map { side in
                DistributionActor<Envelope>(name: "\(unitSpec.name)-\(side)", side: side, spec: unitSpec,
                                            ups: (upsIDs[side.rawValue], unit), racks: unitRacks[unit].map { rackIDs[$0] },
                                            recorder: recorder)
            }
        }
        let volumeActors = volumes.enumerated().map { index, volume in
            ZoneActor<Envelope>(name: volume.name, spec: volume, rackCount: volumeRacks[index], nodes: volumeNodes[index],
                                recorder: recorder)
        }
        zones = Array(volumeActors.prefix(spec.zones.count))
        coolantLoops = Array(volumeActors.dropFirst(spec.zones.count))
        var standby: [StandbyPowerActor<Envelope>] = []
        for side in FeedSide.allCases {
            simulation.add { _, random in
                let actor = StandbyPowerActor<Envelope>(name: "feed-\(side)", ups: upsIDs[side.rawValue],
                                                        spec: spec.feeds[side.rawValue], random: random, recorder: recorder)
                standby.append(actor)
                return ObjectComponent(actor)
            }
        }
        self.standby = standby
        self.racks = racks
        self.nodes = nodes
        for actor in upses { simulation.add(ObjectComponent(actor)) }
        for actor in distribution { simulation.add(ObjectComponent(actor)) }
        for actor in zones + coolantLoops { simulation.add(ObjectComponent(actor)) }
        for actor in racks { simulation.add(ObjectComponent(actor)) }
        for actor in nodes { simulation.add(ObjectComponent(actor)) }
        precondition(simulation.componentCount == next, "identities were assigned in registration order")
        for (index, node) in spec.racks.flatMap(\.nodes).enumerated() {
            simulation.schedule(Envelope(facility: .utilizationChanged(node.initialUtilization)), to: nodeIDs[index], at: simulation.now)
        }
    }

    /// Schedules a fault or repair.
    public func inject(_ fault: FacilityFault, at time: SimTime, into simulation: inout Simulation<ObjectComponent<Envelope>>) {
        let (message, target): (FacilityMessage, ComponentID)
        switch fault {
        case .utilityLoss(let side): (message, target) = (.utilityLost, standbyIDs[side.rawValue])
        case .utilityRestore(let side): (message, target) = (.utilityRestored, standbyIDs[side.rawValue])
        case .generatorFailsToStart(let side): (message, target) = (.generatorWillFailToStart, standbyIDs[side.rawValue])
        case .upsFailure(let side, let toBypass): (message, target) = (.upsFailed(toBypass: toBypass), upsIDs[side.rawValue])
        case .upsRepair(let side): (message, target) = (.upsRepaired, upsIDs[side.rawValue])
        case .upsModuleFailure(let side): (message, target) = (.upsModuleFailed, upsIDs[side.rawValue])
        case .upsModuleRepair(let side): (message, target) = (.upsModuleRepaired, upsIDs[side.rawValue])
        case .breakerTrip(let rack, let side): (message, target) = (.breakerTripped(side), rackIDs[rack])
        case .breakerReset(let rack, let side): (message, target) = (.breakerReset(side), rackIDs[rack])
        case .distributionTrip(let unit, let side): (message, target) = (.breakerTripped(side), distributionIDs[2 * unit + side.rawValue])
        case .distributionReset(let unit, let side): (message, target) = (.breakerReset(side), distributionIDs[2 * unit + side.rawValue])
        case .supplyFailure(let node, let side): (message, target) = (.supplyFailed(side), nodeIDs[node])
        case .supplyRepair(let node, let side): (message, target) = (.supplyRepaired(side), nodeIDs[node])
        case .coolingUnitFailure(let zone, let unit): (message, target) = (.coolingUnitFailed(unit: unit), zoneIDs[zone])
        case .coolingUnitRepair(let zone, let unit): (message, target) = (.coolingUnitRepaired(unit: unit), zoneIDs[zone])
        case .chillerFailure(let zone): (message, target) = (.chillerFailed, zoneIDs[zone])
        case .chillerRepair(let zone): (message, target) = (.chillerRepaired, zoneIDs[zone])
        case .coolantUnitFailure(let loop, let unit): (message, target) = (.coolingUnitFailed(unit: unit), zoneIDs[zones.count + loop])
        case .coolantUnitRepair(let loop, let unit): (message, target) = (.coolingUnitRepaired(unit: unit), zoneIDs[zones.count + loop])
        case .rearDoorFailure(let rack): (message, target) = (.rearDoorFailed, rackIDs[rack])
        case .rearDoorRepair(let rack): (message, target) = (.rearDoorRepaired, rackIDs[rack])
        case .nodeFailure(let node): (message, target) = (.nodeFailed, nodeIDs[node])
        case .nodeRepair(let node): (message, target) = (.nodeRepaired, nodeIDs[node])
        }
        simulation.schedule(Envelope(facility: message), to: target, at: time)
    }

    /// Makes `observer` hear `nodeStatus` from node `node` whenever its GPUs' speed changes,
    /// starting with the status it settles to at build time. Call before the first run.
    public func observe(node: Int, by observer: ComponentID) {
        nodes[node].observers.append(observer)
    }

    /// Schedules a node's GPU utilisation (the serving model's job, or a test double).
    public func setUtilization(node: Int, _ utilization: Double, at time: SimTime,
                               into simulation: inout Simulation<ObjectComponent<Envelope>>) {
        simulation.schedule(Envelope(facility: .utilizationChanged(utilization)), to: nodeIDs[node], at: time)
    }

    /// The state at `time`, which must be the simulation's current time (between runs).
    public func snapshot(at time: SimTime) -> FacilitySnapshot {
        let upsNow = upses.map { actor -> UPS in
            var ups = actor.ups
            ups.advance(to: time)
            return ups
        }
        let zoneCelsius = zones.map { $0.temperature(at: time) }
        let coolantCelsius = coolantLoops.map { $0.temperature(at: time) }
        let volumeCelsius = zoneCelsius + coolantCelsius
        var hottest = -Double.infinity
        var capped = 0, throttled = 0, off = 0, failed = 0
        for (index, node) in nodes.enumerated() {
            if node.powerState == .off { off += 1 } else if node.powerState == .capped { capped += 1 }
            if node.governor.state != .normal { throttled += 1 }
            if node.hardwareFailed { failed += 1 }
            if node.powerState != .off {
                hottest = max(hottest, node.governor.gpuCelsius(inletCelsius: volumeCelsius[nodeVolume[index]], gpuWatts: node.gpuWattsEach))
            }
        }
        return FacilitySnapshot(
            time: time,
            feedInputWatts: upsNow.map(\.inputWatts),
            upsLoadWatts: upsNow.map { $0.isOutputLive ? $0.outputWatts : 0 },
            batteryStateOfCharge: upsNow.map(\.stateOfCharge),
            itWatts: nodes.reduce(0) { $0 + $1.meter.watts },
            coolingWatts: (zones + coolantLoops).reduce(0) { $0 + $1.coolingWatts(at: time) },
            zoneCelsius: zoneCelsius,
            coolantCelsius: coolantCelsius,
            maxInletCelsius: zones.map { $0.maxTemperature(at: time) }.max() ?? -.infinity,
            hottestGPUCelsius: hottest,
            maxRackWatts: racks.map(\.totalWatts).max() ?? 0,
            racksOverBudget: racks.filter { $0.totalWatts > $0.powerBudgetWatts }.count,
            coolingLoadWatts: (zones + coolantLoops).reduce(0) { $0 + $1.heatWatts },
            coolingCapacityWatts: (zones + coolantLoops).reduce(0) { $0 + $1.coolingCapacityWatts },
            nodesCapped: capped, nodesThrottled: throttled, nodesOff: off, nodesFailed: failed)
    }

    /// Energy accounts up to `time` (the simulation's current time).
    public func energy(at time: SimTime) -> FacilityEnergy {
        var utility = 0.0, stored = 0.0, losses = 0.0
        for actor in upses {
            var ups = actor.ups
            ups.advance(to: time)
            utility += ups.inputJoules
            stored += ups.batteryJoules - ups.batteryCapacityJoules
            losses += ups.lossJoules
        }
        let it = nodes.reduce(0.0) { total, node in
            var meter = node.meter
            meter.advance(to: time)
            return total + meter.joules
        }
        return FacilityEnergy(utilityJoules: utility, batteryStoredChangeJoules: stored, itJoules: it, upsLossJoules: losses,
                              coolingJoules: (zones + coolantLoops).reduce(0) { $0 + $1.coolingJoules(at: time) })
    }
}

extension Facility {
    /// Runs to `end`, taking a snapshot at every multiple of `interval` (from the current time,
    /// and at `end`). Snapshots are read between runs, so sampling adds no events.
    public func run(_ simulation: inout Simulation<ObjectComponent<Envelope>>, until end: SimTime,
                    sampleEvery interval: SimDuration, _ sample: (FacilitySnapshot) -> Void) {
        precondition(interval > .zero, "sampling interval must be positive")
        var next = simulation.now
        while next < end {
            simulation.run(until: next)
            sample(snapshot(at: next))
            next += interval
        }
        simulation.run(until: end)
        sample(snapshot(at: end))
    }
}

extension FacilitySpec {
    /// A uniform hall for benchmarks and examples: `racks` 44 kW racks of 4 DGX H100 at
    /// `utilization`, 100 racks a zone, each zone with N+1 CRAH units sized to hold a 27 C
    /// inlet at full load, and each feed's UPS able to carry the whole hall alone.
    public static func uniformHall(racks: Int, utilization: Double) -> FacilitySpec {
        let racksPerZone = 100
        let zoneCount = (racks + racksPerZone - 1) / racksPerZone
        let fullLoadPerZone = Double(racksPerZone) * 4 * 10_200
        let unitCapacity = fullLoadPerZone / 5  // five units carry the load: N+1 with six
        let unit = Cooling(conductanceWattsPerKelvin: fullLoadPerZone / 7 / 6, supplyTemperatureCelsius: 20, capacityWatts: unitCapacity)
        let zones = (0 ..< zoneCount).map {
            // ~600 kJ/K per rack of metal and air [estimate, as the single-rack tests].
            ZoneSpec(name: "zone-\($0)", capacitanceJoulesPerKelvin: 600_000 * Double(racksPerZone),
                     initialCelsius: 27, coolingUnits: Array(repeating: unit, count: 6))
        }
        let rackSpecs = (0 ..< racks).map { index in
            RackSpec(name: "r\(index)", zone: index / racksPerZone,
                     nodes: (1 ... 4).map { NodeSpec(name: "n\($0)", initialUtilization: utilization) })
        }
        let feed = FeedSpec(upsRatedPowerWatts: Double(racks) * 4 * 10_200 * 1.25)
        return FacilitySpec(feedA: feed, feedB: feed, zones: zones, racks: rackSpecs)
    }
}
