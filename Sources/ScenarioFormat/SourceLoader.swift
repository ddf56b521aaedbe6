import Foundation

/// Reads the bytes of a scenario file by path; nil when it cannot be read.
///
/// `fileSystem` reads real files; `inMemory` serves fixed texts, for tests and embedded scenarios.
public struct SourceLoader: Sendable {
    public var read: @Sendable (_ path: String) -> [UInt8]?

    public init(read: @escaping @Sendable (_ path: String) -> [UInt8]?) { self.read = read }

    /// Files on disk, relative paths from the current directory.
    public static let fileSystem = SourceLoader { path in
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The given texts, keyed by path as imports resolve them ("dir/base.yaml").
    public static func inMemory(_ files: [String: String]) -> SourceLoader {
        SourceLoader { path in files[path].map { Array($0.utf8) } }
    }
}
