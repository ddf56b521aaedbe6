import Foundation
import ScenarioFormat
import Testing

private func loadProblems(_ path: String, _ files: [String: String], schema: Schema? = nil, limits: ParseLimits = ParseLimits()) -> [String] {
    do {
        _ = try loadScenario(path, schema: schema, loader: .inMemory(files), limits: limits)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

@Suite("Imports")
struct ImportTests {
    let base = """
        site:
          name: base
          racks: [{name: "r{1..4}", count: 4}]
          labels: {owner: ops, tier: "1"}
        workloads:
          - rate: 1/s
        """

    @Test("An import merges mappings key by key with the importing file winning, and replaces sequences")
    func overrideMerge() throws {
        let files = [
            "scenarios/common/base.yaml": base,
            "scenarios/run.yaml": """
                import: common/base.yaml
                site:
                  labels: {tier: "2", zone: b}
                workloads:
                  - rate: 5/s
                """,
        ]
        let loaded = try loadScenario("scenarios/run.yaml", schema: siteSchema, loader: .inMemory(files))
        let root = loaded.root
        #expect(root.entries?.map(\.key) == ["site", "workloads"])
        #expect(root["site"]?["name"]?.scalarText == "base")
        #expect(root["site"]?["labels"]?.entries?.map(\.key) == ["owner", "tier", "zone"])
        #expect(root["site"]?["labels"]?["tier"]?.scalarText == "2")
        #expect(root["workloads"]?.items?.count == 1)
        #expect(root["workloads"]?.items?[0]["rate"]?.scalarText == "5/s")
        #expect(loaded.files == ["scenarios/run.yaml", "scenarios/common/base.yaml"])
    }

    @Test("Nodes keep the location of the file they came from, so errors point into it")
    func locationsFollowFiles() {
        let files = [
            "base.yaml": base.replacingOccurrences(of: "count: 4", with: "count: 400"),
            "run.yaml": "import: [base.yaml]\nsite:\n  name: Run\n",
        ]
        #expect(loadProblems("run.yaml", files, schema: siteSchema) == [
            "base.yaml:3:36: error: site.racks[0].count: 400 is more than the maximum of 64",
            "run.yaml:3:9: error: site.name: 'Run' does not match the pattern '[a-z][a-z0-9-]*'",
        ])
    }

    @Test("Several imports apply in order, later ones over earlier ones")
    func importList() throws {
        let files = ["a.yaml": "x: {p: 1, q: 1}\n", "b.yaml": "x: {q: 2}\n", "main.yaml": "import: [a.yaml, b.yaml]\nx: {r: 3}\n"]
        let root = try loadScenario("main.yaml", schema: nil, loader: .inMemory(files)).root
        #expect(root["x"]?.entries?.map { "\($0.key)=\($0.value.scalarText ?? "")" } == ["p=1", "q=2", "r=3"])
    }

    @Test("An import cycle is an error at the import that closes it, showing the chain")
    func cycle() {
        let files = ["a.yaml": "import: b.yaml\nx: 1\n", "b.yaml": "y: 2\nimport: ./a.yaml\n"]
        #expect(loadProblems("a.yaml", files) == ["b.yaml:2:9: error: import: import cycle: a.yaml -> b.yaml -> a.yaml"])
    }

    @Test("Imports nested deeper than the limit are refused, naming the limit")
    func depth() {
        var files: [String: String] = [:]
        for level in 0..<4 { files["f\(level).yaml"] = "import: f\(level + 1).yaml\n" }
        files["f4.yaml"] = "x: 1\n"
        #expect(loadProblems("f0.yaml", files, limits: ParseLimits(maximumImportDepth: 3)) == [
            "f3.yaml:1:9: error: import: imports nest deeper than the limit of 3 files: f0.yaml -> f1.yaml -> f2.yaml -> f3.yaml -> f4.yaml",
        ])
        #expect(loadProblems("f0.yaml", files, limits: ParseLimits(maximumImportDepth: 4)) == [])
    }

    @Test("A missing import, a bad import value and a syntax error in an import are all reported")
    func importProblems() {
        let files = ["main.yaml": "import: [gone.yaml, broken.yaml]\n", "broken.yaml": "a: [1\n", "other.yaml": "import: {a: 1}\n"]
        #expect(loadProblems("main.yaml", files) == [
            "broken.yaml:2:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)",
            "main.yaml:1:10: error: import[0]: cannot read imported file 'gone.yaml'",
        ])
        #expect(loadProblems("other.yaml", files) == [
            "other.yaml:1:9: error: import: expected a file path or a sequence of file paths, found a mapping",
        ])
        #expect(loadProblems("nowhere.yaml", files) == ["nowhere.yaml:1:1: error: cannot read 'nowhere.yaml'"])
    }

    @Test("An empty scenario file names the schema's required top-level keys")
    func emptyWithSchemaKeys() {
        #expect(loadProblems("e.yaml", ["e.yaml": ""], schema: siteSchema) == ["e.yaml:1:1: error: file is empty; expected a mapping with keys 'site'"])
    }

    @Test("Warnings come back with a successful load")
    func warnings() throws {
        let files = ["w.yaml": "site:\n  name: a\n  racks: [{name: r, count: 1}]\n  legacy: 2\n"]
        let loaded = try loadScenario("w.yaml", schema: siteSchema, loader: .inMemory(files))
        #expect(loaded.warnings.map(\.description) == ["w.yaml:4:3: warning: site.legacy: 'legacy' is deprecated; use 'racks' instead"])
    }
}
