import Foundation
import Scenario
import ScenarioFormat
import Testing

/// Every file under `Broken/` must be refused with exactly the diagnostics listed for it in
/// `Broken/EXPECTED` (one block per file: `== name.yaml`, then its lines in report order).
@Suite("Broken scenarios")
struct BrokenScenarioTests {
    static let folder = "Tests/ScenarioTests/Broken"

    static func expected() -> [String: [String]] {
        let text = (try? String(contentsOf: repositoryRoot.appendingPathComponent("\(folder)/EXPECTED"), encoding: .utf8)) ?? ""
        var blocks: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("== ") {
                current = String(line.dropFirst(3))
                blocks[current!] = []
            } else if let name = current, !line.isEmpty {
                blocks[name]!.append(line)
            }
        }
        return blocks
    }

    @Test("The corpus has at least 30 broken files and every one has its expected diagnostics")
    func corpusIsComplete() {
        let names = files(in: Self.folder, extension: ".yaml")
        #expect(names.count >= 30)
        #expect(Set(names) == Set(Self.expected().keys))
    }

    @Test("Each broken file is refused with its exact messages, file:line:column and YAML path", arguments: files(in: folder, extension: ".yaml"))
    func refused(name: String) {
        let base = repositoryRoot.appendingPathComponent(Self.folder)
        do {
            _ = try ScenarioPlan.load(name, loader: loader(base: base))
            Issue.record("\(name) was accepted")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines == Self.expected()[name], "\(name):\n\(lines.joined(separator: "\n"))")
        }
    }
}
