import Compute
import Testing

func relativelyClose(_ value: Double, _ target: Double, _ tolerance: Double) -> Bool {
    abs(value - target) <= tolerance * target
}

@Suite("Catalogue")
struct CatalogueTests {
    @Test("Parameter counts derived from each architecture match the published totals (within 0.5%)", arguments: [
        ("Llama-3.1-8B", 8.03e9, 8.03e9),
        ("Llama-2-70B", 69.0e9, 69.0e9),
        ("Llama-3.1-70B", 70.6e9, 70.6e9),
        ("Llama-3.1-405B", 405.9e9, 405.9e9),
        ("Mixtral-8x7B", 46.7e9, 12.9e9),
        ("DeepSeek-V3", 671e9, 37.6e9),
    ])
    func parameters(name: String, total: Double, active: Double) throws {
        let model = try #require(Catalogue.model(named: name))
        #expect(relativelyClose(model.totalParameters, total, 0.005), "\(name): \(model.totalParameters)")
        #expect(relativelyClose(model.activeParameters, active, 0.005), "\(name): \(model.activeParameters) active")
    }

    @Test("KV cache per token: GQA keeps K and V per KV head; MLA keeps one 576-wide latent per layer")
    func kvBytes() throws {
        #expect(try #require(Catalogue.model(named: "Llama-3.1-8B")).kvBytesPerToken(.fp8) == 65_536)
        #expect(try #require(Catalogue.model(named: "Llama-3.1-70B")).kvBytesPerToken(.bf16) == 327_680)
        #expect(try #require(Catalogue.model(named: "DeepSeek-V3")).kvBytesPerToken(.bf16) == 61 * 576 * 2)
    }

    @Test("GPU figures are the facts.md table's")
    func gpus() throws {
        let h100 = try #require(Catalogue.gpu(named: "H100")), h200 = try #require(Catalogue.gpu(named: "H200"))
        let b200 = try #require(Catalogue.gpu(named: "B200"))
        #expect(h100.denseFLOPS[.fp8] == 1_979e12 && h100.hbmBytesPerSecond == 3.35e12 && h100.hbmBytes == 80e9)
        #expect(h200.hbmBytes == 141e9 && h200.hbmBytesPerSecond == 4.8e12 && h200.tdpWatts == 700)
        #expect(b200.denseFLOPS[.fp4] == 9_000e12 && b200.tdpWatts == 1_000 && b200.hbmBytes == 180e9)
        #expect(try #require(Catalogue.gpu(named: "H800")).nvlinkBytesPerSecond == 160e9)
    }

    @Test("Node power: a 44 kW rack holds 4 DGX H100 (40.8 kW) or 3 DGX B200 (42.9 kW), and the supplies cover max power")
    func nodes() throws {
        let h100 = try #require(Catalogue.node(named: "DGX-H100")), b200 = try #require(Catalogue.node(named: "DGX-B200"))
        #expect(4 * h100.maxPowerWatts == 40_800 && 3 * b200.maxPowerWatts == 42_900)
        for node in Catalogue.nodes {
            #expect(Double(node.powerSupplies) * node.powerSupplyWatts >= node.maxPowerWatts, "\(node.name)")
            #expect(Catalogue.gpu(named: node.gpu) != nil, "\(node.name) names a known GPU")
        }
    }

    @Test("What fits: FP8 405B weights fit 8 × H100 but not 4; 70B FP8 fits one H200 with room for KV")
    func fits() throws {
        let big = try #require(Catalogue.model(named: "Llama-3.1-405B")).weightBytes(.fp8)
        #expect(big < 8 * 80e9 && big > 4 * 80e9)
        #expect(141e9 - (try #require(Catalogue.model(named: "Llama-3.1-70B")).weightBytes(.fp8)) > 60e9, "over 60 GB left for KV")
    }
}
