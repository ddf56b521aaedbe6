public import SimKernel

/// What the facility needs to know about a GPU node's electrical demand: GPUs from idle to
/// their power limit with utilisation, plus host overhead (CPUs, NVSwitch, NICs, fans, storage)
/// that also grows with load.
public struct NodePowerProfile: Sendable, Equatable {
    public var gpuCount: Int
    public var gpuIdleWatts: Double
    public var gpuMaxWatts: Double
    public var hostIdleWatts: Double
    public var hostMaxWatts: Double

    public init(gpuCount: Int, gpuIdleWatts: Double, gpuMaxWatts: Double, hostIdleWatts: Double, hostMaxWatts: Double) {
        self.gpuCount = gpuCount
        self.gpuIdleWatts = gpuIdleWatts
        self.gpuMaxWatts = gpuMaxWatts
        self.hostIdleWatts = hostIdleWatts
        self.hostMaxWatts = hostMaxWatts
    }

    /// DGX H100: 8 × 700 W GPUs idling at ~75 W (nvidia-smi, facts); 10.2 kW at full load
    /// (NVIDIA DGX H100 user guide, facts), so the host takes 4.6 kW at full load. Host idle
    /// 2 kW is an engineering estimate.
    public static let dgxH100 = NodePowerProfile(gpuCount: 8, gpuIdleWatts: 75, gpuMaxWatts: 700,
                                                 hostIdleWatts: 2_000, hostMaxWatts: 4_600)

    public func gpuWatts(utilization: Double) -> Double {
        Double(gpuCount) * (gpuIdleWatts + (gpuMaxWatts - gpuIdleWatts) * utilization)
    }

    public func hostWatts(utilization: Double) -> Double {
        hostIdleWatts + (hostMaxWatts - hostIdleWatts) * utilization
    }

    /// Electrical demand at a GPU utilisation in 0...1.
    public func demandWatts(utilization: Double) -> Double {
        gpuWatts(utilization: utilization) + hostWatts(utilization: utilization)
    }

    /// Relative speed when the node may draw only `capWatts`: the host keeps its share and
    /// the GPUs' power limit drops; with voltage scaling with clock, GPU power goes as
    /// clock³, so speed = (available / wanted GPU power)^(1/3) [engineering estimate].
    public func speedFactor(capWatts: Double, utilization: Double) -> Double {
        let wanted = gpuWatts(utilization: utilization)
        let available = capWatts - hostWatts(utilization: utilization)
        if available >= wanted { return 1 }
        if available <= 0 { return 0 }
        return DeterministicMath.exp(DeterministicMath.log(available / wanted) / 3)
    }
}

/// A node's power supplies, split between feed A and feed B (N+N), sharing the load equally.
public struct PowerSupplySet: Sendable, Equatable {
    public var perFeed: Int
    public var ratingWatts: Double
    /// Fewer live, fed supplies than this and the node shuts down.
    public var minimumForOperation: Int
    /// A supply rides through an input gap shorter than this.
    public var holdUp: SimDuration

    public init(perFeed: Int, ratingWatts: Double, minimumForOperation: Int, holdUp: SimDuration) {
        self.perFeed = perFeed
        self.ratingWatts = ratingWatts
        self.minimumForOperation = minimumForOperation
        self.holdUp = holdUp
    }

    /// DGX H100: 6 × 3.3 kW, 3 per feed; runs degraded on 3 (NVIDIA DGX H100 user guide,
    /// facts); hold-up 16 ms, inside the 12-20 ms of server PSU specifications (facts).
    public static let dgxH100 = PowerSupplySet(perFeed: 3, ratingWatts: 3_300, minimumForOperation: 3, holdUp: .milliseconds(16))

    /// What the node gets and what it draws from each feed.
    public struct Outcome: Sendable, Equatable {
        public enum State: String, Sendable { case on, capped, off }
        public var state: State
        public var deliveredWatts: Double
        public var feedAWatts: Double
        public var feedBWatts: Double
        public var capacityWatts: Double
    }

    /// The supply for `demandWatts` given which supplies are alive on each side and which
    /// feeds are energised.
    public func outcome(demandWatts: Double, aliveOnA: Int, aliveOnB: Int, feedA: Bool, feedB: Bool) -> Outcome {
        let fedA = feedA ? aliveOnA : 0, fedB = feedB ? aliveOnB : 0
        let fed = fedA + fedB
        guard fed > 0, fed >= minimumForOperation else {
            return Outcome(state: .off, deliveredWatts: 0, feedAWatts: 0, feedBWatts: 0, capacityWatts: 0)
        }
        let capacity = Double(fed) * ratingWatts
        let delivered = min(demandWatts, capacity)
        return Outcome(state: demandWatts > capacity ? .capped : .on, deliveredWatts: delivered,
                       feedAWatts: delivered * Double(fedA) / Double(fed), feedBWatts: delivered * Double(fedB) / Double(fed),
                       capacityWatts: capacity)
    }
}

/// GPU thermal protection: slowdown, then shutdown, each with hysteresis on the way back.
///
/// GPU temperature = inlet (or coolant) temperature + GPU power × thermal resistance. The
/// governor turns these limits into inlet-temperature thresholds so the facility can ask a
/// `ThermalNode` when the inlet will reach them and schedule that as an event.
public struct GPUThermalGovernor: Sendable, Equatable {
    public enum State: String, Sendable { case normal, throttled, shutdown }

    public var slowdownCelsius: Double
    public var shutdownCelsius: Double
    /// How far below the slowdown limit a GPU must cool before it runs at full speed again
    /// (and before a shut-down GPU restarts).
    public var hysteresisKelvin: Double
    public var thermalResistanceKelvinPerWatt: Double
    /// Relative speed while throttled.
    public var throttledSpeedFactor: Double
    public private(set) var state: State = .normal

    /// H100 SXM, air-cooled: slowdown 89 C, shutdown 92 C (nvidia-smi, facts); R_th 0.06 K/W
    /// (facts, estimate); 5 K hysteresis and half speed when throttled [engineering estimates].
    public static let h100Air = GPUThermalGovernor(slowdownCelsius: 89, shutdownCelsius: 92, hysteresisKelvin: 5,
                                                   thermalResistanceKelvinPerWatt: 0.06, throttledSpeedFactor: 0.5)

    /// H100 SXM on a cold plate: limits as `h100Air`; R_th 0.03 K/W from coolant to GPU
    /// [engineering estimate: about 20 K over coolant at 700 W].
    public static let h100Liquid = GPUThermalGovernor(slowdownCelsius: 89, shutdownCelsius: 92, hysteresisKelvin: 5,
                                                      thermalResistanceKelvinPerWatt: 0.03, throttledSpeedFactor: 0.5)

    public init(slowdownCelsius: Double, shutdownCelsius: Double, hysteresisKelvin: Double,
                thermalResistanceKelvinPerWatt: Double, throttledSpeedFactor: Double) {
        precondition(shutdownCelsius > slowdownCelsius && hysteresisKelvin > 0, "invalid GPU thermal limits")
        self.slowdownCelsius = slowdownCelsius
        self.shutdownCelsius = shutdownCelsius
        self.hysteresisKelvin = hysteresisKelvin
        self.thermalResistanceKelvinPerWatt = thermalResistanceKelvinPerWatt
        self.throttledSpeedFactor = throttledSpeedFactor
    }

    public func gpuCelsius(inletCelsius: Double, gpuWatts: Double) -> Double {
        inletCelsius + gpuWatts * thermalResistanceKelvinPerWatt
    }

    public var speedFactor: Double {
        switch state {
        case .normal: 1
        case .throttled: throttledSpeedFactor
        case .shutdown: 0
        }
    }

    /// Inlet temperatures at which the state would change next, for GPUs that draw
    /// `runningGPUWatts` when active: `rising` moves them to a worse state, `falling` to a
    /// better one (nil where none). A shut-down GPU restarts only where it would then run
    /// normally at that power, so a restart can never trip it again at once.
    public func inletThresholds(runningGPUWatts: Double) -> (rising: Double?, falling: Double?) {
        let rise = runningGPUWatts * thermalResistanceKelvinPerWatt
        let recovery = slowdownCelsius - hysteresisKelvin - rise
        switch state {
        case .normal: return (slowdownCelsius - rise, nil)
        case .throttled: return (shutdownCelsius - rise, recovery)
        case .shutdown: return (nil, recovery)
        }
    }

    /// Applies the limits at an inlet temperature, for GPUs that draw `runningGPUWatts` when
    /// active; returns true if the state changed.
    @discardableResult
    public mutating func update(inletCelsius: Double, runningGPUWatts: Double) -> Bool {
        let previous = state
        let gpu = gpuCelsius(inletCelsius: inletCelsius, gpuWatts: runningGPUWatts)
        switch state {
        case .normal, .throttled:
            if gpu >= shutdownCelsius {
                state = .shutdown
            } else if gpu >= slowdownCelsius {
                state = .throttled
            } else if state == .throttled && gpu <= slowdownCelsius - hysteresisKelvin {
                state = .normal
            }
        case .shutdown:
            if gpu <= slowdownCelsius - hysteresisKelvin { state = .normal }
        }
        return state != previous
    }
}
