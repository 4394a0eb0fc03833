// swift-tools-version:6.1
import PackageDescription

// Stages of the compiler, each one module, data flowing one way:
//   CYAML → YAMLSource → PipelineSyntax → PipelineChecks → Planner → Runtime
// Diagnostics is the shared vocabulary every front-end stage reports through.
// EventJSON (over simdjson), RuntimeState (SQLite), Agents, NetworkAgents and ProcessAgents serve the runtime.
let package = Package(
    name: "Enrich",
    platforms: [.macOS(.v15)],  // macOS 15: the stdlib's UInt128 (GeoIP addresses)
    products: [
        .executable(name: "enrich", targets: ["enrich"]),
        .library(name: "PipelineChecks", targets: ["PipelineChecks"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        // What a generated pipeline package (`enrich compile --emit swift`) depends on.
        .library(name: "EnrichRunDriver", targets: ["EnrichRunDriver", "Runtime", "EventJSON", "Planner", "Agents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
    ],
    targets: [
        // Front end.
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

        // Runtime.
        // simdjson (Debian libsimdjson-dev) behind a pure C API; EventJSON is its only user.
        .target(
            name: "CSimdjson",
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .target(name: "EventJSON", dependencies: ["CSimdjson"]),
        .target(
            name: "RuntimeState",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
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
        .target(
            name: "Runtime",
            dependencies: [
                "Planner", "EventJSON", "RuntimeState", "Agents",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "NetworkAgents",
            dependencies: [
                "Runtime", "Planner", "EventJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // `process` and `local_llm` agents: long-running children speaking JSON lines.
        .target(
            name: "ProcessAgents",
            dependencies: [
                "Runtime", "Planner", "EventJSON",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Sources and sinks beyond files: HTTP ingest into a durable queue, the webhook sink.
        .target(
            name: "Connectors",
            dependencies: [
                "Runtime", "RuntimeState", "EventJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // Plan → Swift package for a specialized binary (`enrich compile --emit swift`).
        .target(name: "SwiftEmitter", dependencies: ["Planner"]),

        // Command line.
        // `run`'s options and driver, shared by `enrich run` and generated pipeline binaries.
        .target(
            name: "EnrichRunDriver",
            dependencies: [
                "Runtime", "RuntimeState", "Agents", "NetworkAgents", "ProcessAgents", "Connectors", "EventJSON", "Planner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "EnrichCLI",
            dependencies: [
                "PipelineChecks", "Planner", "Diagnostics", "Runtime", "RuntimeState", "Agents", "NetworkAgents", "ProcessAgents", "EventJSON",
                "Connectors", "EnrichRunDriver", "SwiftEmitter", "PipelineSyntax",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(name: "enrich", dependencies: ["EnrichCLI"]),

        // Benchmarks and test helpers.
        .executableTarget(
            name: "LintBenchmark",
            dependencies: ["PipelineChecks", "PipelineSyntax", "YAMLSource", "CYAML", "Diagnostics"]
        ),
        .executableTarget(name: "JSONBenchmark", dependencies: ["EventJSON"]),
        .executableTarget(name: "StateBenchmark", dependencies: ["RuntimeState"]),
        .executableTarget(name: "StateCrashHelper", dependencies: ["RuntimeState"]),
        .executableTarget(name: "AgentsBenchmark", dependencies: ["Agents", "EventJSON"]),
        // The hand-written martech-local DAG: the floor the runtime and codegen benchmarks measure against.
        .target(name: "BenchmarkFloor", dependencies: ["Agents", "EventJSON"]),
        .executableTarget(name: "RuntimeBenchmark", dependencies: ["Runtime", "Planner", "PipelineChecks", "EventJSON", "BenchmarkFloor"]),
        .executableTarget(
            name: "HTTPAgentBenchmark",
            dependencies: ["NetworkAgents", "StandInServers", "Runtime", "Planner", "PipelineChecks", "Diagnostics"]
        ),
        // Stand-in APIs + the `enrich` binary under a fixed event rate over HTTP ingest to a webhook.
        .executableTarget(
            name: "LoadBenchmark",
            dependencies: [
                "StandInServers", "EventJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // HTTP servers on 127.0.0.1 that stand in for the services agents call (latency,
        // errors, hangs, resets on demand); for tests and benchmarks only.
        .target(
            name: "StandInServers",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: ["Connectors", "Runtime", "RuntimeState", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .executableTarget(name: "CodegenBenchmark", dependencies: ["GeneratedPipelines", "Runtime", "Planner", "PipelineChecks", "BenchmarkFloor"]),

        // Tests.
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "YAMLSourceTests", dependencies: ["YAMLSource", "Diagnostics", "PipelineChecks"]),
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
        ),
        .testTarget(name: "EventJSONTests", dependencies: ["EventJSON", "CSimdjson"]),
        .testTarget(
            name: "RuntimeStateTests",
            dependencies: ["RuntimeState", "StateCrashHelper", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AgentsTests",
            dependencies: ["Agents", "EventJSON", "Planner", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: ["enrich", "Runtime", "Planner", "PipelineChecks", "EventJSON", "RuntimeState", "Agents", "NetworkAgents"]
        ),
        .testTarget(name: "EnrichCLITests", dependencies: ["enrich", "Diagnostics"]),
        .testTarget(
            name: "NetworkAgentsTests",
            dependencies: [
                "enrich", "NetworkAgents", "StandInServers", "Runtime", "RuntimeState", "Planner", "PipelineChecks", "Diagnostics",
                "EventJSON", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ProcessAgentsTests", dependencies: ["ProcessAgents", "Runtime", "Planner", "EventJSON", "enrich"]),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: [
                "enrich", "Connectors", "Runtime", "RuntimeState", "Planner", "PipelineChecks", "EventJSON", "Diagnostics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The generated Swift of the samples and random DAGs (snapshots, regenerated by
        // SwiftEmitterTests with ENRICH_UPDATE_GOLDEN=1), compiled for the differential tests.
        .target(name: "GeneratedPipelines", dependencies: ["Runtime", "EventJSON", "Planner", "Agents"], path: "Tests/GeneratedPipelines"),
        .testTarget(
            name: "SwiftEmitterTests",
            dependencies: [
                "SwiftEmitter", "GeneratedPipelines", "Planner", "PipelineChecks", "Diagnostics", "Runtime", "RuntimeState",
                "EventJSON", "Agents", "EnrichRunDriver",
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "CaseReproductionTests",
            dependencies: [
                "enrich", "StandInServers", "EventJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
