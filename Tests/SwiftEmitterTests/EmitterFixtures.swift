import Diagnostics
import Foundation
import PipelineChecks
import Planner
import SwiftEmitter
import Testing

/// The pipelines whose generated Swift is checked in (Tests/GeneratedPipelines, compiled
/// into the tests) and compared against the interpreter: every sample and some random DAGs.
enum EmitterFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samples = [
        "clickstream", "ecommerce-orders", "martech", "martech-local", "seed-agents", "support-tickets",
    ]

    static let randomPipelines = (1...8).map { RandomInProcessPipeline(seed: UInt64($0), agentCount: 4 + Int($0) % 5) }

    struct Fixture: Sendable, CustomTestStringConvertible {
        var name: String
        /// The path recorded in the plan: relative, as a user would type it.
        var path: String
        var yaml: [UInt8]
        var testDescription: String { name }
    }

    static var all: [Fixture] {
        samples.map { sample in
            let path = "samples/\(sample).yaml"
            return Fixture(name: sample, path: path, yaml: (try? [UInt8](Data(contentsOf: packageRoot.appendingPathComponent(path)))) ?? [])
        } + randomPipelines.map { Fixture(name: $0.name, path: $0.path, yaml: Array($0.yaml.utf8)) }
    }

    /// The fixture's plan, as `enrich compile` makes it.
    static func plan(_ fixture: Fixture) throws -> Plan {
        let result = Linter.lint(SourceFile(path: fixture.path, bytes: fixture.yaml))
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.isEmpty, "\(fixture.name) has errors: \(errors)")
        let pipeline = try #require(result.pipeline)
        return try PlanCompiler.compile(pipeline, compiler: "enrich 0.1.0")
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["ENRICH_UPDATE_GOLDEN"] != nil }
}
