import Foundation
import Testing

@Suite("enrich compile")
struct CompileCommandTests {
    static func outputPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("enrich-plan-\(UUID().uuidString).json").path
    }

    @Test func writesAPlanFileAndSaysNothingOnSuccess() throws {
        let output = Self.outputPath()
        let outcome = try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", output])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.isEmpty)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"compiler\": \"enrich "))
        #expect(text.contains("\"format\": \"enrich-plan\""))
        #expect(text.contains("\"path\": \"samples/martech.yaml\""))
        #expect(text.hasSuffix("\"version\": 1\n}\n"))
    }

    @Test func compilingTwiceGivesByteIdenticalPlans() throws {
        let first = Self.outputPath()
        let second = Self.outputPath()
        #expect(try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", first]).status == 0)
        #expect(try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", second]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    }

    @Test func secretValuesFromTheEnvironmentNeverReachThePlan() throws {
        let secret = "tok-9f8e7d6c5b4a-never-in-plans"
        let outcome = try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", "-"], environment: ["CRM_TOKEN": secret])
        #expect(outcome.status == 0)
        #expect(!outcome.stdout.contains(secret))
        #expect(outcome.stdout.contains("{\"env\": \"CRM_TOKEN\"}"))
    }

    @Test func explainPrintsStagesCriticalPathTimingAndPasses() throws {
        let outcome = try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", Self.outputPath(), "--explain"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("plan for `martech_enrichment` (samples/martech.yaml): 5 agents in 3 stages\n"))
        #expect(outcome.stdout.contains("critical path\n  crm_lookup → priority = 545ms (deadline 900ms, 355ms to spare)"))
        #expect(outcome.stdout.contains("agent           kind       stage  worst case  earliest  latest start  slack"))
        #expect(outcome.stdout.contains("  transitive reduction\n    - dropped `geocode` → `priority`"))
    }

    @Test func errorsArePrintedLikeLintAndNothingIsWritten() throws {
        let path = try EnrichProcess.temporaryFile(LintCommandTests.broken)
        let output = Self.outputPath()
        let outcome = try EnrichProcess.run(["compile", path, "-o", output])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("\(path):9:13: error[E021]: no agent named `geocod`"))
        #expect(outcome.stderr.hasSuffix("1 error in 1 file\n"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func warningsAreShownButDoNotStopCompilation() throws {
        let path = try EnrichProcess.temporaryFile(LintCommandTests.warningOnly)
        let outcome = try EnrichProcess.run(["compile", path, "-o", Self.outputPath()])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("warning[W002]"))
    }

    @Test func unreadableInputOrOutputExitsTwo() throws {
        let missing = try EnrichProcess.run(["compile", "/nonexistent/pipeline.yaml", "-o", Self.outputPath()])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/pipeline.yaml: no such file"))
        let unwritable = try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", "/nonexistent/dir/plan.json"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.contains("enrich: error: cannot write /nonexistent/dir/plan.json"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try EnrichProcess.run(["compile", "samples/martech.yaml"]).status == 2)
        #expect(try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", "-", "--explain"]).status == 2)
    }

    @Test func helpReadsLikeAManPage() throws {
        let outcome = try EnrichProcess.run(["compile", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("EXIT STATUS"))
        #expect(outcome.stdout.contains("EXAMPLES"))
        #expect(outcome.stdout.contains("-o, --output <plan>"))
    }
}
