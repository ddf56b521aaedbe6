// swift-tools-version: 6.1
// Performance suite for dctwin (ordo-one/benchmark). A separate package so that the main
// package's `swift build` and `swift test` never build the benchmark tool or its plugins.
// Run from this directory: `swift package benchmark`; gate on the checked-in thresholds with
// `swift package benchmark thresholds check` (non-zero exit on a regression).
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory, which is whatever the clone is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // MallocInterposer only: the default RuntimeInterposer trait needs a package that is
        // not mirrored here, and the Jemalloc variant needs a system library.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SimKernel", package: rootPackage),
                .product(name: "Phold", package: rootPackage),
                .product(name: "Facility", package: rootPackage),
                .product(name: "Serving", package: rootPackage),
                .product(name: "Twin", package: rootPackage),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
