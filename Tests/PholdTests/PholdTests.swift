import Phold
import SimKernel
import Testing

@Suite("PHOLD on the kernel")
struct PholdTests {
    static func small(seed: UInt64) -> PholdConfiguration {
        PholdConfiguration(lpCount: 64, eventsPerLP: 4, until: .at(.seconds(20)), seed: seed)
    }

    @Test("Same configuration and seed give the same events and checksum, over 100 seeds")
    func determinismSweep() {
        var checksums = Set<UInt64>()
        for seed in UInt64(0) ..< 100 {
            let first = Phold.run(Self.small(seed: seed))
            let second = Phold.run(Self.small(seed: seed))
            #expect(first == second, "seed \(seed): \(first) vs \(second)")
            checksums.insert(first.checksum)
        }
        #expect(checksums.count == 100, "different seeds give different runs")
    }

    @Test("Replications run concurrently give exactly their solo results, over 24 seeds")
    func replicationsMatchSolo() async {
        let seeds = (UInt64(500) ..< 524).map { $0 }
        let concurrent = await Replications.run(count: seeds.count) { index in Phold.run(Self.small(seed: seeds[index])) }
        for (index, seed) in seeds.enumerated() {
            #expect(concurrent[index] == Phold.run(Self.small(seed: seed)), "seed \(seed)")
        }
    }

    @Test("Event count follows the throughput law: N·M events every (lookahead + mean) seconds")
    func throughputLaw() {
        let configuration = PholdConfiguration(lpCount: 200, eventsPerLP: 5, until: .at(.seconds(110)), seed: 3)
        let result = Phold.run(configuration)
        let expected = 200.0 * 5 * 110 / 1.1
        #expect(abs(Double(result.events) - expected) < 0.02 * expected, "\(result.events) events, expected about \(expected)")
        #expect(result.finalTime == .at(.seconds(110)))
    }

    @Test("Golden: seed 42, 64 processes × 4 events to 20 s (regenerate only when the kernel's order or streams change on purpose)")
    func golden() {
        let result = Phold.run(Self.small(seed: 42))
        #expect(result.events == PholdGolden.events && result.checksum == PholdGolden.checksum,
                "events=\(result.events) checksum=\(String(result.checksum, radix: 16))")
    }
}

enum PholdGolden {
    static let events = 4_605
    static let checksum: UInt64 = 0x7CB0_F261_4E32_EBAE
}
