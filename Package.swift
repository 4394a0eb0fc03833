// swift-tools-version:6.1
import PackageDescription

// Stages of the compiler, each one module, data flowing one way:
// CYAML → YAMLSource → PipelineSyntax → PipelineChecks → (Planner, Runtime, SwiftEmitter)
// Diagnostics is the shared vocabulary every stage reports through.
let package = Package(
    name: "Enrich",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "enrich", targets: ["enrich"]),
        .library(name: "PipelineChecks", targets: ["PipelineChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
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
        // simdjson (Debian libsimdjson-dev) behind a pure C API; EventJSON is its only user.
        .target(
            name: "CSimdjson",
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .target(name: "EventJSON", dependencies: ["CSimdjson"]),
        .target(
            name: "EnrichCLI",
            dependencies: [
                "PipelineChecks", "Diagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "enrich", dependencies: ["EnrichCLI"]),
        .executableTarget(name: "JSONBenchmark", dependencies: ["EventJSON"]),
        .executableTarget(
            name: "LintBenchmark",
            dependencies: ["PipelineChecks", "Diagnostics"]
        ),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "EventJSONTests", dependencies: ["EventJSON", "CSimdjson"]),
        .testTarget(name: "YAMLSourceTests", dependencies: ["YAMLSource", "Diagnostics"]),
        .testTarget(name: "PipelineSyntaxTests", dependencies: ["PipelineSyntax", "Diagnostics"]),
        .testTarget(
            name: "PipelineChecksTests",
            dependencies: ["PipelineChecks", "PipelineSyntax", "Diagnostics"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "EnrichCLITests",
            dependencies: ["enrich", "Diagnostics"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
