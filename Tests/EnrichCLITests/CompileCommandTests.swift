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
        #expect(outcome.stdout.contains("-o, --output <plan|dir>"))
        #expect(outcome.stdout.contains("--emit <emit>"))
        #expect(outcome.stdout.contains("--functions <dir>"))
    }
}

/// `enrich compile --emit swift`: the package files, and `--functions` checked against the pipeline.
@Suite("compile --emit swift")
struct CompileSwiftCommandTests {
    static func directory() throws -> URL {
        URL(fileURLWithPath: try EnrichProcess.temporaryFile("", name: "unused")).deletingLastPathComponent()
    }

    @Test func writesAPackageDependingOnThisCheckoutByPath() throws {
        let package = try Self.directory().appendingPathComponent("pkg")
        let outcome = try EnrichProcess.run(["compile", "samples/martech-local.yaml", "--emit", "swift", "-o", package.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let manifest = try String(contentsOf: package.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(".package(path: \"\(EnrichProcess.packageRoot.standardizedFileURL.path)\")"))
        for file in ["main.swift", "MartechLocalPipeline.swift", "MartechLocalPipeline+Plan.swift"] {
            #expect(FileManager.default.fileExists(atPath: package.appendingPathComponent("Sources/MartechLocal/\(file)").path), "\(file)")
        }
    }

    @Test func dependsByURLAndVersionOnRequest() throws {
        let package = try Self.directory().appendingPathComponent("pkg")
        let outcome = try EnrichProcess.run([
            "compile", "samples/martech-local.yaml", "--emit", "swift", "-o", package.path,
            "--runtime-url", "https://github.com/example/enrich.git", "--runtime-version", "0.1.0",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let manifest = try String(contentsOf: package.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".package(url: "https://github.com/example/enrich.git", exact: "0.1.0"),"#))
        let half = try EnrichProcess.run(["compile", "samples/martech-local.yaml", "--emit", "swift", "-o", package.path, "--runtime-url", "https://x/y.git"])
        #expect(half.status == 2)
    }

    @Test func functionMismatchIsReportedNamingThePipelineAndTheSwiftFile() throws {
        let directory = try Self.directory()
        let functions = directory.appendingPathComponent("functions")
        try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
        try Data("import EventJSON\n\nfunc loyalty_points(amount: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue { .null }\n".utf8)
            .write(to: functions.appendingPathComponent("points.swift"))
        let package = directory.appendingPathComponent("pkg")
        let outcome = try EnrichProcess.run(["compile", "samples/ecommerce-orders.yaml", "--emit", "swift", "-o", package.path, "--functions", functions.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("E040"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("samples/ecommerce-orders.yaml:125"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("points.swift:3"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: package.path), "nothing is written on a mismatch")
    }

    @Test func matchingFunctionsAreCompiledIn() throws {
        let directory = try Self.directory()
        let functions = directory.appendingPathComponent("functions")
        try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
        let source = "import Agents\nimport EventJSON\n\nfunc loyalty_points(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue { .null }\n"
        try Data(source.utf8).write(to: functions.appendingPathComponent("points.swift"))
        let package = directory.appendingPathComponent("pkg")
        let outcome = try EnrichProcess.run(["compile", "samples/ecommerce-orders.yaml", "--emit", "swift", "-o", package.path, "--functions", functions.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let copied = try String(contentsOf: package.appendingPathComponent("Sources/EcommerceOrders/Functions/points.swift"), encoding: .utf8)
        #expect(copied == source)
        let registration = try String(contentsOf: package.appendingPathComponent("Sources/EcommerceOrders/EcommerceOrdersPipeline+Functions.swift"), encoding: .utf8)
        #expect(registration.contains("try loyalty_points(inputs)"))
    }
}
