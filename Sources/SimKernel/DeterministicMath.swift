/// `log` and `exp` computed the same way on every platform.
///
/// The C library's `log` and `exp` may differ in the last bit between versions and systems,
/// which would make sampled delays, and so whole runs, differ. These are the fdlibm
/// algorithms (Sun Microsystems, 1993; the basis of most libm implementations) in plain
/// Swift, using only IEEE operations that round the same everywhere; error below 1 ulp.
public enum DeterministicMath {
    @usableFromInline static let ln2High = 6.93147180369123816490e-01
    @usableFromInline static let ln2Low = 1.90821492927058770002e-10

    /// The natural logarithm; -infinity at zero, NaN below zero.
    @inlinable public static func log(_ value: Double) -> Double {
        var x = value
        var bits = x.bitPattern
        var high = Int32(truncatingIfNeeded: bits >> 32)
        var k: Int32 = 0
        if high < 0x0010_0000 {  // zero, negative or subnormal
            if bits & 0x7FFF_FFFF_FFFF_FFFF == 0 { return -.infinity }
            if high < 0 { return .nan }
            k -= 54
            x *= 0x1p54
            bits = x.bitPattern
            high = Int32(truncatingIfNeeded: bits >> 32)
        }
        if high >= 0x7FF0_0000 { return x + x }  // infinity or NaN
        k += (high >> 20) - 1023
        high &= 0x000F_FFFF
        let i = (high + 0x95F64) & 0x10_0000
        // Normalise x into [sqrt(2)/2, sqrt(2)).
        x = Double(bitPattern: UInt64(UInt32(bitPattern: high | (i ^ 0x3FF0_0000))) << 32 | (bits & 0xFFFF_FFFF))
        k += i >> 20
        let f = x - 1.0
        let dk = Double(k)
        if (0x000F_FFFF & (2 + high)) < 3 {  // |f| < 2^-20
            if f == 0 { return k == 0 ? 0 : dk * ln2High + dk * ln2Low }
            let r = f * f * (0.5 - 0.33333333333333333 * f)
            return k == 0 ? f - r : dk * ln2High - ((r - dk * ln2Low) - f)
        }
        let s = f / (2.0 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
        let t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01
            + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
        let r = t2 + t1
        if ((high - 0x6147A) | (0x6B851 - high)) > 0 {
            let halfSquare = 0.5 * f * f
            return k == 0 ? f - (halfSquare - s * (halfSquare + r))
                : dk * ln2High - ((halfSquare - (s * (halfSquare + r) + dk * ln2Low)) - f)
        }
        return k == 0 ? f - s * (f - r) : dk * ln2High - ((s * (f - r) - dk * ln2Low) - f)
    }

    /// e raised to `value`; overflows to infinity above ~709.78, underflows to zero below ~-745.13.
    @inlinable public static func exp(_ value: Double) -> Double {
        var x = value
        if x.isNaN { return x }
        if x > 7.09782712893383973096e+02 { return .infinity }
        if x < -7.45133219101941108420e+02 { return 0 }
        let magnitudeHigh = UInt32(truncatingIfNeeded: x.bitPattern >> 32) & 0x7FFF_FFFF
        var k = 0
        var high = 0.0, low = 0.0
        if magnitudeHigh > 0x3FD6_2E42 {  // |x| > ln2 / 2: reduce to x = k ln2 + r
            if magnitudeHigh < 0x3FF0_A2B2 {  // |x| < 1.5 ln2
                k = x < 0 ? -1 : 1
                high = x - Double(k) * ln2High
                low = Double(k) * ln2Low
            } else {
                k = Int(1.44269504088896338700e+00 * x + (x < 0 ? -0.5 : 0.5))
                high = x - Double(k) * ln2High
                low = Double(k) * ln2Low
            }
            x = high - low
        } else if magnitudeHigh < 0x3E30_0000 {  // |x| < 2^-28
            return 1 + x
        }
        let t = x * x
        let c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03
            + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
        if k == 0 { return 1 - ((x * c) / (c - 2.0) - x) }
        let y = 1 - ((low - (x * c) / (2.0 - c)) - high)
        if k >= -1021 { return Double(bitPattern: y.bitPattern &+ (UInt64(bitPattern: Int64(k)) << 52)) }
        return Double(bitPattern: y.bitPattern &+ (UInt64(bitPattern: Int64(k + 1000)) << 52)) * 0x1p-1000
    }
}
