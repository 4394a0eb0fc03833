// swift-tools-version:6.1
import PackageDescription

// Stages of the compiler, each one module, data flowing one way:
// CYAML → YAMLSource → PipelineSyntax → PipelineChecks → (Planner, Runtime, SwiftEmitter)
// Diagnostics is the shared vocabulary every stage reports through.
let package = Package(
    name: "Enrich",
    platforms: [.macOS(.v15)],  // macOS 15: the stdlib UInt128 (GeoIP addresses)
    products: [
        .executable(name: "enrich", targets: ["enrich"]),
        .library(name: "PipelineChecks", targets: ["PipelineChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "Diagnostics"),
        .target(name: "YAMLSource", dependencies: ["CYAML", "Diagnostics"]),
        .target(name: "PipelineSyntax", dependencies: ["YAMLSource", "Diagnostics"]),
        .target(name: "PipelineChecks", dependencies: ["PipelineSyntax", "YAMLSource", "Diagnostics"]),
        .target(name: "Planner", dependencies: ["PipelineChecks", "PipelineSyntax", "Diagnostics"]),
        .target(name: "EventJSON"),
        // Built-in in-process agents (lookup, geoip, sentiment, function), called inline by the runtime.
        .target(
            name: "Agents",
            dependencies: [
                "EventJSON", "Planner", "Diagnostics",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "AgentsBenchmark", dependencies: ["Agents", "EventJSON"]),
        .target(
            name: "EnrichCLI",
            dependencies: [
                "PipelineChecks", "Diagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "enrich", dependencies: ["EnrichCLI"]),
        .executableTarget(
            name: "LintBenchmark",
            dependencies: ["PipelineChecks", "Diagnostics"]
        ),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "YAMLSourceTests", dependencies: ["YAMLSource", "Diagnostics"]),
        .testTarget(name: "PipelineSyntaxTests", dependencies: ["PipelineSyntax", "Diagnostics"]),
        .testTarget(
            name: "PipelineChecksTests",
            dependencies: ["PipelineChecks", "PipelineSyntax", "Diagnostics"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "AgentsTests",
            dependencies: ["Agents", "EventJSON", "Planner", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EnrichCLITests",
            dependencies: ["enrich", "Diagnostics"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
