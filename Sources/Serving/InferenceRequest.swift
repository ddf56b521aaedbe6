public import SimKernel

/// One request as a serving instance sees it: a prompt to prefill and tokens to generate.
public struct InferenceRequest: Sendable, Equatable {
    /// Unique within its workload; the router's handle for retries.
    public var id: UInt64
    public var promptTokens: Int32
    public var outputTokens: Int32
    /// Leading prompt tokens found in the prefix cache: they need KV space but no prefill.
    public var cachedPromptTokens: Int32
    /// When the request reached the router (not this instance): latencies count from here.
    public var arrival: SimTime

    public init(id: UInt64, promptTokens: Int32, outputTokens: Int32, cachedPromptTokens: Int32 = 0, arrival: SimTime) {
        self.id = id
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.arrival = arrival
    }
}

/// What an instance reports when a request's last token is out.
public struct RequestCompletion: Sendable, Equatable {
    public var id: UInt64
    public var arrival: SimTime
    /// When the instance first admitted the request into its batch.
    public var admitted: SimTime
    public var firstToken: SimTime
    public var finished: SimTime
    public var promptTokens: Int32
    public var outputTokens: Int32
    /// Times the request lost its KV cache and was recomputed.
    public var preemptions: Int32

    public var timeToFirstToken: SimDuration { firstToken - arrival }
    public var endToEnd: SimDuration { finished - arrival }
    public var queueing: SimDuration { admitted - arrival }
    /// Mean time between output tokens after the first; zero for one-token outputs.
    public var timePerOutputTokenSeconds: Double {
        outputTokens > 1 ? (finished - firstToken).seconds / Double(outputTokens - 1) : 0
    }
}
