import Scenario
import ScenarioFormat
import Serving
import SimKernel
import Testing
import Twin

@Suite("Scenario: replaying a CSV trace")
struct TraceReplayTests {
    static let scenario = """
        name: replay
        duration: 1 min
        site:
          power:
            ups: {rating: 100 kW}
          halls:
            - name: hall1
              cooling: {units: 2, unit_capacity: 40 kW}
              racks:
                - name: r1
                  nodes: {type: DGX-H100, count: 4}
        workloads:
          - name: chat
            model: Llama-3.1-8B
            racks: [hall1/r1]
            instances: 32
            arrivals: {process: trace, file: traces/chat.csv}
        """

    @Test("Rows become arrivals with their own lengths, read relative to the scenario file; every one is served")
    func rowsBecomeRequests() throws {
        let csv = "arrival_s,prompt_tokens,output_tokens\r\n0.5,800,120\r\n0.75,1200,300\r\n2,50,10\r\n"
        let plan = try ScenarioPlan.load("site/replay.yaml", loader: .inMemory(["site/replay.yaml": Self.scenario, "site/traces/chat.csv": csv]))
        let arrivals = plan.twin.workloads[0].served.workload.arrivals
        #expect(arrivals == .trace([TraceRow(arrival: .milliseconds(500), promptTokens: 800, outputTokens: 120),
                                    TraceRow(arrival: .milliseconds(750), promptTokens: 1_200, outputTokens: 300),
                                    TraceRow(arrival: .seconds(2), promptTokens: 50, outputTokens: 10)]))
        let result = ScenarioResult.run(plan, seed: 1)
        let metrics = result.twin.serving.routers[0].metrics
        #expect(metrics.arrived == 3 && metrics.completed == 3)
        #expect(metrics.promptTokens == 2_050 && metrics.outputTokens == 430)
    }
}
