import Compute
import Facility
import Foundation
import Report
public import ScenarioFormat
import Serving
import SimKernel
import Twin

extension ScenarioPlan {
    /// Reads `path` (with its imports), validates it against `ScenarioSchema.scenario`, then
    /// checks what the schema cannot: names that refer to things, models that must fit their
    /// GPUs, sizes within limits. Every problem found is thrown together.
    public static func load(_ path: String, loader: SourceLoader = .fileSystem) throws(ScenarioErrors) -> ScenarioPlan {
        let loaded = try loadScenario(path, schema: ScenarioSchema.scenario, loader: loader)
        var reader = ScenarioReader(root: loaded.root, loader: loader)
        let plan = reader.read(files: loaded.files)
        let problems = (loaded.warnings + reader.diagnostics).sorted()
        guard let plan, !problems.contains(where: { $0.severity == .error }) else { throw ScenarioErrors(problems) }
        var result = plan
        result.warnings = problems
        return result
    }
}

/// Builds the plan from a validated tree, collecting semantic problems.
struct ScenarioReader {
    let root: YAMLNode
    var diagnostics: [ScenarioDiagnostic] = []
    var gpus = Catalogue.gpus
    var nodeTypes = Catalogue.nodes
    var models = Catalogue.models

    /// Where things are, by the names a scenario uses for them.
    struct HallIndex {
        var name: String
        var zone: Int
        var coolantLoop: Int?
        var units: Int
        var liquidUnits: Int
        var racks: [String: Int] = [:]
        var rackOrder: [String] = []
    }
    var halls: [HallIndex] = []
    var rackNodes: [[Int]] = []  // facility rack → its facility node indices
    var rackNodeNames: [[String]] = []
    var rackHasRearDoor: [Bool] = []
    var nodeTypeOfNode: [NodeTypeSpec] = []

    /// Reads files the scenario names (trace CSVs), as it read the scenario.
    let loader: SourceLoader

    init(root: YAMLNode, loader: SourceLoader) {
        self.root = root
        self.loader = loader
    }

    /// Records an error about `node`; the message ends with what was expected, like the
    /// schema's own messages.
    mutating func error(_ node: YAMLNode, _ message: String, value: String? = nil, expected: String? = nil) {
        let text = expected.map { "\(message); expected \($0)" } ?? message
        diagnostics.append(.error(at: node, text, value: value, expected: expected))
    }

    mutating func read(files: [String]) -> ScenarioPlan? {
        if let catalog = root["catalog"] { readCatalog(catalog) }
        let duration = root.duration("duration")!
        let warmUp = root.duration("warm_up") ?? .zero
        if warmUp >= duration {
            error(root["warm_up"]!, "the warm-up (\(warmUp)) is not shorter than the run (\(duration))",
                  value: root["warm_up"]!.stringValue, expected: "a warm-up shorter than 'duration'")
        }
        let errorsBeforeSite = diagnostics.count
        let facility = readFacility(root["site"]!)
        // Workloads and faults name racks and nodes: with a broken site they would only
        // repeat its errors, so they are read only once the site is whole.
        let siteIsWhole = !diagnostics[errorsBeforeSite...].contains { $0.severity == .error }
        var placed: [PlacedWorkloadSpec] = []
        var used: [Int: String] = [:]
        for item in siteIsWhole ? root["workloads"]?.items ?? [] : [] {
            if let workload = readWorkload(item, duration: duration, used: &used) { placed.append(workload) }
        }
        // Expectations are checked against every declared workload, read or not, so one bad
        // workload gives one error, not one more per expectation that names it.
        let names = (root["workloads"]?.items ?? []).map { $0.string("name")! }
        let economics = Economics(gpuHourUSD: root["economics"]?.quantity(.hourlyPrice, "gpu_hour_price") ?? 2.5,
                                  electricityUSDPerKilowattHour: root["economics"]?.quantity(.energyPrice, "electricity_price") ?? 0.08)
        let fabricNode = root["fabric"]
        let fabric = FabricSpec(nodesPerLeafGroup: fabricNode?.int("nodes_per_leaf_group") ?? 32,
                                oversubscription: fabricNode?.double("oversubscription") ?? 1,
                                latencySeconds: fabricNode?.duration("latency")?.seconds ?? 5e-6)
        let workloadsAreWhole = placed.count == (root["workloads"]?.items?.count ?? 0)
        let faults = siteIsWhole && workloadsAreWhole
            ? (root["faults"]?.items ?? []).compactMap { readFault($0, workloads: placed, duration: duration) } : []
        // What a summary of these workloads will hold, to check that expectations name its numbers.
        let template = Summary.make(scenario: "", seed: 0, wallSeconds: 0, report: .empty(workloadNames: names),
                                    extremes: FacilityExtremes(), faults: [])
        let expectations = (root["expect"]?.items ?? []).compactMap { readExpectation($0, template: template, workloadNames: names) }
        let gpuCount = nodeTypeOfNode.reduce(0) { $0 + $1.gpuCount }
        if gpuCount > ScenarioSchema.maximumGPUs {
            error(root["site"]!, "the site has \(gpuCount) GPUs, over the limit of \(ScenarioSchema.maximumGPUs)",
                  value: String(gpuCount), expected: "at most \(ScenarioSchema.maximumGPUs) GPUs")
        }
        guard let facility else { return nil }
        let outputs = root["outputs"]
        return ScenarioPlan(
            name: root.string("name")!, description: root.string("description") ?? "", seed: UInt64(root.int("seed") ?? 1),
            sampleInterval: root.duration("sample_interval") ?? .minutes(1),
            twin: TwinSpec(facility: facility, workloads: placed, economics: economics, fabric: fabric, warmUp: min(warmUp, duration),
                           duration: duration),
            faults: faults, expectations: expectations,
            writesTimeSeries: outputs?.bool("timeseries") ?? true, writesEvents: outputs?.bool("events") ?? true,
            writesHTML: outputs?.bool("html") ?? true, writesRequests: outputs?.bool("requests") ?? false,
            warnings: [], gpuCount: gpuCount, files: files)
    }

    // MARK: Catalogue

    mutating func readCatalog(_ catalog: YAMLNode) {
        for item in catalog["gpus"]?.items ?? [] {
            let name = item.string("name")!
            var gpu: GPUSpec
            if let like = item["like"] {
                guard let base = gpus.last(where: { $0.name == like.stringValue }) else {
                    error(like, "unknown GPU '\(like.stringValue)'", value: like.stringValue, expected: "one of " + list(gpus.map(\.name)))
                    continue
                }
                gpu = base
            } else {
                let required = ["bf16_tflops", "hbm", "hbm_bandwidth", "nvlink_bandwidth", "tdp", "idle_power"]
                let missing = required.filter { item[$0] == nil }
                guard missing.isEmpty else {
                    error(item, "GPU '\(name)' without 'like' needs \(missing.map { "'\($0)'" }.joined(separator: ", "))")
                    continue
                }
                gpu = GPUSpec(name: name, denseFLOPS: [:], hbmBytes: 0, hbmBytesPerSecond: 0, nvlinkBytesPerSecond: 0, tdpWatts: 0,
                              idleWatts: 0, slowdownCelsius: 89, shutdownCelsius: 92)
            }
            gpu.name = name
            if let value = item.double("bf16_tflops") { gpu.denseFLOPS[.bf16] = value * 1e12 }
            if let value = item.double("fp8_tflops") { gpu.denseFLOPS[.fp8] = value * 1e12 }
            if let value = item.double("fp4_tflops") { gpu.denseFLOPS[.fp4] = value * 1e12 }
            if let value = item.quantity(.dataSize, "hbm") { gpu.hbmBytes = value }
            if let value = item.quantity(.bandwidth, "hbm_bandwidth") { gpu.hbmBytesPerSecond = value }
            if let value = item.quantity(.bandwidth, "nvlink_bandwidth") { gpu.nvlinkBytesPerSecond = value }
            if let value = item.quantity(.power, "tdp") { gpu.tdpWatts = value }
            if let value = item.quantity(.power, "idle_power") { gpu.idleWatts = value }
            if let value = item.quantity(.temperature, "slowdown_temperature") { gpu.slowdownCelsius = value }
            if let value = item.quantity(.temperature, "shutdown_temperature") { gpu.shutdownCelsius = value }
            guard gpu.shutdownCelsius > gpu.slowdownCelsius else {
                error(item["shutdown_temperature"] ?? item["slowdown_temperature"] ?? item,
                      "GPU '\(name)' shuts down at \(gpu.shutdownCelsius) C, not above its slowdown at \(gpu.slowdownCelsius) C",
                      expected: "a shutdown temperature above the slowdown temperature")
                continue
            }
            gpus.append(gpu)
        }
        for item in catalog["nodes"]?.items ?? [] {
            let name = item.string("name")!
            var node: NodeTypeSpec
            if let like = item["like"] {
                guard let base = nodeTypes.last(where: { $0.name == like.stringValue }) else {
                    error(like, "unknown node type '\(like.stringValue)'", value: like.stringValue,
                          expected: "one of " + list(nodeTypes.map(\.name)))
                    continue
                }
                node = base
            } else {
                let required = ["gpu", "gpus", "nic_bandwidth", "power_supplies", "power_supply_rating", "power_supplies_required", "max_power"]
                let missing = required.filter { item[$0] == nil }
                guard missing.isEmpty else {
                    error(item, "node type '\(name)' without 'like' needs \(missing.map { "'\($0)'" }.joined(separator: ", "))")
                    continue
                }
                node = NodeTypeSpec(name: name, gpu: "", gpuCount: 1, nicBitsPerSecond: 0, powerSupplies: 1, powerSupplyWatts: 0,
                                    powerSuppliesRequired: 1, maxPowerWatts: 0)
            }
            node.name = name
            if let gpu = item["gpu"] {
                if gpus.contains(where: { $0.name == gpu.stringValue }) { node.gpu = gpu.stringValue } else {
                    error(gpu, "unknown GPU '\(gpu.stringValue)'", value: gpu.stringValue, expected: "one of " + list(gpus.map(\.name)))
                }
            }
            if let value = item.int("gpus") { node.gpuCount = value }
            if let value = item.quantity(.bandwidth, "nic_bandwidth") { node.nicBitsPerSecond = value * 8 }
            if let value = item.int("power_supplies") { node.powerSupplies = value }
            if let value = item.quantity(.power, "power_supply_rating") { node.powerSupplyWatts = value }
            if let value = item.int("power_supplies_required") { node.powerSuppliesRequired = value }
            if let value = item.quantity(.power, "max_power") { node.maxPowerWatts = value }
            nodeTypes.append(node)
        }
        for item in catalog["models"]?.items ?? [] {
            let like = item["like"]!
            guard var model = models.last(where: { $0.name == like.stringValue }) else {
                error(like, "unknown model '\(like.stringValue)'", value: like.stringValue, expected: "one of " + list(models.map(\.name)))
                continue
            }
            model.name = item.string("name")!
            if let value = item.int("layers") { model.layers = value }
            if let value = item.int("hidden_size") { model.hiddenSize = value }
            if let value = item.int("heads") { model.heads = value }
            if let value = item.int("kv_heads") { model.kvHeads = value }
            if let value = item.int("head_dim") { model.headDim = value }
            if let value = item.int("ffn_size") { model.ffnSize = value }
            models.append(model)
        }
    }

    // MARK: Facility

    mutating func readFacility(_ site: YAMLNode) -> FacilitySpec? {
        let power = site["power"]!
        let ups = power["ups"]!
        let generator = power["generator"]
        let feed = FeedSpec(
            upsRatedPowerWatts: ups.quantity(.power, "rating")!, upsModules: ups.int("modules") ?? 1,
            generatorStartDelay: generator?.duration("start_delay") ?? .seconds(10),
            generatorFailToStartProbability: generator?.quantity(.fraction, "fail_to_start_probability") ?? 0,
            upsBatteryRuntimeAtFullLoad: ups.duration("battery_runtime") ?? .minutes(5))
        var zones: [ZoneSpec] = [], loops: [ZoneSpec] = [], racks: [RackSpec] = []
        var nameplateWatts = 0.0
        for hallNode in site["halls"]!.items! {
            let hallName = hallNode.string("name")!
            if halls.contains(where: { $0.name == hallName }) {
                error(hallNode["name"]!, "hall '\(hallName)' is named twice", value: hallName, expected: "a name no other hall has")
            }
            let cooling = hallNode["cooling"]!
            let liquid = hallNode["liquid_cooling"]
            var index = HallIndex(name: hallName, zone: zones.count, coolantLoop: liquid == nil ? nil : loops.count,
                                  units: cooling.int("units")!, liquidUnits: liquid?.int("units") ?? 0)
            var hallRacks = 0
            var airHeatWatts = 0.0, liquidHeatWatts = 0.0
            for group in hallNode["racks"]!.items! {
                let nameNode = group["name"]!
                let names = nameNode.namesValue
                if let count = group.int("count"), count != names.count {
                    error(group["count"]!, "count is \(count) but '\(nameNode.stringValue)' makes \(names.count) names",
                          value: String(count), expected: "\(names.count), the number of names the template makes")
                }
                let nodesNode = group["nodes"]!
                let typeNode = nodesNode["type"]!
                guard let type = nodeTypes.last(where: { $0.name == typeNode.stringValue }) else {
                    error(typeNode, "unknown node type '\(typeNode.stringValue)'", value: typeNode.stringValue,
                          expected: "one of " + list(nodeTypes.map(\.name)))
                    continue
                }
                guard let gpu = gpus.last(where: { $0.name == type.gpu }) else {
                    error(typeNode, "node type '\(type.name)' has unknown GPU '\(type.gpu)'")
                    continue
                }
                let nodeCount = nodesNode.int("count")!
                var nodeNames = (1 ... nodeCount).map { "n\($0)" }
                if let template = nodesNode["name"] {
                    nodeNames = template.namesValue
                    if nodeNames.count != nodeCount {
                        error(template, "'\(template.stringValue)' makes \(nodeNames.count) names for \(nodeCount) nodes",
                              value: template.stringValue, expected: "a template making \(nodeCount) names")
                        continue
                    }
                }
                let budget = group.quantity(.power, "power_budget") ?? 44_000
                let liquidFraction = group.quantity(.fraction, "liquid_fraction") ?? 0
                if liquidFraction > 0 && liquid == nil {
                    error(group["liquid_fraction"]!, "racks with a liquid_fraction need the hall's liquid_cooling",
                          value: group["liquid_fraction"]!.stringValue, expected: "a 'liquid_cooling' block on hall '\(hallName)'")
                }
                let nameplate = Double(nodeCount) * type.maxPowerWatts
                if nameplate > budget {
                    diagnostics.append(.warning(at: group["nodes"]!, "\(nodeCount) × \(type.name) have a nameplate of "
                        + "\(kilowatts(nameplate)) kW, over the racks' \(kilowatts(budget)) kW budget: expect capping at full load"))
                }
                let profile = NodePowerProfile(node: type, gpu: gpu)
                let governor = GPUThermalGovernor.forGPU(gpu, liquid: liquidFraction > 0)
                let supplies = PowerSupplySet(perFeed: max(1, type.powerSupplies / 2), ratingWatts: type.powerSupplyWatts,
                                              minimumForOperation: type.powerSuppliesRequired, holdUp: .milliseconds(16))
                let cording: Cording = group.string("cording") == "sts" ? .sts : .dual
                for name in names {
                    if index.racks[name] != nil {
                        error(nameNode, "rack '\(hallName)/\(name)' is named twice", value: name, expected: "names no other rack in the hall has")
                        continue
                    }
                    index.racks[name] = racks.count
                    index.rackOrder.append(name)
                    var nodeIndices: [Int] = []
                    for _ in nodeNames {
                        nodeIndices.append(nodeTypeOfNode.count)
                        nodeTypeOfNode.append(type)
                    }
                    rackNodes.append(nodeIndices)
                    rackNodeNames.append(nodeNames)
                    rackHasRearDoor.append(group["rear_door"] != nil)
                    racks.append(RackSpec(
                        name: "\(hallName)/\(name)", zone: zones.count,
                        nodes: nodeNames.map { NodeSpec(name: $0, power: profile, supplies: supplies, gpuThermal: governor, cording: cording) },
                        powerBudgetWatts: budget, rearDoorCapacityWatts: group.quantity(.power, "rear_door"),
                        coolantLoop: liquidFraction > 0 ? index.coolantLoop : nil, liquidFraction: liquid == nil ? 0 : liquidFraction))
                    hallRacks += 1
                    nameplateWatts += nameplate
                    airHeatWatts += nameplate * (1 - liquidFraction)
                    liquidHeatWatts += nameplate * liquidFraction
                }
            }
            let air = Self.zone(named: hallName, cooling: cooling, racks: hallRacks, initial: hallNode.quantity(.temperature, "initial_temperature"))
            let airCapacity = Double(index.units) * cooling.quantity(.power, "unit_capacity")!
            let doorWatts = racks.filter { $0.zone == zones.count }.reduce(0.0) { $0 + ($1.rearDoorCapacityWatts ?? 0) }
            if airCapacity + doorWatts < airHeatWatts {
                diagnostics.append(.warning(at: cooling, "hall '\(hallName)': cooling of \(kilowatts(airCapacity + doorWatts)) kW is below "
                    + "the \(kilowatts(airHeatWatts)) kW nameplate heat of its racks: inlets will rise at full load"))
            }
            zones.append(air)
            if let liquid {
                loops.append(Self.zone(named: "\(hallName)-liquid", cooling: liquid, racks: hallRacks,
                                       initial: hallNode.quantity(.temperature, "initial_temperature")))
                let capacity = Double(index.liquidUnits) * liquid.quantity(.power, "unit_capacity")!
                if capacity < liquidHeatWatts {
                    diagnostics.append(.warning(at: liquid, "hall '\(hallName)': liquid cooling of \(kilowatts(capacity)) kW is below "
                        + "the \(kilowatts(liquidHeatWatts)) kW nameplate liquid heat of its racks"))
                }
            }
            halls.append(index)
        }
        if feed.upsRatedPowerWatts < nameplateWatts {
            diagnostics.append(.warning(at: ups["rating"]!, "each feed's UPS (\(kilowatts(feed.upsRatedPowerWatts)) kW) is below the "
                + "\(kilowatts(nameplateWatts)) kW nameplate of all nodes: one feed alone cannot carry the site at full load"))
        }
        guard !racks.isEmpty else { return nil }
        return FacilitySpec(feedA: feed, feedB: feed, zones: zones, coolantLoops: loops, racks: racks)
    }

    /// ~600 kJ/K of air and metal per rack [estimate, as the facility tests]; units' conductance
    /// from their capacity and the rise above supply at which they deliver it.
    static func zone(named name: String, cooling: YAMLNode, racks: Int, initial: Double?) -> ZoneSpec {
        let supply = cooling.quantity(.temperature, "supply_temperature") ?? 20
        let capacity = cooling.quantity(.power, "unit_capacity")!
        let rise = cooling.quantity(.temperatureDifference, "rise_at_capacity") ?? 8.4
        let unit = Cooling(conductanceWattsPerKelvin: capacity / rise, supplyTemperatureCelsius: supply, capacityWatts: capacity)
        return ZoneSpec(name: name, capacitanceJoulesPerKelvin: 600_000 * Double(max(1, racks)), initialCelsius: initial ?? supply + 7,
                        coolingUnits: Array(repeating: unit, count: cooling.int("units")!), chillerCOP: cooling.double("chiller_cop") ?? 5,
                        allowableInletCelsius: cooling.quantity(.temperature, "allowable_inlet") ?? 32,
                        chilledWaterBufferJoules: cooling.quantity(.energy, "chilled_water_buffer"))
    }
}

func list(_ names: [String]) -> String {
    var seen: [String] = []
    for name in names where !seen.contains(name) { seen.append(name) }
    return seen.map { "'\($0)'" }.joined(separator: ", ")
}

func kilowatts(_ watts: Double) -> String {
    let value = watts / 1_000
    return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
}

extension GPUThermalGovernor {
    /// The H100 governor (air or liquid) with the GPU's own slowdown and shutdown temperatures.
    static func forGPU(_ gpu: GPUSpec, liquid: Bool) -> GPUThermalGovernor {
        let base = liquid ? GPUThermalGovernor.h100Liquid : .h100Air
        return GPUThermalGovernor(slowdownCelsius: gpu.slowdownCelsius, shutdownCelsius: gpu.shutdownCelsius,
                                  hysteresisKelvin: base.hysteresisKelvin, thermalResistanceKelvinPerWatt: base.thermalResistanceKelvinPerWatt,
                                  throttledSpeedFactor: base.throttledSpeedFactor)
    }
}
