public import SimKernel

/// A feed's UPS as an actor: carries the sum of its children's draws on that feed (floor
/// distribution units, or racks fed directly), rides on its battery when its input goes, and
/// drops its children when the battery empties first.
public final class UPSActor<Envelope: FacilityEnvelope>: ActorObject {
    public typealias Message = Envelope

    public let name: String
    public let side: FeedSide
    public private(set) var ups: UPS
    let children: [ComponentID]
    let recorder: FacilityRecorder
    var childLoads: [Double]
    var totalLoadWatts = 0.0
    var batteryTimer: EventHandle?

    init(name: String, side: FeedSide, spec: FeedSpec, children: [ComponentID], recorder: FacilityRecorder) {
        self.name = name
        self.side = side
        ups = UPS(ratedPowerWatts: spec.upsRatedPowerWatts, modules: spec.upsModules, losses: spec.upsLosses,
                  batteryRuntimeAtFullLoad: spec.upsBatteryRuntimeAtFullLoad)
        self.children = children
        childLoads = Array(repeating: 0, count: children.count)
        self.recorder = recorder
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        let wasLive = ups.isOutputLive, previousMode = ups.mode
        switch message.facility {
        case .sourceChanged(let available)?:
            ups.setInputAvailable(available, at: context.now)
        case .loadChanged(let child, let watts)?:
            totalLoadWatts = max(0, totalLoadWatts + watts - childLoads[child])
            childLoads[child] = watts
            // An overload shows as the UPS's own move to (and from) overload bypass, logged below.
            ups.setLoad(totalLoadWatts, at: context.now)
        case .batteryEvent?:
            batteryTimer = nil
            ups.advance(to: context.now)
        case .upsFailed(let toBypass)?:
            ups.fail(toBypass: toBypass, at: context.now)
        case .upsRepaired?:
            ups.repair(at: context.now)
        case .upsModuleFailed?:
            ups.failModule(at: context.now)
            recorder.record(context.now, name, "ups_module_failed", "live=\(ups.moduleCount - ups.failedModules)/\(ups.moduleCount)")
        case .upsModuleRepaired?:
            ups.repairModule(at: context.now)
            recorder.record(context.now, name, "ups_module_repaired", "live=\(ups.moduleCount - ups.failedModules)/\(ups.moduleCount)")
        default:
            return
        }
        if ups.mode != previousMode {
            recorder.record(context.now, name, "ups_\(ups.mode.rawValue)", "soc=\(ups.stateOfCharge)")
        }
        if let batteryTimer { context.cancel(batteryTimer) }
        batteryTimer = (ups.timeToBatteryEmpty ?? ups.timeToBatteryFull).map {
            context.setTimer(Envelope(facility: .batteryEvent), after: $0)
        }
        if ups.isOutputLive != wasLive {
            for child in children {
                context.send(Envelope(facility: .feedChanged(side, available: ups.isOutputLive)), to: child)
            }
        }
    }
}
