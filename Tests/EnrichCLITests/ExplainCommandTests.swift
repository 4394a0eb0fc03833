import Diagnostics
import Foundation
import Testing

@Suite("enrich explain")
struct ExplainCommandTests {
    @Test(arguments: DiagnosticCode.allCases)
    func everyCodeHasAnExplanationWithWrongAndFixedExamples(code: DiagnosticCode) throws {
        let outcome = try EnrichProcess.run(["explain", code.rawValue])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("\(code.rawValue) (\(code.name)):"))
        #expect(outcome.stdout.contains("Example of the problem:"))
        #expect(outcome.stdout.contains("Fixed:"))
    }

    @Test func codesAreFoundByNameAndInAnyCase() throws {
        #expect(try EnrichProcess.run(["explain", "e021"]).stdout.hasPrefix("E021"))
        #expect(try EnrichProcess.run(["explain", "unknown-agent"]).stdout.hasPrefix("E021"))
    }

    @Test func unknownCodeExitsTwo() throws {
        let outcome = try EnrichProcess.run(["explain", "E999"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("unknown diagnostic code"))
    }

    @Test func listShowsEveryCode() throws {
        let outcome = try EnrichProcess.run(["explain", "--list"])
        #expect(outcome.status == 0)
        for code in DiagnosticCode.allCases {
            #expect(outcome.stdout.contains(code.rawValue))
        }
    }
}
