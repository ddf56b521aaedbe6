#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SimKernel
import Testing

/// Distance in units in the last place between two finite doubles of the same sign.
func ulps(_ a: Double, _ b: Double) -> UInt64 {
    let x = Int64(bitPattern: a.bitPattern), y = Int64(bitPattern: b.bitPattern)
    return x > y ? UInt64(x - y) : UInt64(y - x)
}

@Suite("Deterministic math")
struct DeterministicMathTests {
    @Test("log agrees with the C library within 1 ulp from subnormals to the largest double")
    func logAgainstLibm() {
        var stream = RandomStream(seed: 8)
        var worst: UInt64 = 0
        for _ in 0 ..< 300_000 {
            let x = Double(bitPattern: stream.next() & 0x7FEF_FFFF_FFFF_FFFF | 1)  // positive, finite
            worst = max(worst, ulps(DeterministicMath.log(x), libmLog(x)))
        }
        for _ in 0 ..< 300_000 {
            let x = stream.uniform(0.5 ..< 2)  // near 1, where cancellation bites
            worst = max(worst, ulps(DeterministicMath.log(x), libmLog(x)))
        }
        #expect(worst <= 1)
    }

    @Test("log edge cases: log 1 = 0, log 0 = -inf, negative gives NaN, infinity stays infinite")
    func logEdges() {
        #expect(DeterministicMath.log(1) == 0)
        #expect(DeterministicMath.log(0) == -.infinity)
        #expect(DeterministicMath.log(-1).isNaN)
        #expect(DeterministicMath.log(.infinity) == .infinity)
        #expect(DeterministicMath.log(.nan).isNaN)
    }

    @Test("exp agrees with the C library within 1 ulp across its whole finite range")
    func expAgainstLibm() {
        var stream = RandomStream(seed: 9)
        var worst: UInt64 = 0
        for _ in 0 ..< 300_000 {
            let x = stream.uniform(-745 ..< 709.7)
            worst = max(worst, ulps(DeterministicMath.exp(x), libmExp(x)))
        }
        for _ in 0 ..< 300_000 {
            let x = stream.uniform(-1 ..< 1)
            worst = max(worst, ulps(DeterministicMath.exp(x), libmExp(x)))
        }
        #expect(worst <= 1)
    }

    @Test("exp edge cases: exp 0 = 1, overflow to infinity, underflow to zero, NaN passes through")
    func expEdges() {
        #expect(DeterministicMath.exp(0) == 1)
        #expect(ulps(DeterministicMath.exp(1), 2.718281828459045) <= 1, "e, within fdlibm's 1 ulp")
        #expect(DeterministicMath.exp(710) == .infinity)
        #expect(DeterministicMath.exp(-746) == 0)
        #expect(DeterministicMath.exp(.nan).isNaN)
    }
}

private func libmLog(_ x: Double) -> Double { log(x) }
private func libmExp(_ x: Double) -> Double { exp(x) }
