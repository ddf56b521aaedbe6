/// Numeric formats for weights, activations and the KV cache.
public enum Precision: String, Sendable, CaseIterable {
    case bf16, fp8, fp4

    public var bytes: Double {
        switch self {
        case .bf16: 2
        case .fp8: 1
        case .fp4: 0.5
        }
    }
}

/// A GPU as the performance and power models see it.
public struct GPUSpec: Sendable, Equatable {
    public var name: String
    /// Dense (no sparsity) peak throughput per precision, in FLOP/s; nil where unsupported.
    public var denseFLOPS: [Precision: Double]
    public var hbmBytes: Double
    public var hbmBytesPerSecond: Double
    /// NVLink bandwidth per GPU (both directions together), in bytes/s.
    public var nvlinkBytesPerSecond: Double
    public var tdpWatts: Double
    public var idleWatts: Double
    public var slowdownCelsius: Double
    public var shutdownCelsius: Double

    public init(name: String, denseFLOPS: [Precision: Double], hbmBytes: Double, hbmBytesPerSecond: Double,
                nvlinkBytesPerSecond: Double, tdpWatts: Double, idleWatts: Double, slowdownCelsius: Double, shutdownCelsius: Double) {
        self.name = name
        self.denseFLOPS = denseFLOPS
        self.hbmBytes = hbmBytes
        self.hbmBytesPerSecond = hbmBytesPerSecond
        self.nvlinkBytesPerSecond = nvlinkBytesPerSecond
        self.tdpWatts = tdpWatts
        self.idleWatts = idleWatts
        self.slowdownCelsius = slowdownCelsius
        self.shutdownCelsius = shutdownCelsius
    }
}

/// A GPU server model as the facility and the fabric see it.
public struct NodeTypeSpec: Sendable, Equatable {
    public var name: String
    public var gpu: String
    public var gpuCount: Int
    /// One NIC per GPU into the scale-out fabric.
    public var nicBitsPerSecond: Double
    public var powerSupplies: Int
    public var powerSupplyWatts: Double
    /// Supplies the node needs to run (N of N+M).
    public var powerSuppliesRequired: Int
    public var maxPowerWatts: Double

    public init(name: String, gpu: String, gpuCount: Int, nicBitsPerSecond: Double, powerSupplies: Int,
                powerSupplyWatts: Double, powerSuppliesRequired: Int, maxPowerWatts: Double) {
        self.name = name
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.nicBitsPerSecond = nicBitsPerSecond
        self.powerSupplies = powerSupplies
        self.powerSupplyWatts = powerSupplyWatts
        self.powerSuppliesRequired = powerSuppliesRequired
        self.maxPowerWatts = maxPowerWatts
    }
}

/// A transformer's architecture: enough to count its parameters, its FLOPs per token and
/// the bytes its KV cache takes per token.
public struct ModelSpec: Sendable, Equatable {
    /// Mixture-of-experts feed-forward layers.
    public struct Experts: Sendable, Equatable {
        public var routed: Int
        public var activePerToken: Int
        public var shared: Int
        public var ffnSize: Int
        /// Leading layers that keep a dense feed-forward block (`ModelSpec.ffnSize`).
        public var denseLayers: Int
    }

    /// Multi-head latent attention (DeepSeek): the KV cache holds one compressed latent.
    public struct LatentAttention: Sendable, Equatable {
        public var kvLoraRank: Int
        public var qLoraRank: Int
        public var ropeHeadDim: Int
        public var nopeHeadDim: Int
        public var valueHeadDim: Int
    }

    public var name: String
    public var layers: Int
    public var hiddenSize: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    /// Dense feed-forward (SwiGLU) inner size.
    public var ffnSize: Int
    public var vocabularySize: Int
    public var experts: Experts?
    public var latentAttention: LatentAttention?

    public init(name: String, layers: Int, hiddenSize: Int, heads: Int, kvHeads: Int, headDim: Int, ffnSize: Int,
                vocabularySize: Int, experts: Experts? = nil, latentAttention: LatentAttention? = nil) {
        self.name = name
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.ffnSize = ffnSize
        self.vocabularySize = vocabularySize
        self.experts = experts
        self.latentAttention = latentAttention
    }

    /// Attention projection weights of one layer.
    var attentionParameters: Double {
        let h = Double(hiddenSize)
        if let mla = latentAttention {
            let queryHead = Double(mla.nopeHeadDim + mla.ropeHeadDim)
            let query = h * Double(mla.qLoraRank) + Double(mla.qLoraRank) * Double(heads) * queryHead
            let keyValue = h * Double(mla.kvLoraRank + mla.ropeHeadDim)
                + Double(mla.kvLoraRank) * Double(heads) * Double(mla.nopeHeadDim + mla.valueHeadDim)
            let output = Double(heads * mla.valueHeadDim) * h
            return query + keyValue + output + Double(mla.qLoraRank + mla.kvLoraRank)
        }
        return h * Double(heads * headDim) * 2 + h * Double(kvHeads * headDim) * 2
    }

    /// Feed-forward weights of one layer, counting `expertsCounted` experts of a MoE layer.
    func feedForwardParameters(layer: Int, expertsCounted: (Experts) -> Int) -> Double {
        let h = Double(hiddenSize)
        guard let moe = experts, layer >= moe.denseLayers else { return 3 * h * Double(ffnSize) }
        return Double(expertsCounted(moe) + moe.shared) * 3 * h * Double(moe.ffnSize) + h * Double(moe.routed)
    }

    private func parameters(expertsCounted: (Experts) -> Int) -> Double {
        let h = Double(hiddenSize)
        var total = 2 * Double(vocabularySize) * h + h  // embedding, output head, final norm
        for layer in 0 ..< layers {
            total += attentionParameters + feedForwardParameters(layer: layer, expertsCounted: expertsCounted) + 2 * h
        }
        return total
    }

    /// All weights.
    public var totalParameters: Double { parameters { $0.routed } }
    /// Weights used per token (the experts a token is routed to, plus shared ones).
    public var activeParameters: Double { parameters { $0.activePerToken } }

    /// KV-cache elements per token over all layers: K and V per KV head, or MLA's latent and
    /// rotary key.
    public var kvElementsPerToken: Double {
        if let mla = latentAttention { return Double(layers * (mla.kvLoraRank + mla.ropeHeadDim)) }
        return Double(2 * layers * kvHeads * headDim)
    }

    public func kvBytesPerToken(_ precision: Precision) -> Double { kvElementsPerToken * precision.bytes }

    public func weightBytes(_ precision: Precision) -> Double { totalParameters * precision.bytes }
}

/// The built-in entries. Figures from shared/reference/facts.md (carried here with their
/// sources) and the models' published configurations.
public enum Catalogue {
    static let tera = 1e12

    /// H100/H200 SXM: 989 dense BF16 and 1,979 FP8 TFLOP/s, 700 W, 900 GB/s NVLink; H100
    /// 80 GB at 3.35 TB/s, H200 141 GB at 4.8 TB/s; H800 as H100 but ~160 GB/s usable NVLink
    /// (DeepEP measured); B200 2,250/4,500/9,000 TFLOP/s, 180 GB at 8 TB/s, 1.8 TB/s NVLink,
    /// 1,000 W (facts: GPUs and nodes). Idle ~75 W and slowdown 89 C, shutdown 92 C from
    /// nvidia-smi for H100/H800 (facts), assumed alike for H200 and B200 [estimate; B200 idle
    /// ~100 W estimate].
    public static let gpus: [GPUSpec] = [
        GPUSpec(name: "H100", denseFLOPS: [.bf16: 989 * tera, .fp8: 1_979 * tera], hbmBytes: 80e9, hbmBytesPerSecond: 3.35e12,
                nvlinkBytesPerSecond: 900e9, tdpWatts: 700, idleWatts: 75, slowdownCelsius: 89, shutdownCelsius: 92),
        GPUSpec(name: "H200", denseFLOPS: [.bf16: 989 * tera, .fp8: 1_979 * tera], hbmBytes: 141e9, hbmBytesPerSecond: 4.8e12,
                nvlinkBytesPerSecond: 900e9, tdpWatts: 700, idleWatts: 75, slowdownCelsius: 89, shutdownCelsius: 92),
        GPUSpec(name: "H800", denseFLOPS: [.bf16: 989 * tera, .fp8: 1_979 * tera], hbmBytes: 80e9, hbmBytesPerSecond: 3.35e12,
                nvlinkBytesPerSecond: 160e9, tdpWatts: 700, idleWatts: 75, slowdownCelsius: 89, shutdownCelsius: 92),
        GPUSpec(name: "B200", denseFLOPS: [.bf16: 2_250 * tera, .fp8: 4_500 * tera, .fp4: 9_000 * tera], hbmBytes: 180e9,
                hbmBytesPerSecond: 8e12, nvlinkBytesPerSecond: 1.8e12, tdpWatts: 1_000, idleWatts: 100,
                slowdownCelsius: 89, shutdownCelsius: 92),
    ]

    /// DGX/HGX H100 and H200: 8 GPUs, 10.2 kW, 6 × 3.3 kW supplies, runs on 3 (4+2 design,
    /// degraded on 3: NVIDIA DGX H100 user guide); DGX B200: 14.3 kW, 6 × 3.3 kW, 5+1 (NVIDIA
    /// DGX B200 user guide); one 400 Gb/s NIC per GPU (ConnectX-7) (facts). HGX H800 as HGX H100.
    public static let nodes: [NodeTypeSpec] = [
        NodeTypeSpec(name: "DGX-H100", gpu: "H100", gpuCount: 8, nicBitsPerSecond: 400e9, powerSupplies: 6,
                     powerSupplyWatts: 3_300, powerSuppliesRequired: 3, maxPowerWatts: 10_200),
        NodeTypeSpec(name: "DGX-H200", gpu: "H200", gpuCount: 8, nicBitsPerSecond: 400e9, powerSupplies: 6,
                     powerSupplyWatts: 3_300, powerSuppliesRequired: 3, maxPowerWatts: 10_200),
        NodeTypeSpec(name: "HGX-H800", gpu: "H800", gpuCount: 8, nicBitsPerSecond: 400e9, powerSupplies: 6,
                     powerSupplyWatts: 3_300, powerSuppliesRequired: 3, maxPowerWatts: 10_200),
        NodeTypeSpec(name: "DGX-B200", gpu: "B200", gpuCount: 8, nicBitsPerSecond: 400e9, powerSupplies: 6,
                     powerSupplyWatts: 3_300, powerSuppliesRequired: 5, maxPowerWatts: 14_300),
    ]

    /// Published configurations (Hugging Face config.json of each model); DeepSeek-V3's
    /// 671B total / 37B active and 256 routed + 1 shared experts, 8 active, are in facts.
    public static let models: [ModelSpec] = [
        ModelSpec(name: "Llama-3.1-8B", layers: 32, hiddenSize: 4_096, heads: 32, kvHeads: 8, headDim: 128,
                  ffnSize: 14_336, vocabularySize: 128_256),
        ModelSpec(name: "Llama-2-70B", layers: 80, hiddenSize: 8_192, heads: 64, kvHeads: 8, headDim: 128,
                  ffnSize: 28_672, vocabularySize: 32_000),
        ModelSpec(name: "Llama-3.1-70B", layers: 80, hiddenSize: 8_192, heads: 64, kvHeads: 8, headDim: 128,
                  ffnSize: 28_672, vocabularySize: 128_256),
        ModelSpec(name: "Llama-3.1-405B", layers: 126, hiddenSize: 16_384, heads: 128, kvHeads: 8, headDim: 128,
                  ffnSize: 53_248, vocabularySize: 128_256),
        ModelSpec(name: "Mixtral-8x7B", layers: 32, hiddenSize: 4_096, heads: 32, kvHeads: 8, headDim: 128,
                  ffnSize: 14_336, vocabularySize: 32_000,
                  experts: .init(routed: 8, activePerToken: 2, shared: 0, ffnSize: 14_336, denseLayers: 0)),
        ModelSpec(name: "DeepSeek-V3", layers: 61, hiddenSize: 7_168, heads: 128, kvHeads: 128, headDim: 128,
                  ffnSize: 18_432, vocabularySize: 129_280,
                  experts: .init(routed: 256, activePerToken: 8, shared: 1, ffnSize: 2_048, denseLayers: 3),
                  latentAttention: .init(kvLoraRank: 512, qLoraRank: 1_536, ropeHeadDim: 64, nopeHeadDim: 128, valueHeadDim: 128)),
    ]

    public static func gpu(named name: String) -> GPUSpec? { gpus.first { $0.name == name } }
    public static func node(named name: String) -> NodeTypeSpec? { nodes.first { $0.name == name } }
    public static func model(named name: String) -> ModelSpec? { models.first { $0.name == name } }
}
