import ArgumentParser
import Compute
import Foundation

/// `dctwin catalog`: the built-in GPUs, nodes and models a scenario can name.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in GPUs, nodes and models (a scenario's `catalog:` can add or override entries)."
    )

    enum Section: String, ExpressibleByArgument, CaseIterable {
        case gpus, nodes, models
    }

    @Argument(help: "Which list: gpus, nodes or models (all three when omitted).") var section: Section?

    func run() throws {
        let sections = section.map { [$0] } ?? Section.allCases
        print(sections.map(Self.table).joined(separator: "\n"), terminator: "")
    }

    static func table(_ section: Section) -> String {
        switch section {
        case .gpus:
            return render(title: "GPUs", header: ["name", "bf16_tflops", "fp8_tflops", "fp4_tflops", "hbm_gb", "hbm_tb_s", "nvlink_gb_s",
                                                  "tdp_w", "idle_w", "slowdown_c", "shutdown_c"],
                          rows: Catalogue.gpus.map { gpu in
                              [gpu.name, flops(gpu.denseFLOPS[.bf16]), flops(gpu.denseFLOPS[.fp8]), flops(gpu.denseFLOPS[.fp4]),
                               number(gpu.hbmBytes / 1e9), number(gpu.hbmBytesPerSecond / 1e12), number(gpu.nvlinkBytesPerSecond / 1e9),
                               number(gpu.tdpWatts), number(gpu.idleWatts), number(gpu.slowdownCelsius), number(gpu.shutdownCelsius)]
                          })
        case .nodes:
            return render(title: "Nodes", header: ["name", "gpu", "gpus", "nic_gbit_s_each", "psus", "psu_w", "psus_required", "max_kw"],
                          rows: Catalogue.nodes.map { node in
                              [node.name, node.gpu, String(node.gpuCount), number(node.nicBitsPerSecond / 1e9), String(node.powerSupplies),
                               number(node.powerSupplyWatts), String(node.powerSuppliesRequired), number(node.maxPowerWatts / 1e3)]
                          })
        case .models:
            return render(title: "Models", header: ["name", "params_b", "active_b", "layers", "hidden", "heads", "kv_heads", "experts",
                                                    "kv_kb_per_token_fp8"],
                          rows: Catalogue.models.map { model in
                              [model.name, number(model.totalParameters / 1e9, digits: 1), number(model.activeParameters / 1e9, digits: 1),
                               String(model.layers), String(model.hiddenSize), String(model.heads), String(model.kvHeads),
                               model.experts.map { "\($0.activePerToken)/\($0.routed)+\($0.shared)" } ?? "-",
                               number(model.kvBytesPerToken(.fp8) / 1e3, digits: 1)]
                          })
        }
    }

    static func flops(_ value: Double?) -> String { value.map { number($0 / 1e12) } ?? "-" }

    static func number(_ value: Double, digits: Int = 2) -> String {
        if value == value.rounded() { return String(Int64(value)) }
        return String(format: "%.\(digits)f", value)
    }

    /// Left-aligned columns separated by two spaces, under a title line.
    static func render(title: String, header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var out = "\(title)\n"
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column + 1 < row.count ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}
