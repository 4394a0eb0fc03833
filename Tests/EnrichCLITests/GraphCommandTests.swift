import Foundation
import Testing

@Suite("enrich graph")
struct GraphCommandTests {
    static func compiledPlan() throws -> String {
        let output = CompileCommandTests.outputPath()
        #expect(try EnrichProcess.run(["compile", "samples/martech.yaml", "-o", output]).status == 0)
        return output
    }

    @Test func drawsAPipelineFileAsDotByDefault() throws {
        let outcome = try EnrichProcess.run(["graph", "samples/martech.yaml"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("digraph \"martech_enrichment\" {"))
        #expect(outcome.stdout.contains("\"crm_lookup\" -> \"priority\" [color=red, penwidth=2];"))
    }

    @Test func drawsAPlanFileAsMermaid() throws {
        let outcome = try EnrichProcess.run(["graph", try Self.compiledPlan(), "--format", "mermaid"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("flowchart LR\n"))
        #expect(outcome.stdout.contains("classDef critical"))
        #expect(outcome.stdout.contains("linkStyle 1 stroke:#d00"))
    }

    @Test func planAndPipelineGiveTheSameDrawing() throws {
        let fromPipeline = try EnrichProcess.run(["graph", "samples/martech.yaml"])
        let fromPlan = try EnrichProcess.run(["graph", try Self.compiledPlan()])
        #expect(fromPipeline.stdout == fromPlan.stdout)
    }

    @Test func truncatedPlanExitsTwoAndSaysSo() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Self.compiledPlan()))
        // Cut at a line break (never inside a string) about a third of the way in.
        let cut = bytes[..<(bytes.count / 3)].lastIndex(of: UInt8(ascii: "\n")) ?? bytes.count / 3
        let path = try EnrichProcess.temporaryFile(String(decoding: bytes.prefix(upTo: cut), as: UTF8.self), name: "plan.json")
        let outcome = try EnrichProcess.run(["graph", path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("enrich: error: \(path): plan file is truncated or corrupt: unexpected end of input at line "))
    }

    @Test func planFromANewerEnrichExitsTwoAndSaysSo() throws {
        let text = try String(contentsOfFile: try Self.compiledPlan(), encoding: .utf8)
            .replacingOccurrences(of: "\"version\": 1\n}", with: "\"version\": 2\n}")
        let path = try EnrichProcess.temporaryFile(text, name: "plan.json")
        let outcome = try EnrichProcess.run(["graph", path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("written by a newer enrich: plan format 2, this enrich reads format 1"))
    }

    @Test func pipelineWithErrorsExitsOne() throws {
        let path = try EnrichProcess.temporaryFile(LintCommandTests.broken)
        let outcome = try EnrichProcess.run(["graph", path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("error[E021]"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func readsPipelinesAndPlansFromStandardInput() throws {
        let yaml = try String(contentsOf: EnrichProcess.packageRoot.appendingPathComponent("samples/martech.yaml"), encoding: .utf8)
        let fromPipeline = try EnrichProcess.run(["graph", "-"], stdin: yaml)
        #expect(fromPipeline.status == 0)
        #expect(fromPipeline.stdout.hasPrefix("digraph \"martech_enrichment\" {"))
        let plan = try String(contentsOfFile: try Self.compiledPlan(), encoding: .utf8)
        let fromPlan = try EnrichProcess.run(["graph", "-"], stdin: plan)
        #expect(fromPlan.stdout == fromPipeline.stdout)
    }

    @Test func unknownFormatIsAUsageError() throws {
        #expect(try EnrichProcess.run(["graph", "samples/martech.yaml", "--format", "svg"]).status == 2)
    }
}
