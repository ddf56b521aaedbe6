/// The identity of a component within one simulation: its index in registration order.
@frozen
public struct ComponentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int
    @inlinable public init(_ index: Int) { self.index = index }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "#\(index)" }
}

/// An actor of the simulated world: private state and a handler for its messages.
///
/// A component changes only its own state. Everything else it does goes through the
/// context: sending messages (to others or, as timers, to itself), cancelling them, reading
/// the clock, stopping the run. Messages are values, so a run is a pure function of the
/// initial state, the seed and the code.
public protocol Component {
    associatedtype Message
    mutating func handle(_ message: Message, context: inout SimContext<Message>)
}

/// What a component's handler may do: the kernel's clock and event queue, seen from one event.
public struct SimContext<Message>: ~Copyable {
    @usableFromInline var queue: EventQueue<Message>
    @usableFromInline var currentTime: SimTime = .zero
    @usableFromInline var currentID = ComponentID(0)
    @usableFromInline var componentCount = 0
    @usableFromInline var stopRequested = false

    @inlinable init(queueCapacity: Int) { queue = EventQueue(capacity: queueCapacity) }

    /// The time of the event being handled (or where the run stopped, between runs).
    @inlinable public var now: SimTime { currentTime }
    /// The component whose handler is running.
    @inlinable public var currentComponent: ComponentID { currentID }

    /// Sends `message` to `target`, delivered `delay` from now (zero: after the events
    /// already scheduled for now). Returns a handle that can cancel it.
    @inlinable @discardableResult
    public mutating func send(_ message: Message, to target: ComponentID, after delay: SimDuration = .zero) -> EventHandle {
        precondition(delay.nanoseconds >= 0, "cannot send into the past (delay \(delay))")
        precondition(target.index >= 0 && target.index < componentCount, "no component \(target)")
        return queue.push(message, to: UInt32(truncatingIfNeeded: target.index), at: now + delay)
    }

    /// Sends `message` to the current component after `delay`: a timer it can cancel.
    @inlinable @discardableResult
    public mutating func setTimer(_ message: Message, after delay: SimDuration) -> EventHandle {
        send(message, to: currentComponent, after: delay)
    }

    /// Cancels a pending message or timer; false if it was already delivered or cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool { queue.cancel(handle) }

    /// Ends the run after the current event; `run` returns `.stopRequested`.
    @inlinable public mutating func stop() { stopRequested = true }

    /// Events scheduled and not yet delivered or cancelled.
    @inlinable public var pendingEventCount: Int { queue.liveCount }
}

/// Why a call to `run` returned.
public enum StopReason: Equatable, Sendable {
    /// The next event lies after the end time; the clock stands at the end time.
    case reachedEndTime
    /// No events are left.
    case idle
    /// A component called `stop()`.
    case stopRequested
    /// The `stopWhen` condition held after an event.
    case conditionMet
    /// The event limit of this call was reached.
    case eventLimitReached
}

/// Sees every handled event, just before its handler runs: for golden logs, checksums and traces.
///
/// The run loop is specialised for each observer type, so `NoObserver` costs nothing.
public protocol EventObserver<Message> {
    associatedtype Message
    mutating func observe(time: SimTime, sequence: UInt64, target: ComponentID, message: borrowing Message)
}

/// The observer that observes nothing.
@frozen
public struct NoObserver<Message>: EventObserver {
    @inlinable public init() {}
    @inlinable public mutating func observe(time: SimTime, sequence: UInt64, target: ComponentID, message: borrowing Message) {}
}

/// One discrete-event simulation: components of one type, a clock, and the pending events.
///
/// Runs are deterministic: events are delivered in (time, sequence) order, each component
/// draws from its own stream derived from `seed`, and nothing reads a wall clock. The whole
/// simulation belongs to one task (it is not `Sendable`); run independent simulations in
/// parallel with `Replications`. Heterogeneous worlds use an enum or protocol-typed `C`.
public struct Simulation<C: Component>: ~Copyable {
    public let seed: UInt64
    @usableFromInline var context: SimContext<C.Message>
    @usableFromInline var components: UnsafeMutablePointer<C>
    @usableFromInline var componentCapacity: Int
    @usableFromInline var handledCount = 0

    /// An empty simulation. `expectedPendingEvents` only presizes the queue.
    public init(seed: UInt64, expectedComponents: Int = 16, expectedPendingEvents: Int = 64) {
        self.seed = seed
        context = SimContext(queueCapacity: expectedPendingEvents)
        componentCapacity = max(expectedComponents, 1)
        components = .allocate(capacity: componentCapacity)
    }

    @inlinable deinit {
        components.deinitialize(count: context.componentCount)
        components.deallocate()
    }

    public var now: SimTime { context.now }
    /// Events handled so far (cancelled events are not counted).
    public var eventsHandled: Int { handledCount }
    public var componentCount: Int { context.componentCount }
    public var pendingEventCount: Int { context.queue.liveCount }

    /// Adds a component built from its identity and its own random stream (stream key = id).
    @discardableResult
    public mutating func add(_ make: (ComponentID, RandomStream) throws -> C) rethrows -> ComponentID {
        let id = ComponentID(context.componentCount)
        precondition(UInt32(id.index) <= EventQueue<C.Message>.maximumTarget, "too many components")
        let component = try make(id, RandomStream(seed: seed, streamKey: UInt64(id.index)))
        if id.index == componentCapacity {
            let grown = UnsafeMutablePointer<C>.allocate(capacity: componentCapacity * 2)
            grown.moveInitialize(from: components, count: id.index)
            components.deallocate()
            components = grown
            componentCapacity *= 2
        }
        (components + id.index).initialize(to: component)
        context.componentCount += 1
        return id
    }

    /// Adds a component that needs no randomness.
    @discardableResult
    public mutating func add(_ component: C) -> ComponentID { add { _, _ in component } }

    /// The current state of a component (a copy), for inspection between runs.
    public subscript(id: ComponentID) -> C {
        precondition(id.index >= 0 && id.index < context.componentCount, "no component \(id)")
        return components[id.index]
    }

    /// Schedules `message` for `target` at `time` from outside the model (set-up, injected faults).
    @discardableResult
    public mutating func schedule(_ message: C.Message, to target: ComponentID, at time: SimTime) -> EventHandle {
        precondition(time >= context.now, "cannot schedule into the past (\(time) < \(context.now))")
        precondition(target.index >= 0 && target.index < context.componentCount, "no component \(target)")
        return context.queue.push(message, to: UInt32(truncatingIfNeeded: target.index), at: time)
    }

    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool { context.queue.cancel(handle) }

    /// Handles every event up to and including `end`, then sets the clock to `end`.
    @inlinable @discardableResult
    public mutating func run(until end: SimTime) -> StopReason {
        var observer = NoObserver<C.Message>()
        return run(until: end, maxEvents: .max, observer: &observer)
    }

    /// Handles events until none are left (or `maxEvents` have been handled by this call).
    @inlinable @discardableResult
    public mutating func runUntilIdle(maxEvents: Int = .max) -> StopReason {
        var observer = NoObserver<C.Message>()
        return run(until: .distantFuture, maxEvents: maxEvents, observer: &observer)
    }

    /// Runs like `run(until:)`, and stops after the first event after which `condition` holds.
    @inlinable @discardableResult
    public mutating func run(until end: SimTime, stopWhen condition: (borrowing Simulation<C>) -> Bool) -> StopReason {
        var observer = NoObserver<C.Message>()
        while true {
            let reason = run(until: end, maxEvents: 1, observer: &observer)
            if reason != .eventLimitReached { return reason }
            if condition(self) { return .conditionMet }
        }
    }

    /// The run loop: every other `run` is this one with fewer options.
    ///
    /// Pops the earliest event, skips it if cancelled, advances the clock, shows it to the
    /// observer and hands it to its component. Stops before the first event after `end`,
    /// when no events are left (in both cases with the clock set to a finite `end`), when a
    /// component calls `stop()`, or after `maxEvents` events.
    @inlinable @discardableResult
    public mutating func run<O: EventObserver>(
        until end: SimTime, maxEvents: Int = .max, observer: inout O
    ) -> StopReason where O.Message == C.Message {
        precondition(end >= context.now, "cannot run backwards to \(end) from \(context.now)")
        context.stopRequested = false
        var handledThisCall = 0
        while true {
            guard let key = context.queue.minimumKey else {
                if end < .distantFuture { context.currentTime = end }
                return .idle
            }
            let time = EventQueue<C.Message>.time(of: key)
            if time > end {
                context.currentTime = end
                return .reachedEndTime
            }
            if handledThisCall == maxEvents { return .eventLimitReached }
            context.queue.removeMinimum()
            guard let (target, message) = context.queue.take(slotOf: key) else { continue }
            let id = ComponentID(Int(target))
            context.currentTime = time
            context.currentID = id
            observer.observe(time: time, sequence: EventQueue<C.Message>.sequence(of: key), target: id, message: message)
            components[id.index].handle(message, context: &context)
            handledThisCall &+= 1
            handledCount &+= 1
            if context.stopRequested { return .stopRequested }
        }
    }
}
