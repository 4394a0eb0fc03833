import Diagnostics
import Foundation
import Testing

@Suite("JSONRenderer")
struct JSONRendererTests {
    /// The rendered document parsed back with JSONSerialization.
    private func parsed(_ diagnostics: [Diagnostic], fileCount: Int? = nil) throws -> [String: Any] {
        let text = JSONRenderer().render(diagnostics, fileCount: fileCount)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func documentParsesBackWithVersionDiagnosticsAndSummary() throws {
        let warning = Diagnostic(.unusedAgent, "agent `weather` is never used", at: .startOf(file: "other.yaml"))
        let document = try parsed([SourceFixtures.unknownAgent(), warning], fileCount: 3)
        #expect(document["version"] as? Int == 1)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == 1)
        #expect(summary["warnings"] as? Int == 1)
        #expect(summary["files"] as? Int == 3)
        #expect((document["diagnostics"] as? [Any])?.count == 2)
    }

    @Test func diagnosticHasCodeNameSeverityMessageFileAndRange() throws {
        let document = try parsed([SourceFixtures.unknownAgent()])
        let entry = try #require((document["diagnostics"] as? [[String: Any]])?.first)
        #expect(entry["code"] as? String == "E021")
        #expect(entry["name"] as? String == "unknown-agent")
        #expect(entry["severity"] as? String == "error")
        #expect(entry["message"] as? String == "unknown agent `geocod`")
        #expect(entry["file"] as? String == "samples/bad.yaml")
        #expect(entry["help"] as? [String] == ["did you mean `geocode`?"])

        let range = try #require(entry["range"] as? [String: [String: Int]])
        let expected = SourceFixtures.unknownAgent().range
        #expect(range["start"] == ["line": 12, "column": 12, "offset": expected.start.offset])
        #expect(range["end"] == ["line": 12, "column": 18, "offset": expected.end.offset])
    }

    @Test func notesOmitFileAndRangeWhenTheyHaveNone() throws {
        let document = try parsed([SourceFixtures.unknownAgent()])
        let entry = try #require((document["diagnostics"] as? [[String: Any]])?.first)
        let notes = try #require(entry["notes"] as? [[String: Any]])
        #expect(notes.count == 2)
        #expect(Set(notes[0].keys) == ["message"])
        #expect(Set(notes[1].keys) == ["message", "file", "range"])
        #expect(notes[1]["file"] as? String == "samples/bad.yaml")
        let start = try #require((notes[1]["range"] as? [String: [String: Int]])?["start"])
        #expect(start["line"] == 3 && start["column"] == 3)
    }

    @Test func fixItsCarryMessageRangeAndReplacement() throws {
        let document = try parsed([SourceFixtures.unknownAgent()])
        let entry = try #require((document["diagnostics"] as? [[String: Any]])?.first)
        let fixIt = try #require((entry["fixIts"] as? [[String: Any]])?.first)
        #expect(fixIt["message"] as? String == "use the declared agent")
        #expect(fixIt["replacement"] as? String == "geocode")
        #expect((fixIt["range"] as? [String: [String: Int]])?["start"]?["column"] == 12)
    }

    @Test func fileCountDefaultsToDistinctFilesWithDiagnostics() throws {
        let elsewhere = Diagnostic(.emptyFile, "empty", at: .startOf(file: "empty.yaml"))
        let document = try parsed([SourceFixtures.unknownAgent(), SourceFixtures.unknownAgent(), elsewhere])
        #expect((document["summary"] as? [String: Any])?["files"] as? Int == 2)
    }

    @Test func outputIsDeterministicSortedPrettyAndKeepsSlashes() {
        let first = JSONRenderer().render([SourceFixtures.unknownAgent()])
        #expect(first == JSONRenderer().render([SourceFixtures.unknownAgent()]))
        #expect(first.contains("\"samples/bad.yaml\""))
        #expect(first.hasPrefix("{\n"))
        #expect(first.hasSuffix("}\n"))
        let keys = ["\"diagnostics\"", "\"summary\"", "\"version\""].map { first.range(of: $0)!.lowerBound }
        #expect(keys == keys.sorted())
    }

    @Test func noDiagnosticsGiveAnEmptyListAndZeroCounts() throws {
        let document = try parsed([], fileCount: 4)
        #expect((document["diagnostics"] as? [Any])?.isEmpty == true)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["errors": 0, "warnings": 0, "files": 4])
    }
}
