// swift-tools-version: 6.1
// dctwin: a deterministic discrete-event digital twin of AI data centres.
//
// Dependencies run one way (see docs/ARCHITECTURE.md):
//   SimKernel  <-  Phold (kernel workload)  <-  dctwin (CLI)
//   SimKernel  <-  Facility (physics of power and cooling)
//   Compute (catalogues of GPUs, nodes and models; the performance model)
//   SimKernel, Compute  <-  Serving (engines, routers, workloads, metrics)
//   Facility, Serving, Compute  <-  Twin (one coupled world: placement, energy, cost)
//   Twin  <-  Report (summary.json, CSV, expectations)
//   OrderedJSON (byte-stable JSON)  <-  ScenarioFormat, Report
//   SimKernel, Yams  <-  ScenarioFormat (strict YAML: located trees, units, schemas, imports)
//   ScenarioFormat, Twin, Report  <-  Scenario (the dctwin format: schema, reader, run)  <-  dctwin
// The kernel imports nothing but the standard library; models know nothing of YAML or files.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "dctwin",
    // UInt128 event keys need the Swift 6 runtime on Apple platforms.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "Phold", targets: ["Phold"]),
        .library(name: "Facility", targets: ["Facility"]),
        .library(name: "Compute", targets: ["Compute"]),
        .library(name: "Serving", targets: ["Serving"]),
        .library(name: "Twin", targets: ["Twin"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "OrderedJSON", targets: ["OrderedJSON"]),
        .library(name: "ScenarioFormat", targets: ["ScenarioFormat"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .executable(name: "dctwin", targets: ["dctwin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "SimKernel", swiftSettings: strictSettings),
        .target(name: "Phold", dependencies: ["SimKernel"], swiftSettings: strictSettings),
        // Physics of the building: thermal masses, breakers, UPS, power supplies, GPU limits.
        .target(
            name: "Facility",
            dependencies: ["SimKernel", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),
        // GPUs, nodes and models as data, and the calibrated per-iteration performance model.
        .target(name: "Compute", swiftSettings: strictSettings),
        // LLM serving as actors: engines (continuous batching, paged KV), routers, workloads, metrics.
        .target(
            name: "Serving",
            dependencies: [
                "SimKernel", "Compute",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictSettings
        ),
        // The coupled world: facility and serving in one simulation, placement, energy and cost.
        .target(name: "Twin", dependencies: ["SimKernel", "Compute", "Facility", "Serving"], swiftSettings: strictSettings),
        // What a run leaves behind: summary.json, CSV time series and events, expectations.
        .target(name: "Report", dependencies: ["SimKernel", "Facility", "Serving", "Twin", "OrderedJSON"], swiftSettings: strictSettings),
        // JSON with keys in the order they were made, so every JSON file dctwin writes is byte-stable.
        .target(name: "OrderedJSON", swiftSettings: strictSettings),
        // Reading strict YAML scenario files: located trees, quantities with units, one schema
        // declaration that drives both validation and the JSON Schema, name templates, imports.
        .target(
            name: "ScenarioFormat",
            dependencies: ["SimKernel", "OrderedJSON", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // The dctwin scenario format: its schema, the reader that checks references and limits,
        // and the run of a plan (faults scheduled, samples taken).
        .target(
            name: "Scenario",
            dependencies: ["SimKernel", "Compute", "Facility", "Serving", "Twin", "Report", "ScenarioFormat", "OrderedJSON"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "dctwin",
            dependencies: [
                "SimKernel", "Phold", "Compute", "Facility", "Serving", "Twin", "Report", "ScenarioFormat", "Scenario", "OrderedJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"], swiftSettings: strictSettings),
        .testTarget(name: "FacilityTests", dependencies: ["Facility", "SimKernel"], swiftSettings: strictSettings),
        .testTarget(name: "ComputeTests", dependencies: ["Compute", "SimKernel"], swiftSettings: strictSettings),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Compute", "SimKernel"], swiftSettings: strictSettings),
        .testTarget(name: "TwinTests", dependencies: ["Twin", "Facility", "Serving", "Compute", "SimKernel"], swiftSettings: strictSettings),
        .testTarget(name: "ReportTests", dependencies: ["Report", "OrderedJSON"], swiftSettings: strictSettings),
        .testTarget(name: "ScenarioFormatTests", dependencies: ["ScenarioFormat", "SimKernel"], swiftSettings: strictSettings),
        // Broken/ holds the corpus of refused scenarios, Golden/ the example summaries: data the
        // tests read from the repository, not resources of the test bundle.
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "ScenarioFormat", "Report", "Twin", "Serving", "Compute", "SimKernel", "OrderedJSON"],
                    exclude: ["Broken", "Golden"], swiftSettings: strictSettings),
        .testTarget(name: "PholdTests", dependencies: ["Phold", "SimKernel"], swiftSettings: strictSettings),
        // Runs the built `dctwin` binary: exact output lines and exit codes.
        .testTarget(name: "dctwinTests", dependencies: ["dctwin"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
