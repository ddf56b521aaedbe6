/// Bounds on what one scenario load will read, so hostile or broken input fails with a message.
public struct ParseLimits: Hashable, Sendable {
    /// Largest file read, in bytes.
    public var maximumBytes: Int
    /// Deepest nesting of mappings and sequences; the top-level mapping is level 1.
    public var maximumDepth: Int
    /// Most nodes in one document after aliases are expanded (guards against alias bombs).
    public var maximumNodes: Int
    /// Longest chain of imports below the file loaded first.
    public var maximumImportDepth: Int

    public init(maximumBytes: Int = 16 << 20, maximumDepth: Int = 64, maximumNodes: Int = 1_000_000, maximumImportDepth: Int = 8) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumImportDepth = maximumImportDepth
    }
}

/// `bytes` as "16 MiB" when a whole number of MiB or KiB, else "1000 bytes".
func byteCountText(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
