import Scenario
import ScenarioFormat
import Compute
import Serving
import Testing
import Twin

@Suite("Scenario catalogue overrides")
struct CatalogTests {
    static func plan(_ catalog: String, nodeType: String = "DGX-H100-big", model: String = "Llama-3.1-70B") throws -> ScenarioPlan {
        let text = """
            name: catalog
            duration: 1 min
            catalog:
            \(catalog)
            site:
              power:
                ups: {rating: 200 kW}
              halls:
                - name: hall1
                  cooling: {units: 2, unit_capacity: 100 kW}
                  racks:
                    - name: r1
                      nodes: {type: \(nodeType), count: 4}
            workloads:
              - name: chat
                model: \(model)
                racks: [hall1/r1]
                instances: 32
                arrivals: {process: poisson, rate: 1/s}
                prompt_tokens: 100
                output_tokens: 100
            """
        return try ScenarioPlan.load("catalog.yaml", loader: .inMemory(["catalog.yaml": text]))
    }

    @Test("A GPU 'like' H100 with more HBM, on a node 'like' DGX-H100, reaches the replicas' performance model")
    func overridesReachTheModel() throws {
        let plan = try Self.plan("""
              gpus:
                - {name: H100-144, like: H100, hbm: 144 GB}
              nodes:
                - {name: DGX-H100-big, like: DGX-H100, gpu: H100-144}
            """)
        let performance = plan.twin.workloads[0].served.pool.performance
        #expect(performance.gpu.name == "H100-144")
        #expect(performance.gpu.hbmBytes == 144e9)
        #expect(performance.gpu.hbmBytesPerSecond == 3.35e12, "unchanged keys come from the base entry")
    }

    @Test("A model 'like' another with fewer layers has fewer parameters")
    func modelOverride() throws {
        let plan = try Self.plan("""
              nodes:
                - {name: DGX-H100-big, like: DGX-H100}
              models:
                - {name: Llama-70B-half, like: Llama-3.1-70B, layers: 40}
            """, model: "Llama-70B-half")
        let model = plan.twin.workloads[0].served.pool.performance.model
        #expect(model.layers == 40)
        #expect(model.totalParameters < 40e9)
    }
}
