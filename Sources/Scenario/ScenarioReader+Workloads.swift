import OrderedJSON
import Compute
import Foundation
import Facility
import Report
import ScenarioFormat
import Serving
import SimKernel
import Twin

extension ScenarioReader {
    mutating func readWorkload(_ item: YAMLNode, duration: SimDuration, used: inout [Int: String]) -> PlacedWorkloadSpec? {
        let name = item.string("name")!
        let errorsBefore = diagnostics.count
        if ScenarioSchema.reservedWorkloadNames.contains(name) {
            error(item["name"]!, "'\(name)' is reserved for the summary's own sections", value: name,
                  expected: "a name other than " + list(ScenarioSchema.reservedWorkloadNames))
        }
        let modelNode = item["model"]!
        let model = models.last { $0.name == modelNode.stringValue }
        if model == nil {
            error(modelNode, "unknown model '\(modelNode.stringValue)'", value: modelNode.stringValue,
                  expected: "one of " + list(models.map(\.name)))
        }
        let precisions = (weights: Precision(rawValue: item.string("weight_precision") ?? "fp8")!,
                          kv: Precision(rawValue: item.string("kv_precision") ?? "fp8")!)
        // A unified pool at the top, or a prefill and a decode pool.
        var pools: [(spec: InstancePoolSpec, nodes: [Int])] = []
        if item["prefill"] != nil || item["decode"] != nil {
            let topLevel = ScenarioSchema.poolFields(required: false).map(\.name).filter { item[$0] != nil }
            if let key = topLevel.first {
                error(item[key]!, "'\(key)' belongs in the 'prefill' and 'decode' pools of a disaggregated workload",
                      expected: "no '\(key)' beside 'prefill' and 'decode'")
                return nil
            }
            for key in ["prefill", "decode"] where item[key] == nil {
                error(item, "a disaggregated workload needs both 'prefill' and 'decode'", expected: "a '\(key)' pool")
                return nil
            }
            for key in ["prefill", "decode"] {
                guard let model, let pool = readPool(item[key]!, workload: name, model: model, precisions: precisions, used: &used)
                else { continue }
                pools.append(pool)
            }
        } else {
            for key in ["racks", "instances"] where item[key] == nil {
                error(item, "a workload needs 'racks' and 'instances', or 'prefill' and 'decode' pools", expected: "a '\(key)' key")
                return nil
            }
            if let model, let pool = readPool(item, workload: name, model: model, precisions: precisions, used: &used) {
                pools.append(pool)
            }
        }
        guard diagnostics.count == errorsBefore, !pools.isEmpty else { return nil }
        guard let arrivals = readArrivals(item["arrivals"]!) else { return nil }
        var lengths: [TokenLength] = []
        for key in ["prompt_tokens", "output_tokens"] {
            if let node = item[key] {
                guard let length = readLength(node) else { return nil }
                lengths.append(length)
            } else if case .trace = arrivals {
                lengths.append(.fixed(1))  // unused: a trace's rows carry their lengths
            } else {
                error(item, "a workload whose arrivals are not a trace needs '\(key)'", expected: "a '\(key)' key")
                return nil
            }
        }
        let prompt = lengths[0], output = lengths[1]
        let prefix = item["prefix_cache"]
        let slo = item["slo"]
        let workload = WorkloadSpec(
            name: name, arrivals: arrivals, promptTokens: prompt, outputTokens: output,
            prefixCacheHitRate: prefix?.quantity(.fraction, "hit_rate") ?? 0, prefixCachedFraction: prefix?.quantity(.fraction, "cached_fraction") ?? 0,
            prefixGroups: prefix?.int("groups") ?? 1,
            slo: ServiceLevelObjective(timeToFirstToken: slo?.duration("ttft") ?? .seconds(2),
                                       timePerOutputToken: slo?.duration("tpot") ?? .milliseconds(200)))
        let routerNode = item["router"]
        let policy: RoutingPolicy = switch routerNode?.string("policy") ?? "least_outstanding" {
        case "round_robin": .roundRobin
        case "power_of_two": .powerOfTwoChoices
        case "prefix_aware": .prefixAware
        default: .leastOutstanding
        }
        let router = RouterConfiguration(
            policy: policy, healthCheckInterval: routerNode?.duration("health_check_interval") ?? .seconds(5),
            healthCheckTimeout: routerNode?.duration("health_check_timeout") ?? .seconds(1),
            maxRetries: routerNode?.int("max_retries") ?? 2, maxOutstanding: routerNode?.int("max_outstanding") ?? 100_000)
        return PlacedWorkloadSpec(
            served: ServedWorkloadSpec(workload: workload, router: router, pool: pools[0].spec, decodePool: pools.count > 1 ? pools[1].spec : nil),
            nodes: pools[0].nodes, decodeNodes: pools.count > 1 ? pools[1].nodes : [])
    }

    /// One pool: its racks' nodes (claimed for `workload`), layout, engine and replica count.
    mutating func readPool(_ item: YAMLNode, workload name: String, model: ModelSpec, precisions: (weights: Precision, kv: Precision),
                           used: inout [Int: String]) -> (spec: InstancePoolSpec, nodes: [Int])? {
        let errorsBefore = diagnostics.count
        // Nodes, in the order the racks are listed.
        var nodes: [Int] = []
        for rackNode in item["racks"]!.items! {
            let text = rackNode.stringValue
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let hall = halls.first(where: { $0.name == parts[0] }) else {
                error(rackNode, "'\(text)' names no hall of this site", value: text,
                      expected: "'hall/rack' with a hall among " + list(halls.map(\.name)))
                continue
            }
            let names: [String]
            do { names = try expandNameTemplate(parts[1]) } catch {
                self.error(rackNode, error.message, value: text, expected: nameTemplateExpected)
                continue
            }
            for rackName in names {
                guard let rack = hall.racks[rackName] else {
                    error(rackNode, "hall '\(hall.name)' has no rack '\(rackName)'", value: text,
                          expected: "racks of '\(hall.name)': \(rangeText(hall.rackOrder))")
                    break
                }
                for node in rackNodes[rack] {
                    if let owner = used[node] {
                        let (whom, expected) = owner == name ? ("its other pool", "racks the other pool does not use")
                            : ("workload '\(owner)'", "racks no other workload uses")
                        error(rackNode, "rack '\(hall.name)/\(rackName)' is already serving \(whom)", value: text, expected: expected)
                        break
                    }
                    used[node] = name
                    nodes.append(node)
                }
            }
        }
        guard diagnostics.count == errorsBefore, let first = nodes.first else { return nil }
        let type = nodeTypeOfNode[first]
        if let other = nodes.first(where: { nodeTypeOfNode[$0].name != type.name }) {
            error(item["racks"]!, "the racks mix node types '\(type.name)' and '\(nodeTypeOfNode[other].name)'",
                  expected: "racks of one node type per pool")
            return nil
        }
        let gpu = gpus.last { $0.name == type.gpu }!
        let weightPrecision = precisions.weights, kvPrecision = precisions.kv
        if gpu.denseFLOPS[weightPrecision] == nil {
            error(item["weight_precision"] ?? item, "\(gpu.name) has no \(weightPrecision.rawValue) tensor cores",
                  value: weightPrecision.rawValue, expected: "one of " + list(Precision.allCases.filter { gpu.denseFLOPS[$0] != nil }.map(\.rawValue)))
            return nil
        }
        let tensorParallel = item.int("tensor_parallel") ?? 1
        let dataParallel = item.int("data_parallel") ?? 1
        let pipelineParallel = item.int("pipeline_parallel") ?? 1
        let layout = InstanceLayout(tensorParallel: tensorParallel, dataParallel: dataParallel, pipelineParallel: pipelineParallel,
                                    gpusPerNode: type.gpuCount,
                                    weightPrecision: weightPrecision, kvPrecision: kvPrecision,
                                    expertImbalance: item.double("expert_imbalance") ?? 1,
                                    overlapsCommunication: item.bool("overlap_communication") ?? false)
        if layout.gpuCount < type.gpuCount && type.gpuCount % layout.gpuCount != 0
            || layout.gpuCount > type.gpuCount && layout.gpuCount % type.gpuCount != 0 {
            error(item["tensor_parallel"] ?? item, "a replica of \(layout.gpuCount) GPUs does not tile \(type.name)'s \(type.gpuCount) GPUs",
                  value: String(layout.gpuCount), expected: "a divisor or a multiple of \(type.gpuCount) GPUs per replica")
            return nil
        }
        let engineNode = item["engine"]
        let profile: EngineProfile = engineNode?.string("profile") == "trtllm-mlperf-v4.0" ? .mlperfV40 : .tensorRTLLM2025
        let performance = PerformanceModel(model: model, gpu: gpu, layout: layout, profile: profile,
                                           nicBytesPerSecond: type.nicBitsPerSecond / 8)
        let engine = EngineConfiguration(
            admission: engineNode?.string("admission") == "optimistic" ? .optimistic : .guaranteedNoEvict,
            maxSequences: engineNode?.int("max_sequences") ?? 512, tokenBudget: engineNode?.int("token_budget") ?? 2_048,
            kvCacheFreeMemoryFraction: engineNode?.quantity(.fraction, "kv_cache_fraction") ?? 0.9)
        let kvTokens = performance.kvCapacityTokens(freeMemoryFraction: engine.kvCacheFreeMemoryFraction,
                                                    activationReserveBytes: engine.activationReserveBytes)
        if kvTokens < 1 {
            let weightsPerGPU = performance.weightBytesPerGPU
            error(item["tensor_parallel"] ?? item, "\(model.name) in \(weightPrecision.rawValue) does not fit: \(gigabytes(weightsPerGPU)) GB "
                + "of weights per GPU with TP\(tensorParallel) × DP\(dataParallel)\(pipelineParallel > 1 ? " × PP\(pipelineParallel)" : ""), "
                + "on \(gpu.name)'s \(gigabytes(gpu.hbmBytes)) GB",
                value: String(tensorParallel), expected: "more GPUs per replica, or a smaller precision")
            return nil
        }
        let instances = item.int("instances")!
        let needed = Placement.nodesNeeded(instances: instances, layout: layout)
        if needed > nodes.count {
            error(item["instances"]!, "\(instances) replicas of \(layout.gpuCount) GPUs need \(needed) nodes; its racks hold \(nodes.count)",
                  value: String(instances), expected: "at most \(nodes.count * type.gpuCount / layout.gpuCount) replicas, or more racks")
            return nil
        }
        return (InstancePoolSpec(performance: performance, engine: engine, count: instances), nodes)
    }

    mutating func readArrivals(_ node: YAMLNode) -> ArrivalProcess? {
        let process = node.string("process")!
        if process == "trace" {
            guard let file = node["file"] else {
                error(node, "a trace process needs 'file', the CSV to replay", expected: "a 'file' key")
                return nil
            }
            return readTrace(file)
        }
        guard let rate = node.quantity(.rate, "rate") else {
            error(node, "a \(process) process needs 'rate', its mean arrival rate", expected: "a 'rate' key like '10/s'")
            return nil
        }
        switch process {
        case "gamma":
            guard let cv = node.double("cv") else {
                error(node, "a gamma process needs 'cv', the coefficient of variation of its gaps", expected: "a 'cv' key")
                return nil
            }
            return .gamma(ratePerSecond: rate, cv: cv)
        case "diurnal":
            guard let profile = node["profile"]?.items?.map(\.doubleValue) else {
                error(node, "a diurnal process needs 'profile', relative rates over the period", expected: "a 'profile' key")
                return nil
            }
            guard profile.contains(where: { $0 > 0 }) else {
                error(node["profile"]!, "a profile of zeros never arrives", expected: "at least one positive entry")
                return nil
            }
            return .diurnal(meanRatePerSecond: rate, profile: profile, period: node.duration("period") ?? .hours(24))
        default:
            return .poisson(ratePerSecond: rate)
        }
    }

    /// The rows of a trace CSV (`arrival_s,prompt_tokens,output_tokens`, arrival seconds from
    /// the start, not decreasing); errors point at the CSV's line and column.
    mutating func readTrace(_ fileNode: YAMLNode) -> ArrivalProcess? {
        let path = resolvedImportPath(fileNode.stringValue, from: fileNode.location.file)
        guard let bytes = loader.read(path) else {
            error(fileNode, "cannot read trace '\(path)'", value: fileNode.stringValue, expected: "a readable CSV file")
            return nil
        }
        let limit = ParseLimits().maximumBytes
        guard bytes.count <= limit else {
            error(fileNode, "trace '\(path)' is \(bytes.count) bytes, over the limit of \(limit)", value: fileNode.stringValue,
                  expected: "a file of at most \(limit) bytes")
            return nil
        }
        func fail(_ line: Int, _ column: Int, _ message: String, value: String, expected: String) {
            diagnostics.append(ScenarioDiagnostic(.error, at: SourceLocation(file: path, line: line, column: column), path: fileNode.path,
                                                  "\(message); expected \(expected)", value: value, expected: expected))
        }
        let header = "arrival_s,prompt_tokens,output_tokens"
        var rows: [TraceRow] = []
        var previous = SimDuration.zero
        // "\r\n" is one Character in Swift, so CRLF lines are split on it as well as on "\n".
        let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if index == 0 {
                guard line == header else {
                    fail(1, 1, "the trace's header is '\(line)'", value: String(line), expected: "'\(header)'")
                    return nil
                }
                continue
            }
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                fail(index + 1, 1, "a trace row has \(fields.count) fields", value: String(line), expected: "3: \(header)")
                return nil
            }
            let column2 = fields[0].count + 2, column3 = column2 + fields[1].count + 1
            guard let seconds = Double(fields[0]), seconds.isFinite, seconds >= 0 else {
                fail(index + 1, 1, "'\(fields[0])' is not an arrival time", value: String(fields[0]), expected: "seconds from the start, 0 or more")
                return nil
            }
            let arrival = SimDuration.seconds(seconds)
            guard arrival >= previous else {
                fail(index + 1, 1, "arrival \(fields[0]) s comes before the row above it", value: String(fields[0]),
                     expected: "arrival times that do not decrease")
                return nil
            }
            guard let prompt = Int32(fields[1]), prompt >= 1 else {
                fail(index + 1, column2, "'\(fields[1])' is not a prompt length", value: String(fields[1]), expected: "a whole number of tokens, 1 or more")
                return nil
            }
            guard let output = Int32(fields[2]), output >= 1 else {
                fail(index + 1, column3, "'\(fields[2])' is not an output length", value: String(fields[2]), expected: "a whole number of tokens, 1 or more")
                return nil
            }
            previous = arrival
            rows.append(TraceRow(arrival: arrival, promptTokens: prompt, outputTokens: output))
        }
        guard !rows.isEmpty else {
            error(fileNode, "trace '\(path)' has no rows", value: fileNode.stringValue, expected: "at least one row under the header")
            return nil
        }
        return .trace(rows)
    }

    mutating func readLength(_ node: YAMLNode) -> TokenLength? {
        if node.scalarText != nil { return .fixed(node.intValue) }
        func need(_ key: String, _ kind: String) -> Bool {
            if node[key] == nil { error(node, "a \(kind) length needs '\(key)'", expected: "a '\(key)' key") }
            return node[key] != nil
        }
        switch node.string("distribution")! {
        case "fixed":
            return need("value", "fixed") ? .fixed(node.int("value")!) : nil
        case "uniform":
            guard need("min", "uniform"), need("max", "uniform") else { return nil }
            let low = node.int("min")!, high = node.int("max")!
            guard low <= high else {
                error(node["max"]!, "max \(high) is below min \(low)", value: String(high), expected: "at least \(low)")
                return nil
            }
            return .uniform(low ... high)
        case "lognormal":
            guard need("mean", "lognormal"), need("max", "lognormal") else { return nil }
            return .lognormal(mean: node.double("mean")!, cv: node.double("cv") ?? 1, max: node.int("max")!)
        default:
            return need("values", "empirical") ? .empirical(node["values"]!.items!.map(\.intValue)) : nil
        }
    }

    mutating func readExpectation(_ node: YAMLNode, template: JSONValue, workloadNames: [String]) -> Expectation? {
        switch Expectation.parse(node.stringValue) {
        case .failure(let problem):
            error(node, problem.message, value: node.stringValue)
            return nil
        case .success(let expectation):
            guard expectation.measured(in: template) != nil else {
                error(node, "'\(expectation.metric)' is not a metric of this scenario", value: expectation.metric,
                      expected: "a number in summary.json, like 'facility.pue' or '<workload>.ttft.p99' with workloads "
                        + (workloadNames.isEmpty ? "(none)" : list(workloadNames)))
                return nil
            }
            return expectation
        }
    }
}

/// 'r01 … r40' for a long list, the names themselves for a short one.
func rangeText(_ names: [String]) -> String {
    names.count <= 4 ? list(names) : "'\(names[0])' … '\(names[names.count - 1])' (\(names.count) racks)"
}

func gigabytes(_ bytes: Double) -> String {
    let value = bytes / 1e9
    return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
}
