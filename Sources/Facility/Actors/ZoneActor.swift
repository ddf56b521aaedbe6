import HeapModule
public import SimKernel

/// A zone's air and metal as one thermal mass, cooled by its units (CRAH), heated by its
/// racks; the inlet temperature of every node in it.
///
/// Nodes register the inlet temperatures at which their GPUs change state. The zone keeps
/// them in two heaps (lowest rising, highest falling threshold) and one timer at the exact
/// time the temperature reaches the nearer of the two, rescheduled whenever heat or cooling
/// changes: O(log n) per change, no stepping.
public final class ZoneActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope

    struct Threshold: Comparable {
        var celsius: Double
        var child: Int
        var generation: UInt32
        static func < (a: Self, b: Self) -> Bool { (a.celsius, a.child) < (b.celsius, b.child) }
    }

    public let name: String
    public private(set) var thermal: ThermalNode
    let units: [Cooling]
    public private(set) var unitAlive: [Bool]
    let fanWattsPerUnit: Double
    let chillerCOP: Double
    let recorder: FacilityRecorder
    /// Children: racks (heat) and nodes (thresholds), each with its own index space.
    var rackHeat: [Double]
    /// Heat the racks' rear doors send to the chilled water, per rack, and its running sum.
    var rearDoorHeat: [Double]
    var rearDoorHeatSum = 0.0
    /// Rear-door heat the chiller must reject (zero while it is down), metered for its energy.
    var rearDoorChillerMeter = EnergyMeter()
    var heatSum = 0.0
    let nodes: [ComponentID]
    var generations: [UInt32]
    var rising = Heap<Threshold>()
    var falling = Heap<Threshold>()
    var crossingTimer: EventHandle?
    let allowableCelsius: Double
    /// Alarm deadband: back within the allowable range only 0.5 K below the limit.
    static var allowableDeadbandKelvin: Double { 0.5 }
    public private(set) var aboveAllowable: Bool
    let bufferJoules: Double?
    public private(set) var chillerAlive = true
    public private(set) var bufferEmpty = false
    /// Heat removed up to the chiller's failure, and removed while it was down (no chiller power).
    var removedAtChillerFailure = 0.0
    var removedWithoutChiller = 0.0
    var bufferTimer: EventHandle?
    public private(set) var fanMeter: EnergyMeter

    init(name: String, spec: ZoneSpec, rackCount: Int, nodes: [ComponentID], recorder: FacilityRecorder) {
        self.name = name
        units = spec.coolingUnits
        unitAlive = Array(repeating: true, count: spec.coolingUnits.count)
        fanWattsPerUnit = spec.fanWattsPerUnit
        chillerCOP = spec.chillerCOP
        thermal = ThermalNode(capacitanceJoulesPerKelvin: spec.capacitanceJoulesPerKelvin,
                              temperatureCelsius: spec.initialCelsius,
                              cooling: spec.coolingUnits.reduce(Cooling.none, +))
        rackHeat = Array(repeating: 0, count: rackCount)
        rearDoorHeat = Array(repeating: 0, count: rackCount)
        self.nodes = nodes
        generations = Array(repeating: 0, count: nodes.count)
        fanMeter = EnergyMeter(watts: fanWattsPerUnit * Double(spec.coolingUnits.count))
        allowableCelsius = spec.allowableInletCelsius
        aboveAllowable = spec.initialCelsius >= spec.allowableInletCelsius
        bufferJoules = spec.chilledWaterBufferJoules
        self.recorder = recorder
    }

    /// Inlet temperature at `time` (at or after the last event).
    public func temperature(at time: SimTime) -> Double { thermal.temperature(after: time - thermal.time) }

    /// The highest inlet temperature up to `time`.
    public func maxTemperature(at time: SimTime) -> Double {
        var node = thermal
        node.advance(to: time)
        return node.maxTemperatureCelsius
    }

    /// Cooling electrical power at `time`: fans plus the chiller's share of the heat removed
    /// from the air and by the rear doors (nothing while the chiller is down and the buffer
    /// carries the load).
    public func coolingWatts(at time: SimTime) -> Double {
        fanMeter.watts + (chillerAlive ? (thermal.cooling.removedWatts(at: temperature(at: time)) + rearDoorHeatSum) / chillerCOP : 0)
    }

    /// Cooling electrical energy up to `time`.
    public func coolingJoules(at time: SimTime) -> Double {
        var node = thermal, fans = fanMeter, doors = rearDoorChillerMeter
        node.advance(to: time)
        fans.advance(to: time)
        doors.advance(to: time)
        let withoutChiller = removedWithoutChiller + (chillerAlive ? 0 : node.heatRemovedJoules - removedAtChillerFailure)
        return fans.joules + (node.heatRemovedJoules - withoutChiller + doors.joules) / chillerCOP
    }

    /// The units that are alive, if the chilled water still holds.
    var effectiveCooling: Cooling {
        chillerAlive || !bufferEmpty ? zip(units, unitAlive).filter(\.1).map(\.0).reduce(Cooling.none, +) : .none
    }

    public var coolingCapacityWatts: Double { thermal.cooling.capacityWatts }
    public var heatWatts: Double { thermal.heatWatts }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        switch message.facility {
        case .heatChanged(let child, let watts)?:
            heatSum = max(0, heatSum + watts - rackHeat[child])
            rackHeat[child] = watts
            thermal.setHeat(heatSum, at: context.now)
        case .rearDoorHeatChanged(let child, let watts)?:
            rearDoorHeatSum = max(0, rearDoorHeatSum + watts - rearDoorHeat[child])
            rearDoorHeat[child] = watts
            rearDoorChillerMeter.set(chillerAlive ? rearDoorHeatSum : 0, at: context.now)
            return
        case .coolingUnitFailed(let unit)?, .coolingUnitRepaired(let unit)?:
            let alive = message.facility == .coolingUnitRepaired(unit: unit)
            guard unit < units.count, unitAlive[unit] != alive else { return }
            unitAlive[unit] = alive
            recorder.record(context.now, name, alive ? "cooling_unit_repaired" : "cooling_unit_failed", "unit=\(unit)")
            thermal.setCooling(effectiveCooling, at: context.now)
            fanMeter.set(fanWattsPerUnit * Double(unitAlive.filter { $0 }.count), at: context.now)
        case .chillerFailed?:
            guard chillerAlive else { return }
            thermal.advance(to: context.now)
            chillerAlive = false
            rearDoorChillerMeter.set(0, at: context.now)
            removedAtChillerFailure = thermal.heatRemovedJoules
            bufferEmpty = (bufferJoules ?? 0) <= 0
            recorder.record(context.now, name, "chiller_failed", "buffer_mj=\((bufferJoules ?? 0) / 1e6)")
            if bufferEmpty { thermal.setCooling(effectiveCooling, at: context.now) }
        case .chilledWaterBufferEmpty?:
            bufferTimer = nil
            bufferEmpty = true
            recorder.record(context.now, name, "chilled_water_buffer_empty")
            thermal.setCooling(effectiveCooling, at: context.now)
        case .chillerRepaired?:
            guard !chillerAlive else { return }
            thermal.advance(to: context.now)
            removedWithoutChiller += thermal.heatRemovedJoules - removedAtChillerFailure
            chillerAlive = true
            rearDoorChillerMeter.set(rearDoorHeatSum, at: context.now)
            bufferEmpty = false
            recorder.record(context.now, name, "chiller_repaired")
            thermal.setCooling(effectiveCooling, at: context.now)
        case .inletThresholds(let child, let up, let down)?:
            thermal.advance(to: context.now)
            generations[child] &+= 1
            let now = thermal.temperatureCelsius
            if up.map({ now >= $0 }) ?? false || down.map({ now <= $0 }) ?? false {
                // Already past one of them: answer at once rather than schedule a zero-time timer.
                context.send(Envelope(facility: .inletCrossed(celsius: now)), to: nodes[child])
            } else {
                if let up { rising.insert(Threshold(celsius: up, child: child, generation: generations[child])) }
                if let down { falling.insert(Threshold(celsius: down, child: child, generation: generations[child])) }
                if rising.count + falling.count > 4 * nodes.count + 64 { dropStaleThresholds() }
            }
        case .thermalCrossing?:
            crossingTimer = nil
            thermal.advance(to: context.now)
            let now = thermal.temperatureCelsius
            // The crossing time was rounded up to the nanosecond: allow a rounding residue.
            let tolerance = 1e-9 * max(1, abs(now))
            while let top = rising.min, isStale(top) || top.celsius <= now + tolerance {
                rising.removeMin()
                if !isStale(top) { wake(top.child, at: now, context: &context) }
            }
            while let top = falling.max, isStale(top) || top.celsius >= now - tolerance {
                falling.removeMax()
                if !isStale(top) { wake(top.child, at: now, context: &context) }
            }
            if !aboveAllowable && now >= allowableCelsius - tolerance {
                aboveAllowable = true
                recorder.record(context.now, name, "inlet_above_allowable", "limit_c=\(allowableCelsius)")
            } else if aboveAllowable && now <= allowableCelsius - Self.allowableDeadbandKelvin + tolerance {
                aboveAllowable = false
                recorder.record(context.now, name, "inlet_within_allowable", "limit_c=\(allowableCelsius)")
            }
        default:
            return
        }
        rescheduleCrossing(context: &context)
        rescheduleBufferEmpty(context: &context)
    }

    /// While the chiller is down, one timer at the exact time the units will have taken the
    /// buffer's cold, rescheduled whenever heat or cooling changes.
    private func rescheduleBufferEmpty(context: inout SimContext<Envelope>) {
        if let bufferTimer { context.cancel(bufferTimer) }
        bufferTimer = nil
        guard !chillerAlive, !bufferEmpty, let bufferJoules else { return }
        thermal.advance(to: context.now)
        let left = bufferJoules - (thermal.heatRemovedJoules - removedAtChillerFailure)
        bufferTimer = thermal.timeToRemove(left).map { context.setTimer(Envelope(facility: .chilledWaterBufferEmpty), after: $0) }
    }

    private func isStale(_ threshold: Threshold) -> Bool { generations[threshold.child] != threshold.generation }

    private func wake(_ child: Int, at celsius: Double, context: inout SimContext<Envelope>) {
        generations[child] &+= 1  // its other threshold is void too; it will register anew
        context.send(Envelope(facility: .inletCrossed(celsius: celsius)), to: nodes[child])
    }

    private func rescheduleCrossing(context: inout SimContext<Envelope>) {
        while let top = rising.min, isStale(top) { rising.removeMin() }
        while let top = falling.max, isStale(top) { falling.removeMax() }
        let alarm = aboveAllowable ? allowableCelsius - Self.allowableDeadbandKelvin : allowableCelsius
        let next = [rising.min.flatMap { thermal.timeToReach($0.celsius) }, falling.max.flatMap { thermal.timeToReach($0.celsius) },
                    thermal.timeToReach(alarm)]
            .compactMap { $0 }.min()
        if let crossingTimer { context.cancel(crossingTimer) }
        crossingTimer = next.map { context.setTimer(Envelope(facility: .thermalCrossing), after: $0) }
    }

    private func dropStaleThresholds() {
        rising = Heap(rising.unordered.filter { !isStale($0) })
        falling = Heap(falling.unordered.filter { !isStale($0) })
    }
}
