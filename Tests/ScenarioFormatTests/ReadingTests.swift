import ScenarioFormat
import SimKernel
import Testing

@Suite("Typed reading")
struct ReadingTests {
    @Test("A validated tree reads as typed values, with nil for absent keys")
    func typedReads() throws {
        let root = try parsed("""
            name: north
            count: 40
            pue: 1.25
            redundant: true
            budget: 44 kW
            tick: 16 ms
            utilisation: 90%
            racks: "r{01..03}"
            """)
        let schema = Schema.object([
            .required("name", .string()), .required("count", .integer()), .required("pue", .number()),
            .required("redundant", .boolean()), .required("budget", .quantity(.power)), .required("tick", .quantity(.duration)),
            .required("utilisation", .quantity(.fraction)), .required("racks", .nameTemplate()),
        ])
        #expect(validate(root, against: schema).isEmpty)
        #expect(root.string("name") == "north")
        #expect(root.int("count") == 40)
        #expect(root.double("pue") == 1.25)
        #expect(root.bool("redundant") == true)
        #expect(root.quantity(.power, "budget") == 44_000)
        #expect(root.duration("tick") == .milliseconds(16))
        #expect(root.quantity(.fraction, "utilisation") == 0.9)
        #expect(root.names("racks") == ["r01", "r02", "r03"])
        #expect(root.quantity(.power, "missing") ?? 700 == 700)
        #expect(root.int("absent") == nil)
    }
}
