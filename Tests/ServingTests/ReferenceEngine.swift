import Compute
import SimKernel
@testable import Serving

/// A deliberately naive engine for tests: one iteration at a time, every sequence touched on
/// every iteration, the same policy as `ServingEngine` written out longhand. The fast engine
/// must finish every request at the same time (within the nanosecond rounding of its closed
/// forms).
struct ReferenceEngine {
    struct Live {
        var request: InferenceRequest
        var contextTarget: Int
        var computed: Int
        var generated = 0
        var admitted: SimTime?
        var firstToken: SimTime?
        var preemptions = 0
        var order = 0
    }

    let performance: PerformanceModel
    let configuration: EngineConfiguration
    let capacity: Int

    init(performance: PerformanceModel, configuration: EngineConfiguration) {
        self.performance = performance
        self.configuration = configuration
        capacity = Int(ServingEngine(performance: performance, configuration: configuration).kvCapacityTokens)
    }

    /// Runs `arrivals` (sorted by arrival) to completion; returns completions by request id.
    func run(_ arrivals: [InferenceRequest]) -> [UInt64: RequestCompletion] {
        var done: [UInt64: RequestCompletion] = [:]
        var waiting: [Live] = []
        var prefilling: [Live] = []
        var decoding: [Live] = []
        var next = 0
        var order = 0
        var now = SimTime.zero
        var clockSeconds = 0.0  // exact running time, rounded only when compared
        let block = configuration.kvBlockTokens
        var reserved = 0
        func release(_ live: Live) {
            if configuration.admission == .guaranteedNoEvict {
                reserved -= Int(live.request.promptTokens + live.request.outputTokens) + block
            }
        }
        func used() -> Int {
            decoding.reduce(0) { $0 + $1.request.promptTokens.int + $1.generated + block }
                + prefilling.reduce(0) { $0 + $1.contextTarget + block }
        }
        while next < arrivals.count || !waiting.isEmpty || !prefilling.isEmpty || !decoding.isEmpty {
            if waiting.isEmpty && prefilling.isEmpty && decoding.isEmpty {
                now = arrivals[next].arrival
                clockSeconds = now.seconds
            }
            while next < arrivals.count && arrivals[next].arrival <= now {
                var request = arrivals[next]
                request.cachedPromptTokens = max(0, min(request.cachedPromptTokens, request.promptTokens - 1))
                waiting.append(Live(request: request, contextTarget: Int(request.promptTokens),
                                    computed: Int(request.cachedPromptTokens)))
                next += 1
            }
            // Plan one iteration.
            var chunk: [(Int, Int)] = []
            var budget = 0, tokens = 0, pairs = 0.0
            while true {
                chunk = []
                budget = configuration.tokenBudget - decoding.count
                tokens = 0
                pairs = 0
                for index in prefilling.indices where budget > 0 {
                    let take = min(prefilling[index].contextTarget - prefilling[index].computed, budget)
                    if take > 0 {
                        chunk.append((index, take)); budget -= take; tokens += take
                        pairs += PerformanceModel.attentionPairs(tokens: take, prefix: prefilling[index].computed)
                    }
                }
                while budget > 0, let head = waiting.first,
                      decoding.count + prefilling.count < configuration.maxSequences,
                      configuration.admission == .guaranteedNoEvict
                          ? reserved + Int(head.request.promptTokens + head.request.outputTokens) + block <= capacity
                          : used() + head.contextTarget + block + decoding.count + 1 <= capacity {
                    var admitted = waiting.removeFirst()
                    if configuration.admission == .guaranteedNoEvict {
                        reserved += Int(admitted.request.promptTokens + admitted.request.outputTokens) + block
                    }
                    order += 1
                    admitted.order = order
                    if admitted.admitted == nil { admitted.admitted = now }
                    prefilling.append(admitted)
                    let index = prefilling.count - 1
                    let take = min(admitted.contextTarget - admitted.computed, budget)
                    chunk.append((index, take)); budget -= take; tokens += take
                    pairs += PerformanceModel.attentionPairs(tokens: take, prefix: admitted.computed)
                }
                if !decoding.isEmpty && used() + decoding.count > capacity {
                    let victim = decoding.indices.max { decoding[$0].order < decoding[$1].order }!
                    var preempted = decoding.remove(at: victim)
                    preempted.contextTarget = Int(preempted.request.promptTokens) + preempted.generated
                    preempted.computed = 0
                    preempted.preemptions += 1
                    waiting.insert(preempted, at: 0)
                    continue
                }
                break
            }
            if tokens == 0 && decoding.isEmpty { continue }  // wait for the next arrival
            let context = decoding.reduce(0.0) { $0 + Double(Int($1.request.promptTokens) + $1.generated) }
            let cost = performance.iterationCost(decodingSequences: decoding.count, prefillTokens: tokens,
                                                 prefillAttentionPairs: pairs)
            clockSeconds += cost.seconds(contextTokens: context)
            now = SimTime.zero + .seconds(clockSeconds)
            // End of the iteration.
            for index in decoding.indices { decoding[index].generated += 1 }
            for finished in decoding where finished.generated == Int(finished.request.outputTokens) {
                done[finished.request.id] = completion(finished, now)
                release(finished)
            }
            decoding.removeAll { $0.generated == Int($0.request.outputTokens) }
            var completedPrefills = 0
            for (index, take) in chunk {
                prefilling[index].computed += take
                if prefilling[index].computed == prefilling[index].contextTarget {
                    completedPrefills += 1
                    var sequence = prefilling[index]
                    sequence.generated += 1
                    if sequence.firstToken == nil { sequence.firstToken = now }
                    if sequence.generated == Int(sequence.request.outputTokens) {
                        done[sequence.request.id] = completion(sequence, now)
                        release(sequence)
                    } else {
                        decoding.append(sequence)
                    }
                }
            }
            prefilling.removeFirst(completedPrefills)
        }
        return done
    }

    private func completion(_ live: Live, _ now: SimTime) -> RequestCompletion {
        RequestCompletion(id: live.request.id, arrival: live.request.arrival, admitted: live.admitted!, firstToken: live.firstToken!,
                          finished: now, promptTokens: live.request.promptTokens, outputTokens: live.request.outputTokens,
                          preemptions: Int32(live.preemptions))
    }
}

extension Int32 {
    var int: Int { Int(self) }
}

/// Drives a `ServingEngine` without the kernel: arrivals in order, wake-ups when due.
func runEngine(_ engine: inout ServingEngine, _ arrivals: [InferenceRequest]) -> [UInt64: RequestCompletion] {
    var done: [UInt64: RequestCompletion] = [:]
    var completions: [RequestCompletion] = []
    var next = 0
    while true {
        let wake = engine.nextWake
        if next < arrivals.count && (wake == nil || arrivals[next].arrival < wake!) {
            precondition(engine.submit(arrivals[next], now: arrivals[next].arrival), "request refused")
            next += 1
        } else if let wake {
            completions.removeAll()
            engine.wake(now: wake, completions: &completions)
            for completion in completions { done[completion.id] = completion }
        } else {
            return done
        }
    }
}
