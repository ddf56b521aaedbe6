import Compute
import Scenario
import ScenarioFormat
import Serving
import Testing
import Twin

@Suite("Scenario: disaggregated workloads")
struct DisaggregatedScenarioTests {
    static let text = """
        name: split
        duration: 1 min
        fabric: {nodes_per_leaf_group: 4, oversubscription: 2, latency: 8 us}
        site:
          power:
            ups: {rating: 200 kW}
          halls:
            - name: hall1
              cooling: {units: 2, unit_capacity: 100 kW}
              racks:
                - name: "r{1..3}"
                  nodes: {type: DGX-H100, count: 4}
        workloads:
          - name: chat
            model: Llama-3.1-70B
            kv_precision: bf16
            prefill: {racks: [hall1/r1], instances: 4, tensor_parallel: 8, engine: {token_budget: 8192}}
            decode: {racks: ["hall1/r{2..3}"], instances: 16, tensor_parallel: 2}
            arrivals: {process: poisson, rate: 1/s}
            prompt_tokens: 100
            output_tokens: 100
        faults:
          - {at: 30 s, component: chat/decode-3, kind: instance_failure, duration: 10 s}
          - {at: 40 s, component: chat/prefill-1, kind: instance_failure}
        """

    @Test("Prefill and decode pools each get their racks, layout and engine; the fabric block reaches the twin")
    func poolsAndFabric() throws {
        let plan = try ScenarioPlan.load("split.yaml", loader: .inMemory(["split.yaml": Self.text]))
        let placed = plan.twin.workloads[0]
        #expect(placed.served.pool.count == 4 && placed.served.pool.performance.layout.tensorParallel == 8)
        #expect(placed.served.pool.engine.tokenBudget == 8_192)
        let decode = try #require(placed.served.decodePool)
        #expect(decode.count == 16 && decode.performance.layout.tensorParallel == 2)
        #expect(decode.engine.tokenBudget == 2_048, "engine defaults per pool")
        #expect(decode.performance.layout.kvPrecision == .bf16, "precisions apply to both pools")
        #expect(placed.nodes == [0, 1, 2, 3] && placed.decodeNodes == Array(4 ..< 12))
        #expect(plan.twin.fabric == FabricSpec(nodesPerLeafGroup: 4, oversubscription: 2, latencySeconds: 8e-6))
    }

    @Test("'prefill-<n>' and 'decode-<n>' name instances in the router's order: prefill first, then decode")
    func instancePaths() throws {
        let plan = try ScenarioPlan.load("split.yaml", loader: .inMemory(["split.yaml": Self.text]))
        let targets = plan.faults.flatMap(\.actions).compactMap { action -> Int? in
            if case .instance(_, _, let instance) = action { return instance }
            return nil
        }
        #expect(targets == [4 + 3, 1])
    }

    @Test("pipeline_parallel reaches the layout: Llama-3.1-405B in BF16 fits two DGX H100 as TP8 × PP2 and is refused as TP8 on one")
    func pipelineParallelKey() throws {
        func text(_ parallel: String) -> String {
            """
            name: pp
            duration: 1 min
            site:
              power:
                ups: {rating: 200 kW}
              halls:
                - name: hall1
                  cooling: {units: 2, unit_capacity: 100 kW}
                  racks:
                    - name: r1
                      nodes: {type: DGX-H100, count: 4}
            workloads:
              - name: big
                model: Llama-3.1-405B
                weight_precision: bf16
                racks: [hall1/r1]
                instances: 2
                \(parallel)
                arrivals: {process: poisson, rate: 1/s}
                prompt_tokens: 100
                output_tokens: 100
            """
        }
        let plan = try ScenarioPlan.load("pp.yaml", loader: .inMemory(["pp.yaml": text("tensor_parallel: 8\n    pipeline_parallel: 2")]))
        #expect(plan.twin.workloads[0].served.pool.performance.layout.pipelineParallel == 2)
        #expect(plan.gpuCount == 32)
        #expect(throws: ScenarioErrors.self) {
            try ScenarioPlan.load("pp.yaml", loader: .inMemory(["pp.yaml": text("tensor_parallel: 8")]))
        }
    }
}
