/// A reproducible stream of random numbers: xoshiro256** seeded through SplitMix64.
///
/// Every component draws from its own stream, derived from the run's root seed and a stream
/// key, so adding draws to one component never shifts the numbers another one sees. The
/// sequence is fixed by this file alone (the standard library's generators promise no
/// particular sequence); tests pin the first values.
@frozen
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// The stream `streamKey` of the run seeded with `seed`.
    ///
    /// Seed and key are mixed so that nearby seeds and keys give unrelated streams; the four
    /// state words are then drawn from SplitMix64, as the xoshiro authors recommend.
    @inlinable public init(seed: UInt64, streamKey: UInt64 = 0) {
        var mixer = SplitMix64(state: SplitMix64.mix(seed) ^ SplitMix64.mix(streamKey &+ 0x6A09_E667_F3BC_C909))
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A stream with the given raw xoshiro256** state (not all zero), for checks against the
    /// reference implementation.
    @inlinable public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// A child stream for `key`, independent of this one and of other keys.
    ///
    /// Use it where one component needs several independent sources (for example arrivals
    /// and token lengths), so that changing one does not move the other.
    @inlinable public func split(key: UInt64) -> RandomStream {
        RandomStream(seed: s0 ^ SplitMix64.mix(s2), streamKey: key)
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0 ..< `bound`, without modulo bias (Lemire's multiply-shift with
    /// rejection; the rejection branch is taken with probability below bound / 2^64).
    @inlinable public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): used only to expand seeds into generator state.
@frozen
public struct SplitMix64: Sendable {
    public var state: UInt64

    @inlinable public init(state: UInt64) { self.state = state }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of 64 bits.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inlinable func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 &- amount))
    }
}
