import SimKernel
import Testing
@testable import Serving

@Suite("Workloads")
struct WorkloadTests {
    func gaps(_ arrivals: ArrivalProcess, count: Int, seed: UInt64 = 3) -> [Double] {
        var generator = RequestGenerator(spec: WorkloadSpec(name: "w", arrivals: arrivals, promptTokens: .fixed(1), outputTokens: .fixed(1)),
                                         random: RandomStream(seed: seed))
        var last = 0.0
        return (0 ..< count).map { _ in
            let next = generator.next()!.arrival.seconds
            defer { last = next }
            return next - last
        }
    }

    @Test("Poisson and gamma arrivals have the requested rate and coefficient of variation (seed sweep)")
    func rateAndBurstiness() {
        for seed in UInt64(1) ... 5 {
            for (process, cv) in [(ArrivalProcess.poisson(ratePerSecond: 50), 1.0), (.gamma(ratePerSecond: 50, cv: 3), 3.0)] {
                let sample = gaps(process, count: 200_000, seed: seed)
                let mean = sample.reduce(0, +) / Double(sample.count)
                let deviation = (sample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sample.count)).squareRoot()
                #expect(abs(mean * 50 - 1) < 0.02, "seed \(seed) \(process): mean gap \(mean)")
                #expect(abs(deviation / mean / cv - 1) < 0.05, "seed \(seed) \(process): cv \(deviation / mean)")
            }
        }
    }

    @Test("A diurnal profile delivers each slice's rate: a 3:1 day/night profile gives 3:1 arrivals")
    func diurnalSlices() {
        let process = ArrivalProcess.diurnal(meanRatePerSecond: 10, profile: [1.5, 0.5], period: .hours(2))
        var generator = RequestGenerator(spec: WorkloadSpec(name: "w", arrivals: process, promptTokens: .fixed(1), outputTokens: .fixed(1)),
                                         random: RandomStream(seed: 11))
        var counts = [0, 0]
        while true {
            let t = generator.next()!.arrival.seconds
            if t >= 20 * 7_200 { break }
            counts[Int(t.truncatingRemainder(dividingBy: 7_200) / 3_600)] += 1
        }
        // 20 cycles: 15/s for 20 h and 5/s for 20 h.
        #expect(abs(Double(counts[0]) / (15 * 72_000) - 1) < 0.01, "\(counts)")
        #expect(abs(Double(counts[1]) / (5 * 72_000) - 1) < 0.01, "\(counts)")
        #expect(process.meanRatePerSecond == 10)
    }

    @Test("Token lengths: lognormal keeps its mean under the cap; uniform covers both ends; never below 1")
    func tokenLengths() {
        var random = RandomStream(seed: 5)
        let lognormal = (0 ..< 100_000).map { _ in Double(TokenLength.lognormal(mean: 300, cv: 0.5, max: 100_000).sample(using: &random)) }
        let mean: Double = lognormal.reduce(0, +) / 1e5
        #expect(abs(mean / 300 - 1) < 0.01)
        let uniform = (0 ..< 10_000).map { _ in TokenLength.uniform(3 ... 7).sample(using: &random) }
        #expect(Set(uniform) == [3, 4, 5, 6, 7])
        #expect(TokenLength.fixed(0).sample(using: &random) == 1)
    }

    @Test("A trace replays its rows in order and then ends")
    func traceReplay() {
        let rows = [TraceRow(arrival: .seconds(1), promptTokens: 10, outputTokens: 5), TraceRow(arrival: .seconds(4), promptTokens: 20, outputTokens: 6)]
        var generator = RequestGenerator(spec: WorkloadSpec(name: "t", arrivals: .trace(rows), promptTokens: .fixed(1), outputTokens: .fixed(1)),
                                         random: RandomStream(seed: 1))
        let first = generator.next()!, second = generator.next()!
        #expect(first.arrival == SimDuration.seconds(1))
        #expect([first.prompt, first.output] == [10, 5])
        #expect(second.arrival == SimDuration.seconds(4))
        #expect([second.prompt, second.output] == [20, 6])
        let end = generator.next()
        #expect(end == nil)
    }
}
