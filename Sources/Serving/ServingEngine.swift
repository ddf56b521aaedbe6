public import Compute
public import SimKernel
internal import DequeModule
internal import HeapModule

/// How an engine decides that a waiting request fits its KV cache.
public enum AdmissionPolicy: String, Sendable, Equatable, CaseIterable {
    /// Reserve the prompt and every output token up front; never preempt (TensorRT-LLM's
    /// default GUARANTEED_NO_EVICT capacity scheduler).
    case guaranteedNoEvict = "guaranteed_no_evict"
    /// Reserve the prompt only; when decoding growth overflows the cache, preempt the
    /// latest-admitted sequence and recompute it later (vLLM).
    case optimistic
}

/// Limits of a continuous-batching engine (vLLM / TensorRT-LLM style).
public struct EngineConfiguration: Sendable, Equatable {
    public var admission: AdmissionPolicy
    /// Sequences in the batch at once (prefilling and decoding).
    public var maxSequences: Int
    /// Tokens per iteration: one per decoding sequence plus the prefill chunk.
    public var tokenBudget: Int
    /// Paged-KV block size in tokens; each sequence is charged one block of slack.
    public var kvBlockTokens: Int
    /// Share of the HBM left after weights and activations that the KV cache takes.
    public var kvCacheFreeMemoryFraction: Double
    /// HBM kept per GPU for activations and workspace, in bytes.
    public var activationReserveBytes: Double

    /// Defaults as fitted with `EngineProfile.tensorRTLLM2025`: 512 sequences and 2,048 tokens
    /// per iteration (TensorRT-LLM's max_batch_size / max_num_tokens range), 16-token blocks
    /// (vLLM's default), 90% of the free memory for KV (TensorRT-LLM's
    /// kv_cache_free_gpu_mem_fraction default), 3 GB of activations per GPU [engineering estimate].
    public init(admission: AdmissionPolicy = .guaranteedNoEvict, maxSequences: Int = 512, tokenBudget: Int = 2_048,
                kvBlockTokens: Int = 16, kvCacheFreeMemoryFraction: Double = 0.9, activationReserveBytes: Double = 2e9) {
        self.admission = admission
        self.maxSequences = maxSequences
        self.tokenBudget = tokenBudget
        self.kvBlockTokens = kvBlockTokens
        self.kvCacheFreeMemoryFraction = kvCacheFreeMemoryFraction
        self.activationReserveBytes = activationReserveBytes
    }
}

/// Running totals of an engine, for utilisation and batch metrics.
public struct EngineStatistics: Sendable, Equatable {
    /// Engine iterations completed.
    public var iterations: Int64 = 0
    /// Planned stretches of iterations (each one or two kernel events).
    public var segments: Int64 = 0
    /// Time spent iterating.
    public var busy: SimDuration = .zero
    /// Integral of the decoding batch size over busy time, in sequence-seconds.
    public var batchSequenceSeconds: Double = 0
    public var preemptions: Int64 = 0
    public var completed: Int64 = 0
    /// Requests prefilled and handed off to a decode replica (prefill role).
    public var handedOff: Int64 = 0
    public var outputTokens: Int64 = 0
    public var promptTokensComputed: Int64 = 0
    /// Largest KV use seen at a segment boundary, in tokens.
    public var peakKVTokens: Int64 = 0
}

/// One model replica's continuous-batching engine as an exact, event-skipping state machine.
///
/// Iterations are not simulated one by one. While the batch is unchanged (only decoding, no
/// arrival to admit), the time of the m-th iteration boundary has a closed form, because
/// each iteration costs `F + c × S` and the context sum S grows by the batch size each
/// iteration. The engine therefore plans a *segment* up to the next change (a sequence
/// finishing, the KV cache filling up, or a prefill iteration) and the caller wakes it once
/// at its end. Work per wake-up is O(changes × log batch): decoding sequences sit in a heap
/// keyed by the iteration they finish in, and context lengths are kept as one running sum.
///
/// Semantics: an iteration decodes one token for every decoding sequence and prefills a
/// chunk of at most `tokenBudget − decoding` prompt tokens (FCFS, a prompt may span
/// iterations). A prompt's last chunk yields its first token at the end of that iteration.
/// Requests are admitted FCFS at iteration boundaries when a batch slot is free and the KV
/// cache holds their context plus one block; when decoding growth would overflow the cache,
/// the most recently admitted sequence is preempted and recomputed later (vLLM's policy).
/// What a replica does with a request: everything, or one side of prefill/decode disaggregation.
public enum EngineRole: String, Sendable, Equatable, CaseIterable {
    /// Prefill and decode on the same replica.
    case unified
    /// Prefill only: a prompt's first token is sampled here, then its KV cache is handed off
    /// to a decode replica (`ServingEngine.takeHandoffs()`); only the prompt's KV is reserved.
    case prefill
    /// Decode only: requests arrive with their prompt's KV cache and first token
    /// (`ServingEngine.submitTransferred(_:now:)`) and join the decoding batch directly.
    case decode
}

/// A request whose prompt was prefilled on one replica, on its way to another to decode.
public struct KVHandoff: Sendable, Equatable {
    public var request: InferenceRequest
    /// When the prefill replica first admitted the request.
    public var admitted: SimTime
    public var firstToken: SimTime
    public var preemptions: Int32
    /// Size of the KV cache to move (prompt plus the first token, every layer), in bytes.
    public var kvBytes: Double

    public init(request: InferenceRequest, admitted: SimTime, firstToken: SimTime, preemptions: Int32, kvBytes: Double) {
        self.request = request
        self.admitted = admitted
        self.firstToken = firstToken
        self.preemptions = preemptions
        self.kvBytes = kvBytes
    }
}

/// A stretch of iterations an engine ran without a change in its batch.
public struct EngineStretch: Sendable, Equatable {
    public var start: SimTime
    public var end: SimTime
    public var iterations: Int64
    public var decoding: Int
    public var prefills: Bool
}

public struct ServingEngine: Sendable {
    public let performance: PerformanceModel
    public let configuration: EngineConfiguration
    public let role: EngineRole
    /// KV capacity of the replica, in tokens.
    public let kvCapacityTokens: Int64
    public private(set) var statistics = EngineStatistics()
    /// Node speed from the facility (1 = full speed); applies from the next iteration boundary.
    public private(set) var speedFactor: Double = 1

    enum SequenceState: UInt8 { case free, waiting, prefilling, decoding }

    struct Sequence {
        var request: InferenceRequest
        var state: SequenceState = .waiting
        /// Tokens whose KV must exist before the next token: prompt plus tokens generated.
        var contextTarget: Int32
        /// Of `contextTarget`, tokens whose KV is present (prefix cache or prefill chunks).
        var computed: Int32
        var generated: Int32 = 0
        /// Unique per admission, so heap entries of an earlier admission are recognisably stale.
        var order: UInt64 = 0
        var admitted: SimTime = .distantFuture
        var firstToken: SimTime = .distantFuture
        var preemptions: Int32 = 0
        /// Context length minus the engine's iteration count, fixed while decoding.
        var contextOffset: Int64 = 0
        /// The iteration count at which the last token is out.
        var finishIteration: Int64 = 0
        /// KV tokens reserved at admission under `.guaranteedNoEvict`.
        var reservation: Int64 = 0
    }

    struct FinishEntry: Comparable {
        var iteration: Int64
        var order: UInt64
        var slot: Int32
        static func < (a: Self, b: Self) -> Bool { (a.iteration, a.order) < (b.iteration, b.order) }
    }

    struct AdmissionEntry: Comparable {
        var order: UInt64
        var slot: Int32
        static func < (a: Self, b: Self) -> Bool { a.order < b.order }
    }

    /// A planned stretch of `iterations` iterations from `start` with a fixed batch.
    struct Segment {
        var start: SimTime
        var iterations: Int64
        var cost: IterationCost
        var contextTokensAtStart: Double
        var decoding: Int
        var speedFactor: Double
        /// The first (and only) iteration prefills `chunk`.
        var prefills: Bool
        var end: SimTime
    }

    var sequences: [Sequence] = []
    var freeSlots: [Int32] = []
    var waiting = Deque<Int32>()
    var prefilling = Deque<Int32>()
    var finishing = Heap<FinishEntry>()
    var admissionOrder = Heap<AdmissionEntry>()
    var chunk: [(slot: Int32, tokens: Int32)] = []
    var iteration: Int64 = 0
    var decoding = 0
    var decodingOffsetSum: Int64 = 0
    var prefillReservedTokens: Int64 = 0
    /// Under `.guaranteedNoEvict`: KV promised to admitted sequences for their whole life.
    var lifetimeReservedTokens: Int64 = 0
    var nextOrder: UInt64 = 0
    var segment: Segment?
    /// Prefilled requests waiting to be collected by `takeHandoffs()` (prefill role).
    var handoffs: [KVHandoff] = []

    public init(performance: PerformanceModel, configuration: EngineConfiguration = .init(), role: EngineRole = .unified) {
        self.performance = performance
        self.configuration = configuration
        self.role = role
        let capacity = performance.kvCapacityTokens(
            freeMemoryFraction: configuration.kvCacheFreeMemoryFraction, activationReserveBytes: configuration.activationReserveBytes)
        kvCapacityTokens = Int64(max(0, capacity.rounded(.down)))
    }

    /// The stretch of iterations running now, for traces: start, end, iterations, decoding
    /// batch, and whether it is a prefill iteration.
    public var runningStretch: EngineStretch? {
        segment.map { EngineStretch(start: $0.start, end: $0.end, iterations: $0.iterations, decoding: $0.decoding, prefills: $0.prefills) }
    }

    /// When the engine next needs `wake(now:completions:)`; nil while idle.
    public var nextWake: SimTime? { segment?.end }

    /// Time spent running iterations up to `now`, counting the running stretch so far.
    public func busyTime(at now: SimTime) -> SimDuration {
        guard let current = segment, now > current.start else { return statistics.busy }
        return statistics.busy + (min(now, current.end) - current.start)
    }

    /// Requests held: waiting, prefilling or decoding.
    public var requestsHeld: Int { sequences.count - freeSlots.count }

    /// KV tokens in use: decoding contexts, prefill reservations and one block per sequence.
    public var kvTokensUsed: Int64 {
        decodingOffsetSum + Int64(decoding) * (iteration + Int64(configuration.kvBlockTokens)) + prefillReservedTokens
    }

    /// Takes a request; false if it can never fit this replica's KV cache.
    public mutating func submit(_ request: InferenceRequest, now: SimTime) -> Bool {
        precondition(role != .decode, "a decode replica takes transferred requests only")
        var request = request
        guard request.promptTokens > 0, request.outputTokens > 0, fits(request) else { return false }
        request.cachedPromptTokens = max(0, min(request.cachedPromptTokens, request.promptTokens - 1))
        enqueue(Sequence(request: request, contextTarget: request.promptTokens, computed: request.cachedPromptTokens), now: now)
        return true
    }

    /// Takes a request prefilled elsewhere, with its KV cache and first token (decode role);
    /// false if it can never fit this replica's KV cache.
    public mutating func submitTransferred(_ handoff: KVHandoff, now: SimTime) -> Bool {
        precondition(role == .decode, "only a decode replica takes transferred requests")
        let request = handoff.request
        guard request.promptTokens > 0, request.outputTokens > 1, fits(request) else { return false }
        let context = request.promptTokens + 1
        enqueue(Sequence(request: request, contextTarget: context, computed: context, generated: 1,
                         admitted: handoff.admitted, firstToken: handoff.firstToken, preemptions: handoff.preemptions),
                now: now)
        return true
    }

    /// Prefilled requests since the last call, in the order their prompts completed (prefill role).
    public mutating func takeHandoffs() -> [KVHandoff] {
        guard !handoffs.isEmpty else { return [] }
        defer { handoffs.removeAll(keepingCapacity: true) }
        return handoffs
    }

    /// KV tokens a request can need here over its life: its prompt, its answer unless a decode
    /// replica takes that, and a block of slack.
    private func lifetimeTokens(of request: InferenceRequest) -> Int64 {
        let output = role == .prefill ? 0 : Int64(request.outputTokens)
        return Int64(request.promptTokens) + output + Int64(configuration.kvBlockTokens)
    }

    private func fits(_ request: InferenceRequest) -> Bool { lifetimeTokens(of: request) + 1 <= kvCapacityTokens }

    private mutating func enqueue(_ sequence: Sequence, now: SimTime) {
        let wasWaiting = !waiting.isEmpty
        let slot = allocate(sequence)
        waiting.append(slot)
        if segment == nil {
            plan(now: now)
        } else if !wasWaiting {
            cutForAdmission(of: slot, now: now)
        }
    }

    /// Ends the current segment (its end must be `now`), reports finished requests and plans
    /// the next segment.
    public mutating func wake(now: SimTime, completions: inout [RequestCompletion]) {
        guard let current = segment, current.end == now else { preconditionFailure("engine woken at \(now) off its segment end") }
        settle(current, now: now, completions: &completions)
        plan(now: now)
    }

    /// Sets the node speed factor; a running stretch stops at its next iteration boundary so
    /// the new speed applies from there.
    public mutating func setSpeedFactor(_ factor: Double, now: SimTime) {
        precondition(factor > 0, "speed factor must be positive")
        speedFactor = factor
        if let current = segment, !current.prefills {
            cut(at: boundaryIndex(atOrAfter: now, in: current))
        }
    }

    /// Drops everything (the replica's GPUs are gone); the router, which keeps its own record
    /// of what it sent, retries the lost requests.
    public mutating func fail() {
        let keptStatistics = statistics
        let speed = speedFactor
        self = ServingEngine(performance: performance, configuration: configuration, role: role)
        statistics = keptStatistics
        speedFactor = speed
    }

    // MARK: Planning

    private mutating func plan(now: SimTime) {
        while true {
            var budget = configuration.tokenBudget - decoding
            var prefillTokens = 0
            var pairs = 0.0
            chunk.removeAll(keepingCapacity: true)
            for slot in prefilling where budget > 0 {
                takeChunk(slot: slot, budget: &budget, tokens: &prefillTokens, pairs: &pairs)
            }
            while budget > 0, let slot = waiting.first, canAdmit(slot, extraDecodeGrowth: 0) {
                waiting.removeFirst()
                admit(slot, now: now)
                if sequences[Int(slot)].state == .decoding {
                    budget -= 1  // arrived with its KV: it decodes in this iteration
                } else {
                    takeChunk(slot: slot, budget: &budget, tokens: &prefillTokens, pairs: &pairs)
                }
            }
            if decoding > 0 && kvTokensUsed + Int64(decoding) > kvCapacityTokens {
                preemptLatest()
                continue
            }
            let contextTokens = Double(decodingOffsetSum + Int64(decoding) * iteration)
            if prefillTokens > 0 {
                let cost = performance.iterationCost(
                    decodingSequences: decoding, prefillTokens: prefillTokens, prefillAttentionPairs: pairs)
                start(Segment(start: now, iterations: 1, cost: cost, contextTokensAtStart: contextTokens, decoding: decoding,
                              speedFactor: speedFactor, prefills: true, end: now))
            } else if decoding > 0 {
                let untilFinish = nextFinishIteration() - iteration
                let untilFull = (kvCapacityTokens - kvTokensUsed) / Int64(decoding)
                start(Segment(start: now, iterations: min(untilFinish, untilFull), cost: performance.decodeCost(sequences: decoding),
                              contextTokensAtStart: contextTokens, decoding: decoding, speedFactor: speedFactor,
                              prefills: false, end: now))
            } else {
                segment = nil
            }
            return
        }
    }

    private mutating func start(_ planned: Segment) {
        var planned = planned
        planned.end = planned.start + offset(of: planned.iterations, in: planned)
        segment = planned
        statistics.segments += 1
        statistics.peakKVTokens = max(statistics.peakKVTokens, kvTokensUsed)
    }

    private func canAdmit(_ slot: Int32, extraDecodeGrowth: Int64) -> Bool {
        guard decoding + prefilling.count < configuration.maxSequences else { return false }
        if configuration.admission == .guaranteedNoEvict {
            return lifetimeReservedTokens + lifetimeNeed(of: slot) <= kvCapacityTokens
        }
        let need = Int64(sequences[Int(slot)].contextTarget) + Int64(configuration.kvBlockTokens)
        return kvTokensUsed + extraDecodeGrowth + need + Int64(decoding + 1) <= kvCapacityTokens
    }

    private func lifetimeNeed(of slot: Int32) -> Int64 { lifetimeTokens(of: sequences[Int(slot)].request) }

    private mutating func admit(_ slot: Int32, now: SimTime) {
        if configuration.admission == .guaranteedNoEvict {
            sequences[Int(slot)].reservation = lifetimeNeed(of: slot)
            lifetimeReservedTokens += sequences[Int(slot)].reservation
        }
        nextOrder += 1
        sequences[Int(slot)].order = nextOrder
        if sequences[Int(slot)].admitted == .distantFuture { sequences[Int(slot)].admitted = now }
        if sequences[Int(slot)].computed == sequences[Int(slot)].contextTarget {
            startDecoding(Int(slot))  // its KV came with it
            return
        }
        sequences[Int(slot)].state = .prefilling
        prefillReservedTokens += Int64(sequences[Int(slot)].contextTarget) + Int64(configuration.kvBlockTokens)
        prefilling.append(slot)
    }

    private mutating func takeChunk(slot: Int32, budget: inout Int, tokens: inout Int, pairs: inout Double) {
        let sequence = sequences[Int(slot)]
        let take = min(Int(sequence.contextTarget - sequence.computed), budget)
        guard take > 0 else { return }
        chunk.append((slot, Int32(take)))
        budget -= take
        tokens += take
        pairs += PerformanceModel.attentionPairs(tokens: take, prefix: Int(sequence.computed))
    }

    private mutating func nextFinishIteration() -> Int64 {
        while let top = finishing.min {
            if isCurrent(slot: top.slot, order: top.order) { return top.iteration }
            _ = finishing.popMin()
        }
        preconditionFailure("decoding sequences without a finish entry")
    }

    private func isCurrent(slot: Int32, order: UInt64) -> Bool {
        let sequence = sequences[Int(slot)]
        return sequence.state == .decoding && sequence.order == order
    }

    /// Recompute policy: the latest-admitted decoding sequence gives back its KV and goes to
    /// the front of the queue with its generated tokens appended to its prompt.
    private mutating func preemptLatest() {
        while let top = admissionOrder.popMax() {
            guard isCurrent(slot: top.slot, order: top.order) else { continue }
            let slot = Int(top.slot)
            leaveDecoding(slot)
            let remaining = sequences[slot].finishIteration - iteration
            sequences[slot].generated = sequences[slot].request.outputTokens - Int32(remaining)
            sequences[slot].contextTarget = sequences[slot].request.promptTokens + sequences[slot].generated
            sequences[slot].computed = 0
            sequences[slot].preemptions += 1
            sequences[slot].state = .waiting
            waiting.prepend(top.slot)
            statistics.preemptions += 1
            return
        }
        preconditionFailure("KV cache full with no decoding sequence to preempt")
    }

    private mutating func leaveDecoding(_ slot: Int) {
        decoding -= 1
        decodingOffsetSum -= sequences[slot].contextOffset
    }

    // MARK: Segments in closed form

    /// Time from a segment's start to the end of its m-th iteration:
    /// Σ_{j<m} (F + c (S0 + n j)) / speed = (m (F + c S0) + c n m (m−1) / 2) / speed.
    private func offset(of m: Int64, in segment: Segment) -> SimDuration {
        let iterations = Double(m)
        let perIteration = segment.cost.fixedSeconds + segment.cost.secondsPerContextToken * segment.contextTokensAtStart
        let growth = segment.cost.secondsPerContextToken * Double(segment.decoding) * iterations * (iterations - 1) / 2
        return .seconds((iterations * perIteration + growth) / segment.speedFactor)
    }

    /// The first iteration boundary of `segment` at or after `now` (at least 1, at most the plan).
    private func boundaryIndex(atOrAfter now: SimTime, in segment: Segment) -> Int64 {
        let target = (now - segment.start).seconds * segment.speedFactor
        let a = segment.cost.secondsPerContextToken * Double(segment.decoding) / 2
        let b = segment.cost.fixedSeconds + segment.cost.secondsPerContextToken * segment.contextTokensAtStart - a
        let root = a > 0 ? (-b + (b * b + 4 * a * target).squareRoot()) / (2 * a) : target / b
        var m = min(segment.iterations, max(1, Int64(root.rounded(.up))))
        while m > 1 && segment.start + offset(of: m - 1, in: segment) >= now { m -= 1 }
        while m < segment.iterations && segment.start + offset(of: m, in: segment) < now { m += 1 }
        return m
    }

    private mutating func cut(at iterations: Int64) {
        guard var current = segment, iterations < current.iterations else { return }
        current.iterations = iterations
        current.end = current.start + offset(of: iterations, in: current)
        segment = current
    }

    /// An arrival during a decode stretch joins at the next boundary if it could be admitted there.
    private mutating func cutForAdmission(of slot: Int32, now: SimTime) {
        guard let current = segment, !current.prefills else { return }
        let m = boundaryIndex(atOrAfter: now, in: current)
        if canAdmit(slot, extraDecodeGrowth: Int64(decoding) * m) { cut(at: m) }
    }

    private mutating func settle(_ finished: Segment, now: SimTime, completions: inout [RequestCompletion]) {
        let duration = finished.end - finished.start
        statistics.busy += duration
        statistics.iterations += finished.iterations
        statistics.batchSequenceSeconds += Double(finished.decoding) * duration.seconds
        statistics.outputTokens += Int64(finished.decoding) * finished.iterations
        iteration += finished.iterations
        segment = nil

        while let top = finishing.min, top.iteration <= iteration {
            _ = finishing.popMin()
            guard isCurrent(slot: top.slot, order: top.order) else { continue }
            precondition(top.iteration == iteration, "a sequence finished inside a segment")
            leaveDecoding(Int(top.slot))
            sequences[Int(top.slot)].generated = sequences[Int(top.slot)].request.outputTokens
            complete(Int(top.slot), now: now, completions: &completions)
        }
        if finished.prefills { applyPrefillChunk(now: now, completions: &completions) }
        compactHeapsIfStale()
    }

    /// The prompts whose last chunk ran have their first token and join the decoding batch.
    private mutating func applyPrefillChunk(now: SimTime, completions: inout [RequestCompletion]) {
        for (slot, tokens) in chunk {
            let s = Int(slot)
            sequences[s].computed += tokens
            statistics.promptTokensComputed += Int64(tokens)
            guard sequences[s].computed == sequences[s].contextTarget else { continue }
            // The prompt is in: this iteration's sampling produced the next token.
            prefilling.removeFirst()  // FCFS: only the head can complete a prompt
            prefillReservedTokens -= Int64(sequences[s].contextTarget) + Int64(configuration.kvBlockTokens)
            sequences[s].generated += 1
            statistics.outputTokens += 1
            if sequences[s].firstToken == .distantFuture { sequences[s].firstToken = now }
            if sequences[s].generated == sequences[s].request.outputTokens {
                complete(s, now: now, completions: &completions)
            } else if role == .prefill {
                handOff(s)
            } else {
                startDecoding(s)
            }
        }
    }

    /// A sequence whose context is all in the cache joins the decoding batch.
    private mutating func startDecoding(_ s: Int) {
        let context = Int64(sequences[s].request.promptTokens) + Int64(sequences[s].generated)
        sequences[s].state = .decoding
        sequences[s].contextOffset = context - iteration
        sequences[s].finishIteration = iteration + Int64(sequences[s].request.outputTokens - sequences[s].generated)
        decoding += 1
        decodingOffsetSum += sequences[s].contextOffset
        finishing.insert(FinishEntry(iteration: sequences[s].finishIteration, order: sequences[s].order, slot: Int32(s)))
        admissionOrder.insert(AdmissionEntry(order: sequences[s].order, slot: Int32(s)))
    }

    /// A prefilled sequence leaves for a decode replica; its KV is freed here once handed off
    /// (the time it stays in HBM during the transfer is not charged).
    private mutating func handOff(_ s: Int) {
        let sequence = sequences[s]
        let tokens = Double(sequence.request.promptTokens) + 1
        handoffs.append(KVHandoff(request: sequence.request, admitted: sequence.admitted, firstToken: sequence.firstToken,
                                  preemptions: sequence.preemptions,
                                  kvBytes: tokens * performance.model.kvBytesPerToken(performance.layout.kvPrecision)))
        statistics.handedOff += 1
        release(s)
    }

    private mutating func complete(_ slot: Int, now: SimTime, completions: inout [RequestCompletion]) {
        let sequence = sequences[slot]
        completions.append(RequestCompletion(
            id: sequence.request.id, arrival: sequence.request.arrival, admitted: sequence.admitted,
            firstToken: sequence.firstToken, finished: now, promptTokens: sequence.request.promptTokens,
            outputTokens: sequence.request.outputTokens, preemptions: sequence.preemptions))
        statistics.completed += 1
        release(slot)
    }

    private mutating func release(_ slot: Int) {
        lifetimeReservedTokens -= sequences[slot].reservation
        sequences[slot].state = .free
        freeSlots.append(Int32(slot))
    }

    /// Stale heap entries (finished or preempted sequences) are dropped lazily; rebuild when
    /// they outnumber live ones so the heaps stay O(batch).
    private mutating func compactHeapsIfStale() {
        let limit = 2 * decoding + 64
        if finishing.count > limit {
            finishing = Heap(finishing.unordered.filter { isCurrent(slot: $0.slot, order: $0.order) })
        }
        if admissionOrder.count > limit {
            admissionOrder = Heap(admissionOrder.unordered.filter { isCurrent(slot: $0.slot, order: $0.order) })
        }
    }

    private mutating func allocate(_ sequence: Sequence) -> Int32 {
        if let slot = freeSlots.popLast() {
            sequences[Int(slot)] = sequence
            return slot
        }
        sequences.append(sequence)
        return Int32(sequences.count - 1)
    }
}
