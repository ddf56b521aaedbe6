import ScenarioFormat
import Testing

/// A small scenario-like format: a site with racks, and workloads.
let rackSchema = Schema.object([
    .required("name", .nameTemplate()),
    .required("count", .integer(minimum: 1, maximum: 64)),
    .optional("power", .quantity(.power, .positive), default: "44 kW", "Power budget of one rack."),
    .optional("cooling", .choice(["air", "liquid"]), default: "air"),
])

let siteSchema = Schema.object([
    .required("site", .object([
        .required("name", .string(pattern: "[a-z][a-z0-9-]*")),
        .required("racks", .array(of: rackSchema, minItems: 1)),
        .optional("utilisation", .quantity(.fraction)),
        .optional("pue", .number(minimum: 1, maximum: 3)),
        .optional("redundant", .boolean()),
        .optional("legacy", .integer()).deprecated("use 'racks' instead"),
        .optional("labels", .object([], additional: .string())),
        .optional("feed", .anyOf([.quantity(.power), .object([.required("power", .quantity(.power))])])),
    ])),
    .optional("workloads", .array(of: .object([.required("rate", .quantity(.rate, .positive))]))),
])

@Suite("Validation")
struct ValidationTests {
    @Test("A valid document has no diagnostics")
    func valid() throws {
        let text = """
            site:
              name: north-1
              racks:
                - {name: "r{01..40}", count: 40, power: 44 kW, cooling: liquid}
              utilisation: 90%
              pue: 1.2
              redundant: true
              labels: {owner: ops, tier: 3}
              feed: {power: 2 MW}
            workloads:
              - rate: 1.2/s
            """
        #expect(try validationProblems(text, siteSchema) == [])
    }

    @Test("A bad quantity renders as file:line:column, path, the text and what was expected")
    func badQuantity() throws {
        let text = String(repeating: "\n", count: 10) + "workloads:\n- rate: 12 q/s\n"
        let root = try YAMLNode.parse(text, file: "topologies/x.yaml")
        let workloads = Schema.object([.optional("workloads", .array(of: .object([.required("rate", .quantity(.rate))])))])
        let problems = validate(root, against: workloads)
        #expect(problems.map(\.description) == [
            "topologies/x.yaml:12:9: error: workloads[0].rate: '12 q/s' is not a rate; expected a number per time like '1.2/s' or '300/min'",
        ])
        #expect(problems.first?.value == "12 q/s")
        #expect(problems.first?.expected == "a number per time like '1.2/s' or '300/min'")
    }

    @Test("A bare number where a power is required names the units")
    func bareNumberPower() throws {
        #expect(try validationProblems("power: 44\n", .object([.required("power", .quantity(.power))])) == [
            "s.yaml:1:8: error: power: '44' has no unit; expected a power with a unit like '44 kW' (units: W, kW, MW)",
        ])
    }

    @Test("An unknown key is an error at the key, suggesting a known key within two edits")
    func unknownKeyWithSuggestion() throws {
        let text = "site:\n  name: a\n  racks: [{name: r1, count: 1, cooloing: air}]\n  utilization: 90%\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:3:32: error: site.racks[0].cooloing: unknown key 'cooloing' (did you mean 'cooling'?)",
            "s.yaml:4:3: error: site.utilization: unknown key 'utilization' (did you mean 'utilisation'?)",
        ])
    }

    @Test("An unknown key with no near match lists the known keys")
    func unknownKeyWithoutSuggestion() throws {
        #expect(try validationProblems("site: {name: a, racks: [{name: r, count: 1}]}\nextra: 1\n", siteSchema) == [
            "s.yaml:2:1: error: extra: unknown key 'extra'; expected one of 'site', 'workloads'",
        ])
    }

    @Test("A missing required key is reported at the mapping that lacks it")
    func missingRequired() throws {
        #expect(try validationProblems("site:\n  name: a\n", siteSchema) == ["s.yaml:2:3: error: site: missing required key 'racks'"])
        #expect(try validationProblems("workloads: []\n", siteSchema) == ["s.yaml:1:1: error: missing required key 'site'"])
    }

    @Test("A value of the wrong type says what was expected and what was found")
    func wrongType() throws {
        #expect(try validationProblems("site: [1, 2]\n", siteSchema) == ["s.yaml:1:7: error: site: expected a mapping, found a sequence"])
        let text = "site:\n  name: a\n  racks: 5\n  redundant: yes\n  pue: high\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:3:10: error: site.racks: expected a sequence, found '5'",
            "s.yaml:4:14: error: site.redundant: expected true or false, found 'yes'",
            "s.yaml:5:8: error: site.pue: expected a number from 1 to 3, found 'high'",
        ])
    }

    @Test("Numbers in quotes are text, not integers, and empty values are nothing")
    func quotedNumbersAndNulls() throws {
        let text = "site:\n  name:\n  racks: [{name: r, count: '4'}]\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:2:8: error: site.name: expected text matching '[a-z][a-z0-9-]*', found nothing",
            "s.yaml:3:28: error: site.racks[0].count: expected an integer from 1 to 64, found '4'",
        ])
    }

    @Test("Integers and numbers out of range name the limit")
    func outOfRange() throws {
        let text = "site:\n  name: a\n  racks: [{name: r, count: 70}, {name: s, count: 0}]\n  pue: 0.5\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:3:28: error: site.racks[0].count: 70 is more than the maximum of 64",
            "s.yaml:3:50: error: site.racks[1].count: 0 is less than the minimum of 1",
            "s.yaml:4:8: error: site.pue: 0.5 is less than the minimum of 1",
        ])
    }

    @Test("A value outside a choice lists the allowed values, suggesting a near one")
    func choice() throws {
        let text = "site:\n  name: a\n  racks: [{name: r, count: 1, cooling: water}, {name: s, count: 1, cooling: Air}]\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:3:40: error: site.racks[0].cooling: 'water' is not allowed; expected one of 'air', 'liquid'",
            "s.yaml:3:77: error: site.racks[1].cooling: 'Air' is not allowed (did you mean 'air'?); expected one of 'air', 'liquid'",
        ])
    }

    @Test("Text must match a string's pattern whole")
    func pattern() throws {
        #expect(try validationProblems("site:\n  name: North 1\n  racks: [{name: r, count: 1}]\n", siteSchema) == [
            "s.yaml:2:9: error: site.name: 'North 1' does not match the pattern '[a-z][a-z0-9-]*'",
        ])
    }

    @Test("Quantity bounds and name templates are checked in place")
    func quantitiesAndTemplates() throws {
        let text = "site:\n  name: a\n  racks: [{name: 'r{5..1}', count: 1, power: 0 kW}]\n  utilisation: 1.5\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:3:18: error: site.racks[0].name: 'r{5..1}' has a descending range '{5..1}' (ranges count upwards); expected a name, or a template like 'r{01..40}' or 'row{a..d}-r{1..3}'",
            "s.yaml:3:46: error: site.racks[0].power: '0 kW' is zero; expected a power greater than 0",
            "s.yaml:4:16: error: site.utilisation: '1.5' is more than 1 (100%); expected a fraction like '90%' or a number from 0 to 1",
        ])
    }

    @Test("Arrays shorter than their minimum are refused")
    func minItems() throws {
        #expect(try validationProblems("site:\n  name: a\n  racks: []\n", siteSchema) == [
            "s.yaml:3:10: error: site.racks: has 0 items, fewer than the minimum of 1",
        ])
    }

    @Test("Keys beyond the declared ones are checked against the additional schema")
    func additional() throws {
        #expect(try validationProblems("site:\n  name: a\n  racks: [{name: r, count: 1}]\n  labels: {owner: [a]}\n", siteSchema) == [
            "s.yaml:4:19: error: site.labels.owner: expected text, found a sequence",
        ])
    }

    @Test("Any-of accepts either form and reports the form the node's type fits")
    func anyOf() throws {
        let base = "site:\n  name: a\n  racks: [{name: r, count: 1}]\n"
        #expect(try validationProblems(base + "  feed: 2 MW\n", siteSchema) == [])
        #expect(try validationProblems(base + "  feed: 2 MWh\n", siteSchema) == [
            "s.yaml:4:9: error: site.feed: '2 MWh' has unknown unit 'MWh'; expected a power with a unit like '44 kW' (units: W, kW, MW)",
        ])
        #expect(try validationProblems(base + "  feed: {power: 2}\n", siteSchema) == [
            "s.yaml:4:17: error: site.feed.power: '2' has no unit; expected a power with a unit like '44 kW' (units: W, kW, MW)",
        ])
        #expect(try validationProblems(base + "  feed: [1]\n", siteSchema) == [
            "s.yaml:4:9: error: site.feed: expected a power with a unit like '44 kW' (units: W, kW, MW) or a mapping, found a sequence",
        ])
    }

    @Test("A deprecated key is a warning naming what to use instead")
    func deprecated() throws {
        #expect(try validationProblems("site:\n  name: a\n  racks: [{name: r, count: 1}]\n  legacy: 3\n", siteSchema) == [
            "s.yaml:4:3: warning: site.legacy: 'legacy' is deprecated; use 'racks' instead",
        ])
    }

    @Test("Many problems are collected in one pass")
    func manyAtOnce() throws {
        let text = "site:\n  name: A\n  racks: [{name: r, count: 99, power: 5 kw}]\n  pue: 9\nworkload: []\n"
        #expect(try validationProblems(text, siteSchema) == [
            "s.yaml:2:9: error: site.name: 'A' does not match the pattern '[a-z][a-z0-9-]*'",
            "s.yaml:3:28: error: site.racks[0].count: 99 is more than the maximum of 64",
            "s.yaml:3:39: error: site.racks[0].power: '5 kw' has unknown unit 'kw' (did you mean 'kW'?); expected a power with a unit like '44 kW' (units: W, kW, MW)",
            "s.yaml:4:8: error: site.pue: 9 is more than the maximum of 3",
            "s.yaml:5:1: error: workload: unknown key 'workload' (did you mean 'workloads'?)",
        ])
    }
}
