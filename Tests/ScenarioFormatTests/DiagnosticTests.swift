import ScenarioFormat
import Testing

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test("Errors and warnings render on one line as file:line:column: severity: path: message")
    func rendering() {
        let at = SourceLocation(file: "topologies/x.yaml", line: 12, column: 9)
        let path = YAMLPath.root.appending(key: "workloads").appending(index: 0).appending(key: "rate")
        #expect(ScenarioDiagnostic(.error, at: at, path: path, "'12 q/s' is not a rate").description
            == "topologies/x.yaml:12:9: error: workloads[0].rate: '12 q/s' is not a rate")
        #expect(ScenarioDiagnostic(.warning, at: at, path: path, "is deprecated").description
            == "topologies/x.yaml:12:9: warning: workloads[0].rate: is deprecated")
        #expect(ScenarioDiagnostic(.error, at: at, "file is empty").description == "topologies/x.yaml:12:9: error: file is empty")
    }

    @Test("Errors sort by file, line, column, then message, whatever order they were found in")
    func deterministicOrder() {
        func diagnostic(_ file: String, _ line: Int, _ column: Int, _ message: String) -> ScenarioDiagnostic {
            ScenarioDiagnostic(.error, at: SourceLocation(file: file, line: line, column: column), message)
        }
        let found = [
            diagnostic("b.yaml", 1, 1, "m"), diagnostic("a.yaml", 10, 2, "m"), diagnostic("a.yaml", 2, 5, "z"),
            diagnostic("a.yaml", 2, 5, "a"), diagnostic("a.yaml", 2, 1, "m"),
        ]
        let expected = [
            "a.yaml:2:1: error: m", "a.yaml:2:5: error: a", "a.yaml:2:5: error: z", "a.yaml:10:2: error: m", "b.yaml:1:1: error: m",
        ]
        #expect(ScenarioErrors(found).diagnostics.map(\.description) == expected)
        #expect(ScenarioErrors(found.reversed()).description == expected.joined(separator: "\n"))
    }
}
