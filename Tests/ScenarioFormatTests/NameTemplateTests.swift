import ScenarioFormat
import Testing

private func templateProblem(_ template: String, count: Int? = nil, limit: Int = 1_000_000) -> String? {
    do {
        if let count { _ = try expandNameTemplate(template, count: count, limit: limit) } else { _ = try expandNameTemplate(template, limit: limit) }
        return nil
    } catch {
        return error.message
    }
}

@Suite("Name templates")
struct NameTemplateTests {
    @Test("A numeric range pads to the width of its first bound")
    func numericPadding() throws {
        let names = try expandNameTemplate("r{01..40}")
        #expect(names.count == 40 && names.first == "r01" && names[8] == "r09" && names.last == "r40")
        #expect(try expandNameTemplate("gpu{0..2}") == ["gpu0", "gpu1", "gpu2"])
        #expect(try expandNameTemplate("n{8..11}") == ["n8", "n9", "n10", "n11"])
        #expect(try expandNameTemplate("x{001..2}") == ["x001", "x002"])
    }

    @Test("Letter ranges and several ranges give every combination, leftmost slowest")
    func lettersAndProduct() throws {
        #expect(try expandNameTemplate("row{a..d}") == ["rowa", "rowb", "rowc", "rowd"])
        #expect(try expandNameTemplate("row{a..b}-r{1..3}") == ["rowa-r1", "rowa-r2", "rowa-r3", "rowb-r1", "rowb-r2", "rowb-r3"])
        #expect(try expandNameTemplate("{A..B}{1..2}") == ["A1", "A2", "B1", "B2"])
    }

    @Test("Text without braces is one name")
    func literal() throws {
        #expect(try expandNameTemplate("hall-1") == ["hall-1"])
        #expect(try expandNameTemplate("") == [""])
    }

    @Test("Malformed, unclosed, stray and descending ranges are refused with the range named")
    func errors() {
        let expected = "; expected a name, or a template like 'r{01..40}' or 'row{a..d}-r{1..3}'"
        #expect(templateProblem("r{1..}") == "'r{1..}' has a malformed range '{1..}'" + expected)
        #expect(templateProblem("r{1-3}") == "'r{1-3}' has a malformed range '{1-3}'" + expected)
        #expect(templateProblem("r{a..3}") == "'r{a..3}' has a malformed range '{a..3}'" + expected)
        #expect(templateProblem("r{a..D}") == "'r{a..D}' has a malformed range '{a..D}'" + expected)
        #expect(templateProblem("r{1..3") == "'r{1..3' has a '{' without a '}'" + expected)
        #expect(templateProblem("r1..3}") == "'r1..3}' has a '}' without a '{'" + expected)
        #expect(templateProblem("r{5..1}") == "'r{5..1}' has a descending range '{5..1}' (ranges count upwards)" + expected)
    }

    @Test("Expansions beyond the limit are refused, with the count")
    func limit() {
        #expect(templateProblem("n{1..1000}{1..1001}") == "'n{1..1000}{1..1001}' expands to 1001000 names, more than the limit of 1000000")
        #expect(templateProblem("n{1..10}", limit: 5) == "'n{1..10}' expands to 10 names, more than the limit of 5")
    }

    @Test("A count check names both the template's count and the given count")
    func countCheck() throws {
        #expect(try expandNameTemplate("r{01..40}", count: 40).count == 40)
        #expect(templateProblem("r{01..40}", count: 42) == "'r{01..40}' names 40 items but count is 42")
    }
}
