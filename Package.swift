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
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
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
        .target(
            name: "Planner",
            dependencies: [
                "PipelineChecks", "PipelineSyntax", "Diagnostics",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Runtime state on SQLite: result cache, dedup window, audit trail, input checkpoints.
        .target(
            name: "RuntimeState",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(name: "StateBenchmark", dependencies: ["RuntimeState"]),
        // Commits batches in a loop until killed; the crash test SIGKILLs it.
        .executableTarget(name: "StateCrashHelper", dependencies: ["RuntimeState"]),
        .target(
            name: "Runtime",
            dependencies: ["Planner", "EventJSON", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .target(
            name: "NetworkAgents",
            dependencies: [
                "Runtime", "Planner", "EventJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
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
                "PipelineChecks", "Planner", "Diagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "enrich", dependencies: ["EnrichCLI"]),
        .executableTarget(
            name: "LintBenchmark",
            dependencies: ["PipelineChecks", "Diagnostics"]
        ),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Planner", "EventJSON"]),
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
            name: "PlannerTests",
            dependencies: [
                "Planner", "PipelineChecks", "PipelineSyntax", "Diagnostics",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Golden")]
            name: "RuntimeStateTests",
            dependencies: ["RuntimeState", "StateCrashHelper", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EnrichCLITests",
            dependencies: ["enrich", "Diagnostics"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
