import Compute
import SimKernel
import Testing
@testable import Serving

/// One published throughput figure and how to reproduce it.
struct CalibrationTarget: CustomTestStringConvertible, Sendable {
    var model: String
    var gpu: String
    var tensorParallel: Int
    var instances: Int
    var promptTokens: Int
    var outputTokens: Int
    var profile: EngineProfile
    /// Output tokens per second of the whole system, as published.
    var outputTokensPerSecond: Double
    var requests: Int

    var testDescription: String { "\(model) on \(instances * tensorParallel)×\(gpu) \(promptTokens)/\(outputTokens) (\(profile.name))" }
}

/// facts.md, "Inference calibration targets": TensorRT-LLM performance overview (FP8, max
/// throughput; Llama-3.3-70B has Llama-3.1-70B's architecture) and MLPerf Inference v4.0
/// closed offline Llama-2-70B (OpenOrca: mean 222.3 prompt tokens, 5,463,976 over 24,576
/// samples per the dataset's length check in FlashLab-MBZUAI/HBFSim; 294.45 output tokens
/// per sample, mlcommons/inference language/llama2-70b README).
let calibrationTargets: [CalibrationTarget] = {
    var targets: [CalibrationTarget] = []
    let overview: [(String, String, Int, [Double?])] = [
        ("Llama-3.1-8B", "H100", 1, [28_312, 15_220, 9_305]),
        ("Llama-3.1-8B", "H200", 1, [27_911, 17_744, 12_194]),
        ("Llama-3.1-70B", "H100", 2, [6_378, 4_205, 3_082]),
        ("Llama-3.1-70B", "H200", 1, [3_803, 2_909, 2_003]),
        ("Llama-3.1-405B", "H100", 8, [3_627, nil, nil]),
        ("Llama-3.1-405B", "H200", 8, [3_814, nil, nil]),
    ]
    for (model, gpu, tp, figures) in overview {
        for (length, figure) in zip([128, 1_000, 2_048], figures) {
            guard let figure else { continue }
            // Enough requests that the start-up and the final drain are a few percent of the run.
            targets.append(CalibrationTarget(model: model, gpu: gpu, tensorParallel: tp, instances: 1, promptTokens: length,
                                             outputTokens: length, profile: .tensorRTLLM2025, outputTokensPerSecond: figure,
                                             requests: 5_000_000 / length))
        }
    }
    targets.append(CalibrationTarget(model: "Llama-2-70B", gpu: "H100", tensorParallel: 2, instances: 4, promptTokens: 222,
                                     outputTokens: 294, profile: .mlperfV40, outputTokensPerSecond: 21_806, requests: 24_576))
    targets.append(CalibrationTarget(model: "Llama-2-70B", gpu: "H200", tensorParallel: 1, instances: 8, promptTokens: 222,
                                     outputTokens: 294, profile: .mlperfV40, outputTokensPerSecond: 27_738, requests: 24_576))
    return targets
}()

@Suite("Calibration")
struct CalibrationTests {
    /// Offline, as MLPerf and trtllm-bench run it: every request queued at time zero, through
    /// the same router, instances and engines a scenario builds; throughput = output tokens /
    /// time of the last completion.
    @Test("Offline throughput through the serving path is within ±10% of the published figure", arguments: calibrationTargets)
    func offlineThroughput(_ target: CalibrationTarget) {
        let performance = PerformanceModel(model: Catalogue.model(named: target.model)!, gpu: Catalogue.gpu(named: target.gpu)!,
                                           layout: InstanceLayout(tensorParallel: target.tensorParallel), profile: target.profile)
        let rows = Array(repeating: TraceRow(arrival: .zero, promptTokens: Int32(target.promptTokens),
                                             outputTokens: Int32(target.outputTokens)), count: target.requests)
        let workload = WorkloadSpec(name: "offline", arrivals: .trace(rows), promptTokens: .fixed(1), outputTokens: .fixed(1))
        let served = ServedWorkloadSpec(workload: workload, router: RouterConfiguration(policy: .roundRobin, maxOutstanding: 1_000_000),
                                        pool: InstancePoolSpec(performance: performance, count: target.instances))
        let (site, _) = runSite([served], end: .seconds(1), drain: .hours(10))
        let metrics = site.routers[0].metrics
        #expect(metrics.completed == Int64(target.requests))
        let throughput = Double(metrics.outputTokens) / metrics.endToEnd.summary.max
        let error = throughput / target.outputTokensPerSecond - 1
        #expect(abs(error) <= 0.10, "\(Int(throughput)) tokens/s vs \(Int(target.outputTokensPerSecond)) published (\(Int(error * 1000)) per mille)")
    }
}
