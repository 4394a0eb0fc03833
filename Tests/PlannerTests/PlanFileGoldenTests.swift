import Diagnostics
import Foundation
import PipelineChecks
import Testing

@testable import Planner

/// The plan of samples/martech.yaml, byte for byte. Set `ENRICH_UPDATE_GOLDEN=1` to rewrite it.
@Suite("plan file golden")
struct PlanFileGoldenTests {
    static let samplePath = "samples/martech.yaml"

    static func martechPlanBytes() throws -> [UInt8] {
        let url = PlannerFixture.packageRoot.appendingPathComponent(samplePath)
        let bytes = try [UInt8](Data(contentsOf: url))
        // The recorded path is the relative one a user would type, whatever the working directory.
        let result = Linter.lint(SourceFile(path: samplePath, bytes: bytes))
        let pipeline = try #require(result.pipeline)
        #expect(!result.hasErrors)
        return PlanFile.encode(try PlanCompiler.compile(pipeline, compiler: "enrich 0.1.0"))
    }

    @Test func martechPlanMatchesGoldenFile() throws {
        let actual = try Self.martechPlanBytes()
        let golden = PlannerFixture.packageRoot.appendingPathComponent("Tests/PlannerTests/Golden/martech.plan.json")
        if ProcessInfo.processInfo.environment["ENRICH_UPDATE_GOLDEN"] != nil {
            try Data(actual).write(to: golden)
        }
        let expected = try [UInt8](Data(contentsOf: golden))
        #expect(
            actual == expected,
            "plan differs from Golden/martech.plan.json; rerun with ENRICH_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test func compilingTwiceGivesIdenticalBytes() throws {
        #expect(try Self.martechPlanBytes() == Self.martechPlanBytes())
    }

    @Test func goldenPlanDecodesToTheCompiledPlan() throws {
        let bytes = try Self.martechPlanBytes()
        let decoded = try PlanFile.decode(bytes)
        #expect(PlanFile.encode(decoded) == bytes)
    }
}
