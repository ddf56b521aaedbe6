import ScenarioFormat
import Testing

/// SplitMix64: a tiny seeded generator, so the mutations are the same on every run.
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

private let validDocument = """
    site:
      name: north-1
      racks:
        - {name: "r{01..40}", count: 40, power: 44 kW, cooling: liquid}
        - name: spare
          count: 2
      utilisation: 90%
      labels: {owner: ops}
    workloads:
      - rate: 1.2/s
    """

/// Characters that YAML treats specially, plus bytes that are not valid UTF-8 on their own.
private let interesting: [UInt8] = Array("{}[]:,-#&*!|>'\"%@`?\t\n \\{..}$/".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xFF, 0xFE]

@Suite("Fuzzing")
struct FuzzTests {
    @Test("200 seeded mutations of a valid document each give a tree or diagnostics, never a crash")
    func mutations() {
        var random = SplitMix64(state: 20_261_122)
        let original = Array(validDocument.utf8)
        var parsedCount = 0, refusedCount = 0
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) {
                let position = random.below(bytes.count)
                switch random.below(5) {
                case 0: bytes[position] = interesting[random.below(interesting.count)]
                case 1: bytes.insert(interesting[random.below(interesting.count)], at: position)
                case 2: bytes.remove(at: position)
                case 3: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                default:
                    let length = min(1 + random.below(20), bytes.count - position)
                    bytes.insert(contentsOf: bytes[position..<(position + length)], at: random.below(bytes.count))
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "x")] }
            }
            do {
                let root = try YAMLNode.parse(bytes: bytes, file: "fuzz.yaml")
                _ = validate(root, against: siteSchema).map(\.description)
                parsedCount += 1
            } catch {
                #expect(!error.diagnostics.isEmpty)
                #expect(error.diagnostics.allSatisfy { $0.location.file == "fuzz.yaml" && $0.location.line >= 1 && $0.location.column >= 1 })
                refusedCount += 1
            }
        }
        #expect(parsedCount + refusedCount == 200)
        #expect(parsedCount > 0 && refusedCount > 0)
    }
}
