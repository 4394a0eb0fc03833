import Diagnostics
import Foundation
import PipelineChecks
import Testing

@testable import Planner

/// Compiles pipeline text the way `enrich compile` does, failing the test on lint errors.
enum PlannerFixture {
    static let compiler = "enrich test"

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The linted pipeline, failing when it has errors.
    static func checked(_ yaml: String, path: String = "pipeline.yaml") throws -> CheckedPipeline {
        let result = Linter.lint(SourceFile(path: path, bytes: Array(yaml.utf8)))
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors == [], "the fixture must lint without errors")
        return try #require(result.pipeline)
    }

    /// The initial plan, before any pass.
    static func lowered(_ yaml: String) throws -> Plan {
        try PlanLowering.lower(try checked(yaml), compiler: compiler)
    }

    /// The plan after lowering and the given passes.
    static func plan(_ yaml: String, passes: [any PlanPass]) throws -> Plan {
        var plan = try lowered(yaml)
        for pass in passes { pass.apply(to: &plan) }
        return plan
    }

    /// The fully optimised plan.
    static func compiled(_ yaml: String, path: String = "pipeline.yaml") throws -> Plan {
        try PlanCompiler.compile(try checked(yaml, path: path), compiler: compiler)
    }

    /// Agent names in plan order.
    static func names(_ plan: Plan) -> [String] { plan.agents.map(\.name) }

    /// Dependencies by name, for readable expectations.
    static func edges(_ plan: Plan) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for agent in plan.agents { result[agent.name] = agent.dependencies.map { plan.agents[$0].name } }
        return result
    }
}
