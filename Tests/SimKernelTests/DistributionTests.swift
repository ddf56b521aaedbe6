import SimKernel
import Testing

/// Sample mean and coefficient of variation of `count` draws.
func moments(_ count: Int = 200_000, seed: UInt64 = 11, _ draw: (inout RandomStream) -> Double) -> (mean: Double, cv: Double) {
    var stream = RandomStream(seed: seed)
    var sum = 0.0, sumSquares = 0.0
    for _ in 0 ..< count {
        let value = draw(&stream)
        sum += value
        sumSquares += value * value
    }
    let mean = sum / Double(count)
    let variance = sumSquares / Double(count) - mean * mean
    return (mean, variance.squareRoot() / mean)
}

func close(_ value: Double, _ target: Double, relative: Double) -> Bool { abs(value - target) <= relative * abs(target) }

@Suite("Distributions")
struct DistributionTests {
    @Test("Exponential has the requested mean and CV 1")
    func exponential() {
        let m = moments { $0.exponential(mean: 2.5) }
        #expect(close(m.mean, 2.5, relative: 0.015) && close(m.cv, 1, relative: 0.02), "\(m)")
    }

    @Test("Uniform covers its range with the midpoint as mean")
    func uniform() {
        let m = moments { $0.uniform(10 ..< 20) }
        #expect(close(m.mean, 15, relative: 0.005), "\(m)")
        var stream = RandomStream(seed: 1)
        for _ in 0 ..< 10_000 { let x = stream.uniform(10 ..< 20); #expect(x >= 10 && x < 20) }
    }

    @Test("Normal has the requested mean and standard deviation")
    func normal() {
        let m = moments { $0.normal(mean: 10, standardDeviation: 2) }
        #expect(close(m.mean, 10, relative: 0.003) && close(m.cv * m.mean, 2, relative: 0.01), "\(m)")
    }

    @Test("Lognormal is parameterised by the mean and CV of the variate")
    func lognormal() {
        let m = moments { $0.lognormal(mean: 3, cv: 0.5) }
        #expect(close(m.mean, 3, relative: 0.01) && close(m.cv, 0.5, relative: 0.03), "\(m)")
        #expect(moments(1_000) { $0.lognormal(mean: 3, cv: 0) }.mean == 3)
    }

    @Test("Gamma by mean and CV, for CV below 1 and above 1 (shape below 1)")
    func gamma() {
        let regular = moments { $0.gamma(mean: 2, cv: 0.5) }
        #expect(close(regular.mean, 2, relative: 0.01) && close(regular.cv, 0.5, relative: 0.03), "\(regular)")
        let bursty = moments { $0.gamma(mean: 2, cv: 2) }
        #expect(close(bursty.mean, 2, relative: 0.03) && close(bursty.cv, 2, relative: 0.06), "\(bursty)")
    }

    @Test("Weibull mean is scale * Gamma(1 + 1/shape)")
    func weibull() {
        let rayleigh = moments { $0.weibull(shape: 2, scale: 1) }
        #expect(close(rayleigh.mean, 0.886_226_925_452_758, relative: 0.01), "\(rayleigh)")
        let heavy = moments { $0.weibull(shape: 0.5, scale: 1) }
        #expect(close(heavy.mean, 2, relative: 0.04), "\(heavy)")
    }

    @Test("Poisson mean and variance equal the rate, on both the small and the large-mean path")
    func poisson() {
        for rate in [0.5, 3.0, 9.9, 10.0, 50.0, 1_000.0] {
            let m = moments { Double($0.poisson(mean: rate)) }
            let variance = (m.cv * m.mean) * (m.cv * m.mean)
            #expect(close(m.mean, rate, relative: 0.01) && close(variance, rate, relative: 0.03), "rate \(rate): \(m)")
        }
        var stream = RandomStream(seed: 2)
        let zeros = (0 ..< 200_000).filter { _ in stream.poisson(mean: 3) == 0 }.count
        #expect(close(Double(zeros) / 200_000, 0.049_787_068, relative: 0.03), "P(0) for rate 3 is e^-3")
    }

    @Test("Categorical draws each outcome in proportion to its weight")
    func categorical() throws {
        let distribution = try #require(CategoricalDistribution(weights: [1, 2, 3, 4, 0]))
        var stream = RandomStream(seed: 4)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0 ..< 500_000 { counts[distribution.sample(using: &stream)] += 1 }
        for (index, weight) in [1.0, 2, 3, 4, 0].enumerated() {
            #expect(close(Double(counts[index]), weight * 50_000, relative: 0.02) || (weight == 0 && counts[index] == 0), "\(counts)")
        }
        #expect(CategoricalDistribution(weights: []) == nil)
        #expect(CategoricalDistribution(weights: [0, 0]) == nil)
        #expect(CategoricalDistribution(weights: [1, -1, 3]) == nil)
    }

    @Test("Empirical draws stay within the observations and interpolate between them")
    func empirical() throws {
        let distribution = try #require(EmpiricalDistribution(values: [5, 1, 3, 2, 4]))
        var stream = RandomStream(seed: 5)
        var sum = 0.0
        for _ in 0 ..< 100_000 {
            let value = distribution.sample(using: &stream)
            #expect(value >= 1 && value <= 5)
            sum += value
        }
        #expect(close(sum / 100_000, 3, relative: 0.01))
        #expect(EmpiricalDistribution(values: []) == nil)
        #expect(EmpiricalDistribution(values: [1, .nan]) == nil)
    }

    @Test("The first draws of every sampler are pinned for seed 2024, so a change in any sequence is caught")
    func pinnedSequences() {
        var stream = RandomStream(seed: 2024)
        let drawn: [Double] = [
            stream.nextUnit(), stream.uniform(-1 ..< 1), Double(stream.index(below: 1_000)),
            stream.exponential(mean: 1), stream.normal(), stream.lognormal(mean: 1, cv: 1),
            stream.gamma(mean: 1, cv: 0.5), stream.gamma(mean: 1, cv: 3), stream.weibull(shape: 1.5, scale: 1),
            Double(stream.poisson(mean: 4)), Double(stream.poisson(mean: 400)),
            Double(CategoricalDistribution(weights: [1, 1, 2])!.sample(using: &stream)),
            EmpiricalDistribution(values: [1, 2, 4, 8])!.sample(using: &stream),
        ]
        #expect(drawn.map(\.bitPattern) == PinnedDraws.seed2024, "drawn: \(drawn.map { String($0.bitPattern, radix: 16) })")
    }
}

enum PinnedDraws {
    /// Bit patterns of the draws; regenerate only when a sampler is changed on purpose.
    static let seed2024: [UInt64] = [
        0x3FE1_EF76_0A97_601D, 0x3FC8_E3F1_F7C7_5F48, 0x406B_6000_0000_0000,
        0x3FF2_1D46_DDC5_C0F8, 0x3FEE_8DEF_B682_04F7, 0x3FDD_5379_A46A_4206,
        0x3FF4_AA6C_6939_FA92, 0x3FC0_B13A_8B7E_B926, 0x3FD8_E8D9_31D5_F938,
        0x4014_0000_0000_0000, 0x407B_0000_0000_0000, 0x3FF0_0000_0000_0000,
        0x3FF2_D890_5AD5_1C60,
    ]
}
