public import SimKernel

/// How a router picks an instance among those it believes healthy.
public enum RoutingPolicy: String, Sendable, CaseIterable {
    case roundRobin = "round_robin"
    case leastOutstanding = "least_outstanding"
    case powerOfTwoChoices = "power_of_two"
    /// Keeps each shared prompt prefix on one instance (its cache stays warm), unless that
    /// instance has over twice the mean load; then least outstanding.
    case prefixAware = "prefix_aware"
}

/// A router's behaviour: policy, health checks, retries and admission control.
public struct RouterConfiguration: Sendable, Equatable {
    public var policy: RoutingPolicy
    public var healthCheckInterval: SimDuration
    /// An instance that has not answered a probe within this time is marked down.
    public var healthCheckTimeout: SimDuration
    /// Times a request may be re-sent after its instance fails.
    public var maxRetries: Int
    /// Bound on requests in the system (dispatched, not finished); arrivals beyond it are rejected.
    public var maxOutstanding: Int

    /// Defaults as in common load balancers (e.g. Envoy's active health check: 5 s interval,
    /// 1 s timeout) [engineering estimate for an LLM router].
    public init(policy: RoutingPolicy = .leastOutstanding, healthCheckInterval: SimDuration = .seconds(5),
                healthCheckTimeout: SimDuration = .seconds(1), maxRetries: Int = 2, maxOutstanding: Int = 100_000) {
        self.policy = policy
        self.healthCheckInterval = healthCheckInterval
        self.healthCheckTimeout = healthCheckTimeout
        self.maxRetries = maxRetries
        self.maxOutstanding = maxOutstanding
    }
}

/// A health-check verdict, in the order the router reached it.
public struct HealthChange: Sendable, Equatable {
    public var time: SimTime
    public var instance: Int
    public var up: Bool
}

/// A request the router is responsible for, in a slot; its id carries the slot and a
/// generation, so a stale completion (from an instance given up on) is recognised.
struct PendingRequest {
    var request: InferenceRequest
    var group: Int
    var instance: Int
    var retries: Int
    var generation: UInt32
    var live: Bool
}

/// One workload's front door: draws its arrivals, routes them, checks the instances' health,
/// retries the requests of failed instances and records the workload's metrics.
///
/// A disaggregated workload has two pools: the first `prefillInstances` instances prefill,
/// the rest decode. A prompt goes to a prefill instance; when its first token is out, the
/// router picks a decode instance and asks the fabric to move the KV cache there. A request
/// lost anywhere on the way starts again from prefill.
public final class RouterActor<Envelope: ServingEnvelope>: ActorObject {
    public typealias Message = Envelope

    public let configuration: RouterConfiguration
    public let instances: [ComponentID]
    /// Instances that prefill, numbered first; nil for a unified pool.
    public let prefillInstances: Int?
    /// Who moves KV caches between pools (nil: they arrive at once).
    public let transfers: ComponentID?
    public private(set) var metrics = WorkloadMetrics()
    public private(set) var healthChanges: [HealthChange] = []
    /// Requests dispatched and not yet completed or failed.
    public private(set) var inFlight = 0
    private var generator: RequestGenerator
    private var choices: RandomStream
    /// Arrival offsets count from here; no arrivals at or after `end`.
    private let origin: SimTime
    private let end: SimTime
    /// Requests arriving before this are served and accounted, but not measured (warm-up).
    public let measureFrom: SimTime
    /// When set, every measured completion is appended here (`requests.csv`).
    public var completionLog: [RequestCompletion]?

    private var pending: [PendingRequest] = []
    private var freeSlots: [Int32] = []
    private var outstanding: [Int]
    /// Per pool (unified, or prefill then decode): its instances by load, and the healthy ones.
    private var load: [LoadBuckets]
    private var healthy: [[Int]]
    private var cursor: [Int]
    /// Requests held by each pool's instances (the unified pool's equals `inFlight`).
    private var poolOutstanding: [Int]
    private let poolRanges: [Range<Int>]
    private var believedUp: [Bool]
    private var lastAnswer: [UInt64]
    private var round: UInt64 = 0
    private var lastChange: SimTime = .zero

    /// Arrivals are drawn from `start` and stop at `end`; probing starts one interval after `start`.
    public init(workload: WorkloadSpec, configuration: RouterConfiguration, instances: [ComponentID], random: RandomStream,
                start: SimTime, end: SimTime, measureFrom: SimTime = .zero, prefillInstances: Int? = nil,
                transfers: ComponentID? = nil) {
        precondition(!instances.isEmpty, "a router needs at least one instance")
        precondition(prefillInstances.map { (1 ..< instances.count).contains($0) } ?? true, "both pools need an instance")
        self.configuration = configuration
        self.instances = instances
        self.prefillInstances = prefillInstances
        self.transfers = transfers
        poolRanges = prefillInstances.map { [0 ..< $0, $0 ..< instances.count] } ?? [instances.indices]
        origin = start
        lastChange = start
        self.end = end
        self.measureFrom = measureFrom
        generator = RequestGenerator(spec: workload, random: random.split(key: 1))
        choices = random.split(key: 2)
        outstanding = Array(repeating: 0, count: instances.count)
        believedUp = Array(repeating: true, count: instances.count)
        healthy = poolRanges.map(Array.init)
        cursor = poolRanges.map { _ in 0 }
        poolOutstanding = poolRanges.map { _ in 0 }
        load = poolRanges.map { range in
            var buckets = LoadBuckets()
            for instance in range { buckets.insert(instance, count: 0) }
            return buckets
        }
        lastAnswer = Array(repeating: 0, count: instances.count)
    }

    public var workload: WorkloadSpec { generator.spec }

    /// Schedules the first arrival and the first probe round; call once when building the world.
    public func start(id: ComponentID, in simulation: inout Simulation<ObjectComponent<Envelope>>) {
        if let at = drawNextArrival() { _ = simulation.schedule(Envelope(serving: .arrival), to: id, at: at) }
        _ = simulation.schedule(Envelope(serving: .probeRound), to: id, at: origin + configuration.healthCheckInterval)
    }

    private var nextArrival: (prompt: Int32, output: Int32, cached: Int32, group: Int)?

    /// Draws the next request; returns its arrival time, or nil when the workload has ended.
    private func drawNextArrival() -> SimTime? {
        nextArrival = nil
        guard let drawn = generator.next(), origin + drawn.arrival < end else { return nil }
        nextArrival = (drawn.prompt, drawn.output, drawn.cached, drawn.group)
        return origin + drawn.arrival
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        guard let message = message.serving else { return }
        switch message {
        case .arrival:
            guard let drawn = nextArrival else { return }
            arrive(prompt: drawn.prompt, output: drawn.output, cached: drawn.cached, group: drawn.group, context: &context)
            if let at = drawNextArrival() { _ = context.setTimer(Envelope(serving: .arrival), after: at - context.now) }
        case .completed(let completion, let instance):
            guard let slot = slot(of: completion.id, instance: instance) else { return }
            let measured = completion.arrival >= measureFrom
            metrics.record(completion, slo: generator.spec.slo, measured: measured)
            if measured, completionLog != nil { completionLog!.append(completion) }
            release(slot, now: context.now)
        case .refused(let id, let instance):
            guard let slot = slot(of: id, instance: instance) else { return }
            metrics.failed[.doesNotFit, default: 0] += 1
            release(slot, now: context.now)
        case .prefilled(let handoff, let instance):
            guard let slot = slot(of: handoff.request.id, instance: instance) else { return }
            handOff(slot, handoff, from: instance, context: &context)
        case .restarted(let instance):
            // Down and back between two probe rounds: the health check never saw it, but the
            // requests it held are gone all the same.
            if believedUp[instance] { failOver(from: instance, context: &context) }
        case .probeRound:
            round += 1
            for target in instances { context.send(Envelope(serving: .probe(round: round)), to: target) }
            _ = context.setTimer(Envelope(serving: .probeDeadline(round: round)), after: configuration.healthCheckTimeout)
            _ = context.setTimer(Envelope(serving: .probeRound), after: configuration.healthCheckInterval)
        case .probeAnswered(let instance, let answered):
            lastAnswer[instance] = max(lastAnswer[instance], answered)
            if !believedUp[instance] { setHealth(instance, up: true, now: context.now) }
        case .probeDeadline(let deadlineRound):
            for instance in instances.indices where believedUp[instance] && lastAnswer[instance] < deadlineRound {
                setHealth(instance, up: false, now: context.now)
                failOver(from: instance, context: &context)
            }
        case .request, .engineWake, .probe, .instanceFailed, .instanceRestored, .speedFactorChanged, .busyReportDue, .busyFraction,
             .transferKV, .kvArrived, .fabricWake:
            preconditionFailure("router got an instance's message: \(message)")
        }
    }

    // MARK: Requests

    private func arrive(prompt: Int32, output: Int32, cached: Int32, group: Int, context: inout SimContext<Envelope>) {
        metrics.arrived += 1
        guard inFlight < configuration.maxOutstanding else { metrics.rejected[.queueFull, default: 0] += 1; return }
        guard let instance = choose(group: group, pool: 0) else { metrics.rejected[.noHealthyInstance, default: 0] += 1; return }
        accountTime(now: context.now)
        let slot = freeSlots.popLast() ?? Int32(pending.count)
        let generation = Int(slot) < pending.count ? pending[Int(slot)].generation &+ 1 : 0
        let id = requestID(slot: slot, generation: generation)
        let entry = PendingRequest(
            request: InferenceRequest(id: id, promptTokens: prompt, outputTokens: output, cachedPromptTokens: cached, arrival: context.now),
            group: group, instance: instance, retries: 0, generation: generation, live: true)
        if Int(slot) < pending.count { pending[Int(slot)] = entry } else { pending.append(entry) }
        inFlight += 1
        dispatch(slot, to: instance, context: &context)
    }

    private func dispatch(_ slot: Int32, to instance: Int, context: inout SimContext<Envelope>) {
        pending[Int(slot)].instance = instance
        changeOutstanding(of: instance, by: 1)
        context.send(Envelope(serving: .request(pending[Int(slot)].request)), to: instances[instance])
    }

    /// A prefilled request moves to a decode instance: its KV cache goes over the fabric.
    private func handOff(_ slot: Int32, _ handoff: KVHandoff, from prefill: Int, context: inout SimContext<Envelope>) {
        guard let decode = choose(group: pending[Int(slot)].group, pool: 1) else {
            metrics.failed[.noHealthyInstance, default: 0] += 1
            release(slot, now: context.now)
            return
        }
        changeOutstanding(of: prefill, by: -1)
        pending[Int(slot)].instance = decode
        changeOutstanding(of: decode, by: 1)
        if let transfers {
            let transfer = KVTransfer(handoff: handoff, source: instances[prefill], destination: instances[decode])
            context.send(Envelope(serving: .transferKV(transfer)), to: transfers)
        } else {
            context.send(Envelope(serving: .kvArrived(handoff)), to: instances[decode])
        }
    }

    /// A request's id: its slot in the low half, the slot's generation in the high half.
    private func requestID(slot: Int32, generation: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: slot)) | UInt64(generation) << 32
    }

    private func slot(of id: UInt64, instance: Int) -> Int32? {
        let slot = Int32(truncatingIfNeeded: id & 0xFFFF_FFFF)
        guard slot >= 0, Int(slot) < pending.count else { return nil }
        let entry = pending[Int(slot)]
        guard entry.live, entry.generation == UInt32(id >> 32), entry.instance == instance else { return nil }
        return slot
    }

    private func release(_ slot: Int32, now: SimTime) {
        accountTime(now: now)
        changeOutstanding(of: pending[Int(slot)].instance, by: -1)
        pending[Int(slot)].live = false
        freeSlots.append(slot)
        inFlight -= 1
    }

    private func accountTime(now: SimTime) {
        metrics.requestSeconds += Double(inFlight) * (now - lastChange).seconds
        lastChange = now
    }

    /// Brings the time integral of requests in the system up to `now` (call before reading
    /// `metrics.requestSeconds` at the end of a run).
    public func closeAccounts(at now: SimTime) { accountTime(now: now) }

    /// Re-sends the requests of a failed instance elsewhere (prefill redone), or fails them.
    private func failOver(from failed: Int, context: inout SimContext<Envelope>) {
        for index in pending.indices where pending[index].live && pending[index].instance == failed {
            let slot = Int32(index)
            if pending[index].retries >= configuration.maxRetries {
                metrics.failed[.retriesExhausted, default: 0] += 1
                release(slot, now: context.now)
            } else if let target = choose(group: pending[index].group, pool: 0) {
                changeOutstanding(of: failed, by: -1)
                pending[index].retries += 1
                // A new identity, so anything the failed instance (or a transfer to it) still
                // sends about the old attempt is recognised as stale.
                pending[index].generation &+= 1
                pending[index].request.id = requestID(slot: slot, generation: pending[index].generation)
                metrics.retried += 1
                dispatch(slot, to: target, context: &context)
            } else {
                metrics.failed[.noHealthyInstance, default: 0] += 1
                release(slot, now: context.now)
            }
        }
    }

    private func pool(of instance: Int) -> Int { poolRanges.count > 1 && instance >= poolRanges[1].lowerBound ? 1 : 0 }

    private func changeOutstanding(of instance: Int, by delta: Int) {
        let pool = pool(of: instance)
        if believedUp[instance] { load[pool].remove(instance, count: outstanding[instance]) }
        outstanding[instance] += delta
        poolOutstanding[pool] += delta
        if believedUp[instance] { load[pool].insert(instance, count: outstanding[instance]) }
    }

    private func setHealth(_ instance: Int, up: Bool, now: SimTime) {
        let pool = pool(of: instance)
        if up {
            load[pool].insert(instance, count: outstanding[instance])
        } else {
            load[pool].remove(instance, count: outstanding[instance])
        }
        believedUp[instance] = up
        healthy[pool] = poolRanges[pool].filter { believedUp[$0] }
        healthChanges.append(HealthChange(time: now, instance: instance, up: up))
    }

    // MARK: Policies

    /// An instance of `pool` (0: unified or prefill, 1: decode) by the policy; prefix-aware
    /// routing applies where prompts are prefilled (decode has no prefix to keep warm).
    private func choose(group: Int, pool: Int) -> Int? {
        let healthy = healthy[pool]
        guard !healthy.isEmpty else { return nil }
        switch configuration.policy {
        case .roundRobin:
            cursor[pool] = (cursor[pool] + 1) % healthy.count
            return healthy[cursor[pool]]
        case .leastOutstanding:
            return leastOutstanding(pool: pool)
        case .powerOfTwoChoices:
            let first = healthy[choices.index(below: healthy.count)]
            let second = healthy[choices.index(below: healthy.count)]
            return outstanding[second] < outstanding[first] ? second : first
        case .prefixAware:
            guard pool == 0 else { return leastOutstanding(pool: pool) }
            let home = healthy[group % healthy.count]
            let mean = Double(poolOutstanding[pool]) / Double(healthy.count)
            return Double(outstanding[home]) > 2 * mean + 1 ? leastOutstanding(pool: pool) : home
        }
    }

    /// The least-loaded healthy instance of a pool, in O(1).
    private func leastOutstanding(pool: Int) -> Int { load[pool].least()! }
}

/// Instances grouped by their outstanding-request count, so the least loaded is found in O(1)
/// and a ±1 change costs O(1) (counts only move by one, so the minimum moves by at most one
/// per change, and the scan for it is amortised). Ties go to the instance that joined its
/// bucket last, which is deterministic.
struct LoadBuckets {
    private var buckets: [[Int]] = []
    private var position: [Int] = []
    private var minimum = 0
    private var members = 0

    mutating func insert(_ instance: Int, count: Int) {
        while buckets.count <= count { buckets.append([]) }
        while position.count <= instance { position.append(-1) }
        position[instance] = buckets[count].count
        buckets[count].append(instance)
        members += 1
        minimum = min(minimum, count)
    }

    mutating func remove(_ instance: Int, count: Int) {
        let index = position[instance]
        let last = buckets[count].removeLast()
        if last != instance {
            buckets[count][index] = last
            position[last] = index
        }
        position[instance] = -1
        members -= 1
    }

    mutating func least() -> Int? {
        guard members > 0 else { return nil }
        while buckets[minimum].isEmpty { minimum += 1 }
        return buckets[minimum].last
    }
}
