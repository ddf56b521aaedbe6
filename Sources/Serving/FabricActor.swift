public import Compute
public import SimKernel

/// Where an instance's GPUs sit in the fabric, to route the KV caches it sends or receives.
public struct InstanceEndpoint: Sendable, Equatable {
    /// Fabric node index of each node the instance runs on, in order.
    public var nodes: [Int]
    /// The instance's first GPU on its first node (instances smaller than a node share it).
    public var firstGPU: Int
    public var gpusPerNode: Int
    public var tensorParallel: Int
    public var dataParallel: Int
    public var pipelineParallel: Int
    /// Pieces of a sequence's KV cache in one pipeline stage: one per tensor-parallel rank for
    /// grouped-query attention (each rank holds its heads), one for MLA (every rank holds the
    /// whole latent, so one copy is sent). Every stage sends its own layers' pieces.
    public var kvShardsPerStage: Int

    public init(nodes: [Int], firstGPU: Int = 0, layout: InstanceLayout, latentAttention: Bool) {
        self.nodes = nodes
        self.firstGPU = firstGPU
        gpusPerNode = layout.gpusPerNode
        tensorParallel = layout.tensorParallel
        dataParallel = layout.dataParallel
        pipelineParallel = layout.pipelineParallel
        kvShardsPerStage = latentAttention ? 1 : layout.tensorParallel
    }

    /// The GPU number of a TP rank of a data-parallel rank in a pipeline stage.
    func gpu(stage: Int, rank: Int, shard: Int) -> Int {
        (stage * dataParallel + rank) * tensorParallel + shard
    }

    /// (node, rail) of the instance's GPU number `gpu` (stage, then data-parallel rank, then TP rank).
    func location(ofGPU gpu: Int) -> (node: Int, rail: Int) {
        let position = firstGPU + gpu
        return (nodes[position / gpusPerNode], position % gpusPerNode)
    }
}

/// Totals of the KV caches a fabric moved.
public struct TransferStatistics: Sendable, Equatable {
    public var transfers: Int64 = 0
    public var bytes: Double = 0
    /// Sum over transfers of the time from request to arrival, in seconds.
    public var transferSeconds: Double = 0
    public var maxTransferSeconds: Double = 0
    /// Most transfers in flight at once.
    public var maxConcurrent = 0

    public init() {}

    public var meanTransferSeconds: Double { transfers > 0 ? transferSeconds / Double(transfers) : 0 }
}

/// The scale-out network as a kernel actor: KV caches moving from prefill to decode instances
/// share NICs and leaf uplinks, max-min fair (`FlowNetwork`).
///
/// One timer, at the next transfer to finish; every start or finish re-shares the links, so
/// a change costs O(flows × path length) and nothing is ticked between changes.
public final class FabricActor<Envelope: ServingEnvelope>: ActorObject {
    public typealias Message = Envelope

    public let topology: FabricTopology
    public private(set) var statistics = TransferStatistics()
    private var network: FlowNetwork
    private let latency: SimDuration
    /// Indexed by component index; nil for components that are not instances.
    private var endpoints: [InstanceEndpoint?] = []
    private var lastAdvance: SimTime = .zero
    private var timer: EventHandle?

    private struct InFlight {
        var transfer: KVTransfer
        var started: SimTime
        var shardsLeft: Int
    }

    /// Transfers in flight by their number (flows carry it in their id's upper bits).
    private var inFlight: [UInt64: InFlight] = [:]
    private var nextTransfer: UInt64 = 0

    public init(topology: FabricTopology) {
        self.topology = topology
        network = FlowNetwork(linkCapacitiesBytesPerSecond: topology.linkCapacitiesBytesPerSecond)
        latency = .seconds(topology.spec.latencySeconds)
    }

    /// Tells the fabric where each instance sits, once, before the first run.
    public func bind(_ instance: ComponentID, at endpoint: InstanceEndpoint) {
        while endpoints.count <= instance.index { endpoints.append(nil) }
        endpoints[instance.index] = endpoint
    }

    public func handle(_ message: Envelope, context: inout SimContext<Envelope>) {
        guard let message = message.serving else { return }
        switch message {
        case .transferKV(let transfer):
            advance(to: context.now)
            start(transfer, context: &context)
        case .fabricWake:
            timer = nil
            advance(to: context.now)
            finish(now: context.now, context: &context)
        default:
            preconditionFailure("the fabric got a message for someone else: \(message)")
        }
        rearm(&context)
    }

    private func advance(to now: SimTime) {
        if now > lastAdvance { network.advance(bySeconds: (now - lastAdvance).seconds) }
        lastAdvance = now
    }

    /// Splits the KV cache into its shards, each from the sequence's rank on the prefill side
    /// to a rank on the decode side, and starts them as flows.
    private func start(_ transfer: KVTransfer, context: inout SimContext<Envelope>) {
        guard let source = endpoint(transfer.source), let destination = endpoint(transfer.destination) else {
            preconditionFailure("a KV transfer between instances the fabric does not know")
        }
        let number = nextTransfer
        nextTransfer += 1
        // The sequence's data-parallel rank on each side: spread by request, deterministically.
        var mixer = SplitMix64(state: transfer.handoff.request.id)
        let spread = Int(truncatingIfNeeded: mixer.next() & 0x7FFF_FFFF)
        let sourceRank = spread % source.dataParallel, destinationRank = (spread / source.dataParallel) % destination.dataParallel
        let shards = source.kvShardsPerStage * source.pipelineParallel
        var flows = 0
        let bytes = max(1, transfer.handoff.kvBytes / Double(shards))
        for stage in 0 ..< source.pipelineParallel {
            for shard in 0 ..< source.kvShardsPerStage {
                let from = source.location(ofGPU: source.gpu(stage: stage, rank: sourceRank, shard: shard))
                let to = destination.location(ofGPU: destination.gpu(
                    stage: stage * destination.pipelineParallel / source.pipelineParallel, rank: destinationRank,
                    shard: shard % destination.tensorParallel))
                let flow = UInt64(stage * source.kvShardsPerStage + shard)
                if from == to { continue }  // already in place (never between two pools' nodes)
                let path = topology.path(fromNode: from.node, fromRail: from.rail, toNode: to.node, toRail: to.rail)
                network.add(id: number << 16 | flow, bytes: bytes, links: path)
                flows += 1
            }
        }
        guard flows > 0 else {
            record(transfer, seconds: latency.seconds)
            context.send(Envelope(serving: .kvArrived(transfer.handoff)), to: transfer.destination, after: latency)
            return
        }
        inFlight[number] = InFlight(transfer: transfer, started: context.now, shardsLeft: flows)
        statistics.maxConcurrent = max(statistics.maxConcurrent, inFlight.count)
    }

    private func finish(now: SimTime, context: inout SimContext<Envelope>) {
        for flow in network.removeFinished() {
            let number = flow >> 16
            guard var entry = inFlight[number] else { continue }
            entry.shardsLeft -= 1
            guard entry.shardsLeft == 0 else { inFlight[number] = entry; continue }
            inFlight[number] = nil
            record(entry.transfer, seconds: (now + latency - entry.started).seconds)
            context.send(Envelope(serving: .kvArrived(entry.transfer.handoff)), to: entry.transfer.destination, after: latency)
        }
    }

    private func record(_ transfer: KVTransfer, seconds: Double) {
        statistics.transfers += 1
        statistics.bytes += transfer.handoff.kvBytes
        statistics.transferSeconds += seconds
        statistics.maxTransferSeconds = max(statistics.maxTransferSeconds, seconds)
    }

    /// Keeps the one timer at the next flow's finish, rounded up to the next nanosecond.
    private func rearm(_ context: inout SimContext<Envelope>) {
        if let timer { _ = context.cancel(timer) }
        timer = nil
        guard let seconds = network.secondsToNextCompletion else { return }
        let nanoseconds = max(1, (seconds * 1e9).rounded(.up))
        timer = context.setTimer(Envelope(serving: .fabricWake), after: SimDuration(nanoseconds: Int64(nanoseconds)))
    }

    private func endpoint(_ id: ComponentID) -> InstanceEndpoint? {
        id.index < endpoints.count ? endpoints[id.index] : nil
    }
}
