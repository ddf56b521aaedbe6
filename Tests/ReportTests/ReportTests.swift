import OrderedJSON
import Foundation
import Report
import Testing

@Suite("Report: JSON, expectations, CSV")
struct ReportTests {
    let summary: JSONValue = .object([
        ("scenario", .string("s")),
        ("workloads", .array([
            .object([("name", .string("chat")), ("ttft_seconds", .object([("p99", .number(1.5))])),
                     ("slo_attainment", .number(0.995)), ("requests", .object([("failed", .integer(0))]))]),
        ])),
        ("facility", .object([("pue", .number(1.25)), ("max_inlet_celsius", .number(27.5)), ("peak_it_power_kw", .number(812))])),
    ])

    @Test("JSON renders keys in the order given, two-space indents, scalar arrays on one line, integral doubles without a fraction, NaN as null")
    func jsonRendering() {
        let value: JSONValue = .object([("b", .integer(1)), ("a", .array([.number(2.0), .number(0.25), .number(.nan)])),
                                        ("s", .string("q\"\n")), ("e", .object([]))])
        #expect(value.rendered == "{\n  \"b\": 1,\n  \"a\": [2, 0.25, null],\n  \"s\": \"q\\\"\\n\",\n  \"e\": {}\n}\n")
        #expect(value.compact == "{\"b\":1,\"a\":[2,0.25,null],\"s\":\"q\\\"\\n\",\"e\":{}}\n")
    }

    @Test("An expectation reads metric, operator and a threshold converted to the metric's unit")
    func parsesThresholdsInUnits() throws {
        let ttft = try Expectation.parse("chat.ttft.p99 < 200 ms").get()
        #expect(ttft.metric == "chat.ttft.p99" && ttft.comparison == .less && ttft.threshold == 0.2)
        #expect(try Expectation.parse("chat.slo_attainment >= 99%").get().threshold == 0.99)
        #expect(try Expectation.parse("facility.peak_it_power_kw <= 1.2 MW").get().threshold == 1_200)
        #expect(try Expectation.parse("facility.max_inlet_celsius <= 32 C").get().comparison == .lessOrEqual)
    }

    @Test("Bad expectations are refused with the exact reason")
    func refusesBadExpectations() {
        func message(_ text: String) -> String? {
            if case .failure(let error) = Expectation.parse(text) { return error.message }
            return nil
        }
        #expect(message("chat.ttft.p99 < 2") == "'2' has no unit; expected a duration like '2 s' or '200 ms'")
        #expect(message("chat.ttft.p99 < 2 kW") == "'2 kW' has unit 'kW'; expected a duration like '2 s' or '200 ms'")
        #expect(message("facility.pue <= fast") == "'fast' is not a threshold; expected a number like '0.99' or '99%'")
        #expect(message("chat ttft p99 2s")
            == "'chat ttft p99 2s' is not an expectation; expected 'metric op value' with op one of <, <=, >, >=, ==, != between spaces, like 'chat.ttft.p99 < 2 s'")
        #expect(message("chat..p99 < 2 s") == "'chat..p99' is not a metric name; expected dotted names like 'chat.ttft.p99'")
    }

    @Test("Expectations find workload metrics by name and facility metrics by key, and fail on unknown metrics")
    func evaluatesAgainstSummary() throws {
        let pass = try Expectation.parse("chat.ttft.p99 < 2 s").get().evaluate(in: summary)
        #expect(pass.passed && pass.measured == 1.5)
        let fail = try Expectation.parse("facility.pue <= 1.2").get().evaluate(in: summary)
        #expect(!fail.passed && fail.measured == 1.25)
        #expect(try Expectation.parse("chat.requests.failed == 0").get().evaluate(in: summary).passed)
        let unknown = try Expectation.parse("batch.ttft.p99 < 2 s").get().evaluate(in: summary)
        #expect(!unknown.passed && unknown.measured == nil)
    }

    @Test("CSV quotes fields with commas, quotes or line breaks and leaves others bare")
    func csvQuoting() {
        #expect(CSV.render(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["1", ""]]) == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n1,\n")
    }
}

@Suite("HTML report")
struct HTMLReportTests {
    @Test("Chart ticks are round numbers covering the data range")
    func ticks() {
        #expect(HTMLReportProbe.ticks(0, 1_000) == [0, 200, 400, 600, 800, 1_000])
        #expect(HTMLReportProbe.ticks(3.2, 7.9) == [3, 4, 5, 6, 7, 8])
        #expect(HTMLReportProbe.ticks(0, 325) == [0, 100, 200, 300, 400], "the top tick is at or above the data")
    }

    @Test("The page is self-contained: no scripts and no external references, names escaped, one SVG per chart")
    func selfContained() {
        let summary: JSONValue = .object([
            ("scenario", .string("a<b")), ("seed", .integer(1)), ("simulated_seconds", .number(60)), ("events_processed", .integer(10)),
            ("wall_seconds", .number(0.5)), ("workloads", .array([])), ("facility", .object([])),
        ])
        let html = HTMLReport.render(summary: summary, description: "d & e", timeSeries: TimeSeries(workloadNames: []), curves: [], faults: [])
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.contains("<h1>a&lt;b</h1>") && html.contains("d &amp; e"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4, "the four facility charts, even without data")
    }
}
