import Foundation
import ScenarioFormat

/// The repository's root, found from this file's path (tests run from any folder).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reads paths relative to `base`, so diagnostics name files as the test wrote them.
func loader(base: URL) -> SourceLoader {
    SourceLoader { path in
        FileManager.default.contents(atPath: base.appendingPathComponent(path).path).map { [UInt8]($0) }
    }
}

/// Files in a folder of the repository with the given extension, sorted by name.
func files(in folder: String, extension suffix: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent(folder).path)) ?? []
    return names.filter { $0.hasSuffix(suffix) }.sorted()
}
