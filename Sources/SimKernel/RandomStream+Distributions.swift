/// Samplers for the distributions the models use, written out so that their sequences are
/// fixed by this file (and `DeterministicMath`), not by a library version.
///
/// Parameters are the ones planners quote (means and coefficients of variation, CV =
/// standard deviation / mean). Preconditions state the valid ranges; a scenario loader
/// validates user input before it reaches these.
extension RandomStream {
    /// A uniform double in `range`.
    @inlinable public mutating func uniform(_ range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnit()
    }

    /// True with probability `probability`.
    @inlinable public mutating func bernoulli(probability: Double) -> Bool { nextUnit() < probability }

    /// Exponential with the given mean (inversion: -mean * ln(1 - U)).
    @inlinable public mutating func exponential(mean: Double) -> Double {
        -mean * DeterministicMath.log(1.0 - nextUnit())
    }

    /// Normal, by Marsaglia's polar method (the second variate of each pair is discarded so
    /// that the stream carries no hidden state).
    @inlinable public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        while true {
            let x = 2 * nextUnit() - 1, y = 2 * nextUnit() - 1
            let s = x * x + y * y
            if s < 1 && s > 0 {
                return mean + standardDeviation * x * (-2 * DeterministicMath.log(s) / s).squareRoot()
            }
        }
    }

    /// Lognormal with the given mean and CV of the variate itself (not of its logarithm).
    @inlinable public mutating func lognormal(mean: Double, cv: Double) -> Double {
        precondition(mean > 0 && cv >= 0, "lognormal needs mean > 0 and cv >= 0")
        if cv == 0 { return mean }
        let sigmaSquared = DeterministicMath.log(1 + cv * cv)
        let mu = DeterministicMath.log(mean) - sigmaSquared / 2
        return DeterministicMath.exp(mu + sigmaSquared.squareRoot() * normal())
    }

    /// Gamma with the given mean and CV (shape 1/CV², scale mean·CV²); CV 1 is exponential,
    /// CV above 1 is burstier than Poisson arrivals.
    @inlinable public mutating func gamma(mean: Double, cv: Double) -> Double {
        precondition(mean > 0 && cv > 0, "gamma needs mean > 0 and cv > 0")
        return gamma(shape: 1 / (cv * cv), scale: mean * cv * cv)
    }

    /// Gamma by shape and scale (Marsaglia and Tsang 2000; shapes below 1 boosted by U^(1/shape)).
    @inlinable public mutating func gamma(shape: Double, scale: Double) -> Double {
        precondition(shape > 0 && scale > 0, "gamma needs shape > 0 and scale > 0")
        if shape < 1 {
            let boost = DeterministicMath.exp(DeterministicMath.log(1 - nextUnit()) / shape)
            return gamma(shape: shape + 1, scale: scale) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal()
            let base = 1 + c * x
            if base <= 0 { continue }
            let v = base * base * base
            let u = nextUnit()
            if u < 1 - 0.0331 * (x * x) * (x * x) { return d * v * scale }
            if DeterministicMath.log(u) < 0.5 * x * x + d * (1 - v + DeterministicMath.log(v)) { return d * v * scale }
        }
    }

    /// Weibull by shape k and scale λ: λ (-ln(1 - U))^(1/k). Shape 1 is exponential with mean λ.
    @inlinable public mutating func weibull(shape: Double, scale: Double) -> Double {
        precondition(shape > 0 && scale > 0, "weibull needs shape > 0 and scale > 0")
        let e = -DeterministicMath.log(1 - nextUnit())
        return scale * DeterministicMath.exp(DeterministicMath.log(e) / shape)
    }

    /// A Poisson count with the given mean: multiplication of uniforms below 10, Hörmann's
    /// transformed rejection (PTRS, 1993) from 10 up, so the cost stays flat in the mean.
    @inlinable public mutating func poisson(mean: Double) -> Int {
        precondition(mean >= 0 && mean < 1e15, "poisson needs 0 <= mean < 1e15")
        if mean < 10 {
            let limit = DeterministicMath.exp(-mean)
            var count = 0
            var product = nextUnit()
            while product > limit {
                count += 1
                product *= nextUnit()
            }
            return count
        }
        let rootMean = mean.squareRoot(), logMean = DeterministicMath.log(mean)
        let b = 0.931 + 2.53 * rootMean
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = nextUnit() - 0.5
            let v = nextUnit()
            let us = 0.5 - abs(u)
            if us <= 0 { continue }
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = DeterministicMath.log(v) + DeterministicMath.log(inverseAlpha) - DeterministicMath.log(a / (us * us) + b)
            if lhs <= -mean + k * logMean - logFactorial(k) { return Int(k) }
        }
    }
}

/// ln(k!) for a whole number k >= 0: a table to 9, Stirling's series (error < 1e-12) above.
@inlinable func logFactorial(_ k: Double) -> Double {
    if k < 10 {
        let table = [0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458,
                     4.787491742782046, 6.579251212010101, 8.525161361065415, 10.60460290274525, 12.801827480081469]
        return table[Int(k)]
    }
    let inverse = 1 / k, inverseSquared = inverse * inverse
    return (k + 0.5) * DeterministicMath.log(k) - k + 0.9189385332046728
        + inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared / 1260))
}

/// Draws one of n outcomes with given weights in O(1) (Vose's alias method).
public struct CategoricalDistribution: Sendable, Equatable {
    @usableFromInline let acceptance: [Double]
    @usableFromInline let alias: [Int]

    /// Nil unless there is at least one weight, all are finite and non-negative, and one is positive.
    public init?(weights: [Double]) {
        let total = weights.reduce(0, +)
        guard !weights.isEmpty, total > 0, total.isFinite, weights.allSatisfy({ $0 >= 0 }) else { return nil }
        let n = weights.count
        var scaled = weights.map { $0 * Double(n) / total }
        var acceptance = [Double](repeating: 1, count: n)
        var alias = Array(0 ..< n)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let less = small.popLast(), let more = large.last {
            acceptance[less] = scaled[less]
            alias[less] = more
            scaled[more] -= 1 - scaled[less]
            if scaled[more] < 1 {
                large.removeLast()
                small.append(more)
            }
        }
        self.acceptance = acceptance
        self.alias = alias
    }

    public var count: Int { acceptance.count }

    /// An outcome index in 0 ..< count.
    @inlinable public func sample(using random: inout RandomStream) -> Int {
        let column = random.index(below: acceptance.count)
        return random.nextUnit() < acceptance[column] ? column : alias[column]
    }
}

/// Draws from the distribution of observed values, interpolating linearly between order
/// statistics (so a sample lies between the smallest and largest observation).
public struct EmpiricalDistribution: Sendable, Equatable {
    @usableFromInline let sortedValues: [Double]

    /// Nil when there are no values or one is not finite.
    public init?(values: [Double]) {
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else { return nil }
        sortedValues = values.sorted()
    }

    @inlinable public func sample(using random: inout RandomStream) -> Double {
        let position = random.nextUnit() * Double(sortedValues.count - 1)
        let lower = Int(position)
        if lower + 1 >= sortedValues.count { return sortedValues[lower] }
        let fraction = position - Double(lower)
        return sortedValues[lower] + (sortedValues[lower + 1] - sortedValues[lower]) * fraction
    }
}
