public import SimKernel

/// PHOLD (Fujimoto 1990), the standard event-kernel benchmark, on dctwin's component API.
///
/// `lpCount` components start with `eventsPerLP` events each, at Exp(mean) after time zero.
/// Handling an event sends one event to a uniformly chosen component after
/// lookahead + Exp(mean). It is written exactly as a model component is: a `Component`
/// with private state (its random stream) that only talks through the context.
public struct PholdConfiguration: Sendable, Equatable {
    public var lpCount: Int
    public var eventsPerLP: Int
    public var lookahead: SimDuration
    public var meanDelay: SimDuration
    public var until: SimTime
    public var seed: UInt64

    public init(lpCount: Int, eventsPerLP: Int, lookahead: SimDuration = .milliseconds(100),
                meanDelay: SimDuration = .seconds(1), until: SimTime, seed: UInt64 = 42) {
        self.lpCount = lpCount
        self.eventsPerLP = eventsPerLP
        self.lookahead = lookahead
        self.meanDelay = meanDelay
        self.until = until
        self.seed = seed
    }
}

/// The PHOLD message: an event hopping between processes (it carries nothing).
public struct PholdEvent: Sendable {}

/// One PHOLD logical process.
public struct PholdProcess: Component {
    var random: RandomStream
    let processCount: Int
    let lookahead: SimDuration
    let meanDelaySeconds: Double

    public mutating func handle(_ message: PholdEvent, context: inout SimContext<PholdEvent>) {
        let delay = lookahead + SimDuration(seconds: random.exponential(mean: meanDelaySeconds))
        let destination = random.index(below: processCount)
        context.send(message, to: ComponentID(destination), after: delay)
    }
}

/// An order-dependent FNV-1a hash of every handled event's time, target and sequence.
public struct ChecksumObserver: EventObserver {
    public var checksum: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    @inlinable public mutating func observe(time: SimTime, sequence: UInt64, target: ComponentID, message: borrowing PholdEvent) {
        checksum = (checksum ^ UInt64(bitPattern: time.nanosecondsSinceStart)) &* 0x100_0000_01B3
        checksum = (checksum ^ UInt64(target.index)) &* 0x100_0000_01B3
        checksum = (checksum ^ sequence) &* 0x100_0000_01B3
    }
}

/// What one PHOLD run did.
public struct PholdResult: Sendable, Equatable {
    public var events: Int
    public var checksum: UInt64
    public var finalTime: SimTime
}

public enum Phold {
    /// Builds the simulation: processes with their streams and their initial events.
    public static func makeSimulation(_ configuration: PholdConfiguration) -> Simulation<PholdProcess> {
        precondition(configuration.lpCount > 0 && configuration.eventsPerLP >= 0, "PHOLD needs lps > 0, events >= 0")
        var simulation = Simulation<PholdProcess>(
            seed: configuration.seed, expectedComponents: configuration.lpCount,
            expectedPendingEvents: configuration.lpCount * configuration.eventsPerLP)
        let meanSeconds = configuration.meanDelay.seconds
        for _ in 0 ..< configuration.lpCount {
            let id = simulation.add { _, random in
                PholdProcess(random: random, processCount: configuration.lpCount,
                             lookahead: configuration.lookahead, meanDelaySeconds: meanSeconds)
            }
            // Initial events draw from a stream of their own so that they do not shift the
            // process's stream (which the handler uses).
            var setupRandom = RandomStream(seed: configuration.seed, streamKey: UInt64(id.index)).split(key: 1)
            for _ in 0 ..< configuration.eventsPerLP {
                simulation.schedule(PholdEvent(), to: id, at: .at(.seconds(setupRandom.exponential(mean: meanSeconds))))
            }
        }
        return simulation
    }

    /// Runs a built simulation to the configured end time, hashing every handled event.
    public static func run(_ simulation: inout Simulation<PholdProcess>, until end: SimTime) -> PholdResult {
        var observer = ChecksumObserver()
        simulation.run(until: end, observer: &observer)
        return PholdResult(events: simulation.eventsHandled, checksum: observer.checksum, finalTime: simulation.now)
    }

    /// Builds and runs one PHOLD simulation.
    public static func run(_ configuration: PholdConfiguration) -> PholdResult {
        var simulation = makeSimulation(configuration)
        return run(&simulation, until: configuration.until)
    }
}
