/// What a serving software stack achieves on a GPU, as fractions of the hardware's peaks.
///
/// The per-iteration model (`PerformanceModel`) is a roofline without overlap: GEMM compute
/// plus weight streaming plus KV reads plus collectives plus a fixed overhead. These fractions
/// are fitted to published throughput; each profile names the table it was fitted to.
public struct EngineProfile: Sendable, Equatable {
    public var name: String
    /// Fraction of dense peak FLOP/s reached by the GEMMs (prefill and decode tokens alike).
    public var gemmComputeEfficiency: Double
    /// Fraction of HBM bandwidth reached while streaming weights.
    public var weightStreamEfficiency: Double
    /// Fraction of HBM bandwidth reached while attention reads the KV cache.
    public var kvReadEfficiency: Double
    /// Scheduling, sampling and kernel launches per engine iteration, in seconds.
    public var iterationOverheadSeconds: Double
    /// Fraction of NVLink or NIC bandwidth reached by collectives.
    public var interconnectEfficiency: Double
    /// Start-up latency of one collective (all-reduce or all-to-all), in seconds.
    public var collectiveLatencySeconds: Double

    public init(name: String, gemmComputeEfficiency: Double, weightStreamEfficiency: Double, kvReadEfficiency: Double,
                iterationOverheadSeconds: Double, interconnectEfficiency: Double, collectiveLatencySeconds: Double) {
        self.name = name
        self.gemmComputeEfficiency = gemmComputeEfficiency
        self.weightStreamEfficiency = weightStreamEfficiency
        self.kvReadEfficiency = kvReadEfficiency
        self.iterationOverheadSeconds = iterationOverheadSeconds
        self.interconnectEfficiency = interconnectEfficiency
        self.collectiveLatencySeconds = collectiveLatencySeconds
    }

    /// TensorRT-LLM as in its 2025 performance overview (FP8, maximum throughput; facts:
    /// "Inference calibration targets"). Fitted by minimax over the 14 rows for Llama-3.1-8B,
    /// Llama-3.3-70B and Llama-3.1-405B on H100/H200 (steady state of the default
    /// `EngineConfiguration`: no-evict admission, at most 512 sequences and 2,048 tokens per
    /// iteration): every row within ±6%, and within ±10% when run through the engine (see
    /// CalibrationTests). Collectives reach 77% of link bandwidth, fitted to DeepEP's
    /// low-latency all-to-all on H800 (EP256, 128 tokens per GPU, top-8: dispatch 194 µs,
    /// combine 360 µs; facts), which this model meets within +2% and +7%; 10 µs per
    /// collective is an engineering estimate.
    public static let tensorRTLLM2025 = EngineProfile(
        name: "trtllm-2025", gemmComputeEfficiency: 0.69, weightStreamEfficiency: 0.90, kvReadEfficiency: 0.90,
        iterationOverheadSeconds: 0.002, interconnectEfficiency: 0.77, collectiveLatencySeconds: 10e-6)

    /// TensorRT-LLM as submitted to MLPerf Inference v4.0 (March 2024, Llama-2-70B, FP8).
    /// The 2025 profile with GEMMs at 48% of FP8 peak instead of 69% meets both v4.0 offline
    /// rows (8×H100 as 4 × TP2, 8×H200 as 8 × TP1, mean 222 prompt and 294 output tokens);
    /// in this model the year between the two tables is worth ~40% of GEMM efficiency.
    public static let mlperfV40 = EngineProfile(
        name: "trtllm-mlperf-v4.0", gemmComputeEfficiency: 0.48, weightStreamEfficiency: 0.90, kvReadEfficiency: 0.90,
        iterationOverheadSeconds: 0.002, interconnectEfficiency: 0.77, collectiveLatencySeconds: 10e-6)

    public static let all: [EngineProfile] = [tensorRTLLM2025, mlperfV40]
}

/// How one model replica is laid out over GPUs.
///
/// Dense models split every layer over `tensorParallel` GPUs. MoE models may also run
/// attention data-parallel (`dataParallel` ranks, each with its own share of the batch) while
/// the routed experts are spread over all GPUs of a stage (expert parallelism), as in
/// DeepSeek's serving units. `pipelineParallel` stages each hold a consecutive share of the
/// layers; the batch goes through them in as many micro-batches, so every stage stays busy.
public struct InstanceLayout: Sendable, Equatable {
    public var tensorParallel: Int
    public var dataParallel: Int
    public var pipelineParallel: Int
    /// GPUs per node: collectives that stay inside a node use NVLink, others the NICs.
    public var gpusPerNode: Int
    public var weightPrecision: Precision
    public var kvPrecision: Precision
    /// Load on the busiest expert GPU relative to the mean (1 = perfectly balanced).
    public var expertImbalance: Double
    /// Communication hidden behind compute (DeepSeek's dual micro-batch overlap).
    public var overlapsCommunication: Bool

    public init(tensorParallel: Int = 1, dataParallel: Int = 1, pipelineParallel: Int = 1, gpusPerNode: Int = 8,
                weightPrecision: Precision = .fp8, kvPrecision: Precision = .fp8, expertImbalance: Double = 1,
                overlapsCommunication: Bool = false) {
        self.tensorParallel = tensorParallel
        self.dataParallel = dataParallel
        self.pipelineParallel = pipelineParallel
        self.gpusPerNode = gpusPerNode
        self.weightPrecision = weightPrecision
        self.kvPrecision = kvPrecision
        self.expertImbalance = expertImbalance
        self.overlapsCommunication = overlapsCommunication
    }

    public var gpuCount: Int { tensorParallel * dataParallel * pipelineParallel }
    /// GPUs of one pipeline stage.
    public var gpusPerStage: Int { tensorParallel * dataParallel }
}

/// The time of one engine iteration as `fixedSeconds + secondsPerContextToken × S`, where S
/// is the sum of the decoding sequences' context lengths. Linear in S, so a run of decode-only
/// iterations with a fixed batch has a closed-form duration.
public struct IterationCost: Sendable, Equatable {
    public var fixedSeconds: Double
    public var secondsPerContextToken: Double

    public func seconds(contextTokens: Double) -> Double { fixedSeconds + secondsPerContextToken * contextTokens }
}

/// Roofline time of one continuous-batching iteration of a model replica, at full speed.
///
/// Per iteration with X = prefill tokens + decoding sequences:
/// - GEMMs: 2 × active parameters × X FLOPs at `gemmComputeEfficiency` of peak, plus the
///   weights each GPU holds streamed once at `weightStreamEfficiency` of HBM bandwidth (MoE:
///   only the experts the batch touches);
/// - prefill attention: 4 × layers × query width FLOPs per (query, key) pair;
/// - decode attention: the KV cache of every decoding sequence read once;
/// - tensor parallelism: two ring all-reduces of the activations per layer;
/// - expert parallelism: an all-to-all dispatch (FP8) and combine (BF16) per MoE layer;
/// - pipeline parallelism: the iteration is one stage's time with the whole batch in p
///   micro-batches (the stages work side by side): its share of the layers' FLOPs, KV and
///   collectives, its weights streamed once per micro-batch (so p stages do not cut weight
///   time the way p-fold tensor parallelism would), and each micro-batch's activations sent
///   to the next stage (NVLink inside a node, else the NIC);
/// - a fixed overhead.
public struct PerformanceModel: Sendable, Equatable {
    public let model: ModelSpec
    public let gpu: GPUSpec
    public let layout: InstanceLayout
    public let profile: EngineProfile
    /// Scale-out bandwidth per GPU (one NIC each), in bytes/s.
    public let nicBytesPerSecond: Double

    // Derived once: per-GPU figures used on every iteration.
    let peakFLOPS: Double
    let denseActiveParameters: Double
    let denseParameters: Double
    let expertParametersEach: Double
    let routedExperts: Int
    let expertsPerToken: Int
    let moeLayers: Int

    public init(model: ModelSpec, gpu: GPUSpec, layout: InstanceLayout, profile: EngineProfile, nicBytesPerSecond: Double = 50e9) {
        self.model = model
        self.gpu = gpu
        self.layout = layout
        self.profile = profile
        self.nicBytesPerSecond = nicBytesPerSecond
        peakFLOPS = gpu.denseFLOPS[layout.weightPrecision] ?? gpu.denseFLOPS[.bf16] ?? 0
        if let moe = model.experts {
            let expertEach = 3 * Double(model.hiddenSize) * Double(moe.ffnSize)
            moeLayers = model.layers - moe.denseLayers
            routedExperts = moe.routed
            expertsPerToken = moe.activePerToken
            expertParametersEach = expertEach
            denseParameters = model.totalParameters - Double(moeLayers * moe.routed) * expertEach
            denseActiveParameters = model.activeParameters - Double(moeLayers * moe.activePerToken) * expertEach
        } else {
            moeLayers = 0
            routedExperts = 0
            expertsPerToken = 0
            expertParametersEach = 0
            denseParameters = model.totalParameters
            denseActiveParameters = model.activeParameters
        }
    }

    /// Weight bytes each GPU holds.
    public var weightBytesPerGPU: Double {
        let bytes = layout.weightPrecision.bytes
        let dense = denseParameters * bytes / Double(layout.tensorParallel * layout.pipelineParallel)
        let experts = Double(moeLayers * routedExperts) * expertParametersEach * bytes / Double(layout.gpuCount)
        return dense + experts
    }

    /// KV bytes per token of context on each GPU that holds it.
    public var kvBytesPerTokenPerGPU: Double {
        // A stage keeps its own layers' KV.
        let bytes = model.kvBytesPerToken(layout.kvPrecision) / Double(layout.pipelineParallel)
        // MLA's latent is not split by heads; GQA's K and V are split over the TP ranks.
        return model.latentAttention == nil ? bytes / Double(layout.tensorParallel) : bytes
    }

    /// The cost of one iteration that prefills `prefillTokens` new tokens (with
    /// `prefillAttentionPairs` causal query-key pairs among them and their prefixes) while
    /// `decodingSequences` sequences each produce one token.
    public func iterationCost(decodingSequences: Int, prefillTokens: Int, prefillAttentionPairs: Double) -> IterationCost {
        let tokens = Double(decodingSequences + prefillTokens)
        let tp = Double(layout.tensorParallel)
        let dp = Double(layout.dataParallel)
        let pp = Double(layout.pipelineParallel)
        let stageGPUs = Double(layout.gpusPerStage)
        let computeRate = peakFLOPS * profile.gemmComputeEfficiency
        let streamRate = gpu.hbmBytesPerSecond * profile.weightStreamEfficiency
        let bytes = layout.weightPrecision.bytes

        // Dense part (attention projections, dense and shared FFNs, embeddings): each DP rank
        // runs its share of the tokens, split over TP; a stage does 1/pp of the layers, and
        // streams its weights once per micro-batch (pp × 1/pp of the weights).
        var compute = 2 * denseActiveParameters * (tokens / dp) / tp / computeRate / pp
        var weights = denseParameters * bytes / tp / streamRate
        if moeLayers > 0 {
            // Routed experts: the busiest GPU's share of token-expert pairs, and the weights of
            // the experts on it that at least one token of a micro-batch touches.
            let pairs = tokens * Double(expertsPerToken) * Double(moeLayers)
            compute += 2 * expertParametersEach * pairs * layout.expertImbalance / stageGPUs / computeRate / pp
            let missProbability = 1 - Double(expertsPerToken) / Double(routedExperts)
            let touched = 1 - missProbability.power(tokens / pp)
            weights += Double(moeLayers * routedExperts) * expertParametersEach * bytes * touched
                / stageGPUs / streamRate
        }
        let queryWidth = Double(model.heads * (model.latentAttention.map { $0.nopeHeadDim + $0.ropeHeadDim } ?? model.headDim))
        let prefillAttention = 4 * Double(model.layers) * queryWidth * prefillAttentionPairs / (tp * dp) / computeRate / pp

        var communication = 0.0
        let activationBytes = 2.0  // BF16 activations between layers
        if layout.tensorParallel > 1 {
            let perRank = tokens / dp * Double(model.hiddenSize) * activationBytes
            let ringBytes = 2 * (tp - 1) / tp * perRank
            let link = layout.tensorParallel <= layout.gpusPerNode ? gpu.nvlinkBytesPerSecond / 2 : nicBytesPerSecond
            // A stage's layers for the whole batch; one start-up per layer and micro-batch.
            communication += 2 * Double(model.layers)
                * (ringBytes / pp / (link * profile.interconnectEfficiency) + profile.collectiveLatencySeconds)
        }
        if moeLayers > 0 && layout.gpusPerStage > 1 {
            let allToAll = expertAllToAllSeconds(tokensPerRank: tokens / dp / pp)
            communication += Double(moeLayers) * (allToAll.dispatch + allToAll.combine)
        }
        if layout.pipelineParallel > 1 {
            // Each micro-batch's activations to the next stage.
            let link = layout.gpuCount <= layout.gpusPerNode ? gpu.nvlinkBytesPerSecond / 2 : nicBytesPerSecond
            communication += tokens / dp * Double(model.hiddenSize) * activationBytes / (link * profile.interconnectEfficiency)
                + pp * profile.collectiveLatencySeconds
        }

        let work = compute + weights + prefillAttention
        let busy = layout.overlapsCommunication ? max(work, communication) : work + communication
        let kvRate = gpu.hbmBytesPerSecond * profile.kvReadEfficiency
        return IterationCost(
            fixedSeconds: profile.iterationOverheadSeconds + busy,
            secondsPerContextToken: kvBytesPerTokenPerGPU / dp / kvRate)
    }

    /// One MoE layer's expert-parallel all-to-all when each data-parallel rank holds
    /// `tokensPerRank` tokens: dispatch (FP8 activations to the experts) and combine (BF16
    /// results back), in seconds, each with one collective start-up latency. The share of
    /// expert GPUs outside the node goes over the NICs, the rest over NVLink; the busiest GPU
    /// carries `expertImbalance` times the mean.
    public func expertAllToAllSeconds(tokensPerRank: Double) -> (dispatch: Double, combine: Double) {
        guard moeLayers > 0 && layout.gpusPerStage > 1 else { return (0, 0) }
        let gpus = Double(layout.gpusPerStage)
        let remoteShare = max(0, gpus - Double(layout.gpusPerNode)) / gpus
        let localShare = (min(gpus, Double(layout.gpusPerNode)) - 1) / gpus
        let secondsPerByte = remoteShare / (nicBytesPerSecond * profile.interconnectEfficiency)
            + localShare / (gpu.nvlinkBytesPerSecond / 2 * profile.interconnectEfficiency)
        let elements = tokensPerRank * Double(expertsPerToken) * Double(model.hiddenSize) * layout.expertImbalance
        return (dispatch: elements * 1 * secondsPerByte + profile.collectiveLatencySeconds,
                combine: elements * 2 * secondsPerByte + profile.collectiveLatencySeconds)
    }

    /// Decode-only iteration cost for a batch of `sequences`.
    public func decodeCost(sequences: Int) -> IterationCost {
        iterationCost(decodingSequences: sequences, prefillTokens: 0, prefillAttentionPairs: 0)
    }

    /// KV-cache capacity of the whole replica in tokens: `freeMemoryFraction` of the HBM left
    /// after the weights and an activation reserve, on every GPU (TensorRT-LLM's
    /// kv_cache_free_gpu_mem_fraction). Zero or less means the model does not fit.
    public func kvCapacityTokens(freeMemoryFraction: Double, activationReserveBytes: Double) -> Double {
        let perGPU = (gpu.hbmBytes - weightBytesPerGPU - activationReserveBytes) * freeMemoryFraction
        // Each DP rank keeps the KV of its own sequences (every stage its layers' share).
        return perGPU / kvBytesPerTokenPerGPU * Double(layout.dataParallel)
    }

    /// Causal query-key pairs when `tokens` new tokens follow `prefix` tokens already in the cache.
    public static func attentionPairs(tokens: Int, prefix: Int) -> Double {
        let t = Double(tokens)
        return t * Double(prefix) + t * (t + 1) / 2
    }
}

extension Double {
    /// x^n for a non-negative count n, by repeated squaring (no Foundation `pow`, so results
    /// do not depend on the platform's libm).
    func power(_ exponent: Double) -> Double {
        var n = UInt64(max(0, exponent.rounded(.down)))
        var base = self
        var result = 1.0
        while n > 0 {
            if n & 1 == 1 { result *= base }
            base *= base
            n >>= 1
        }
        return result
    }
}
