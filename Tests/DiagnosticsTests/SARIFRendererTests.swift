import Diagnostics
import Foundation
import Testing

@Suite("SARIFRenderer")
struct SARIFRendererTests {
    /// The rendered log parsed back with JSONSerialization.
    private func log(
        _ diagnostics: [Diagnostic],
        ruleDescriptions: [DiagnosticCode: String] = [:]
    ) throws -> [String: Any] {
        let text = SARIFRenderer(toolVersion: "1.2.3", ruleDescriptions: ruleDescriptions).render(diagnostics)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The single run of a parsed log.
    private func run(_ log: [String: Any]) throws -> [String: Any] {
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    /// The first result of a parsed log.
    private func firstResult(_ log: [String: Any]) throws -> [String: Any] {
        try #require((try run(log)["results"] as? [[String: Any]])?.first)
    }

    @Test func logIsValidJSONDeclaringSARIF210() throws {
        let parsed = try log([SourceFixtures.unknownAgent()])
        #expect(parsed["version"] as? String == "2.1.0")
        #expect(parsed["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(try run(parsed)["columnKind"] as? String == "unicodeCodePoints")
    }

    @Test func driverNamesEnrichWithVersionAndARuleForEveryCode() throws {
        let driver = try #require((try run(try log([]))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "enrich")
        #expect(driver["version"] as? String == "1.2.3")
        #expect(driver["informationUri"] as? String == "https://github.com/enrich-dev/enrich")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == DiagnosticCode.allCases.map(\.rawValue))
        #expect(rules.map { $0["name"] as? String } == DiagnosticCode.allCases.map(\.name))
        #expect(rules.allSatisfy { $0["helpUri"] == nil })
    }

    @Test func rulesUseGivenDescriptionsElseTheCodeNameAndDefaultLevel() throws {
        let parsed = try log([], ruleDescriptions: [.unknownAgent: "A reference names no declared agent."])
        let driver = try #require((try run(parsed)["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: rules.map { ($0["id"] as? String ?? "", $0) })
        #expect((byID["E021"]?["shortDescription"] as? [String: String])?["text"] == "A reference names no declared agent.")
        #expect((byID["E001"]?["shortDescription"] as? [String: String])?["text"] == "yaml-syntax")
        #expect((byID["E021"]?["defaultConfiguration"] as? [String: String])?["level"] == "error")
        #expect((byID["W001"]?["defaultConfiguration"] as? [String: String])?["level"] == "warning")
    }

    @Test func resultPointsAtTheRuleWithLevelAndMessagePlusHelp() throws {
        let result = try firstResult(try log([SourceFixtures.unknownAgent()]))
        #expect(result["ruleId"] as? String == "E021")
        #expect(result["ruleIndex"] as? Int == DiagnosticCode.allCases.firstIndex(of: .unknownAgent))
        #expect(result["level"] as? String == "error")
        #expect((result["message"] as? [String: String])?["text"] == """
            unknown agent `geocod`
            note: agents are declared under `agents:`
            did you mean `geocode`?
            """)
    }

    @Test func regionHasOneBasedLinesAndColumnsWithExclusiveEnd() throws {
        let result = try firstResult(try log([SourceFixtures.unknownAgent()]))
        let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(location["region"] as? [String: Int] == ["startLine": 12, "startColumn": 12, "endLine": 12, "endColumn": 18])
        #expect(location["artifactLocation"] as? [String: String] == ["uri": "samples/bad.yaml", "uriBaseId": "%SRCROOT%"])
    }

    @Test func regionColumnsCountUnicodeScalars() throws {
        let file = SourceFile(path: "u.yaml", text: "city: \"Zürich\" + geocod\n")
        let diagnostic = Diagnostic(.unknownAgent, "unknown agent", at: SourceFixtures.range(of: "geocod", in: file))
        let result = try firstResult(try log([diagnostic]))
        let region = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"].flatMap { $0 as? [String: Any] }?["region"]
        #expect(region as? [String: Int] == ["startLine": 1, "startColumn": 18, "endLine": 1, "endColumn": 24])
    }

    @Test func placedNotesBecomeRelatedLocations() throws {
        let result = try firstResult(try log([SourceFixtures.unknownAgent()]))
        let related = try #require(result["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect(related[0]["id"] as? Int == 0)
        #expect((related[0]["message"] as? [String: String])?["text"] == "`geocode` is declared here")
        let region = (related[0]["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region == ["startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 10])
    }

    @Test func fixItsBecomeFixesWithDeletedRegionAndInsertedText() throws {
        let result = try firstResult(try log([SourceFixtures.unknownAgent()]))
        let fix = try #require((result["fixes"] as? [[String: Any]])?.first)
        #expect((fix["description"] as? [String: String])?["text"] == "use the declared agent")
        let change = try #require((fix["artifactChanges"] as? [[String: Any]])?.first)
        #expect((change["artifactLocation"] as? [String: String])?["uri"] == "samples/bad.yaml")
        let replacement = try #require((change["replacements"] as? [[String: Any]])?.first)
        #expect(replacement["deletedRegion"] as? [String: Int] == ["startLine": 12, "startColumn": 12, "endLine": 12, "endColumn": 18])
        #expect((replacement["insertedContent"] as? [String: String])?["text"] == "geocode")
    }

    @Test func diagnosticWithoutNotesOrFixItsOmitsThoseProperties() throws {
        let warning = Diagnostic(.unusedAgent, "unused", at: .startOf(file: "a.yaml"))
        let result = try firstResult(try log([warning]))
        #expect(result["level"] as? String == "warning")
        #expect(result["relatedLocations"] == nil)
        #expect(result["fixes"] == nil)
    }

    @Test func absolutePathsBecomeFileURIsAndOddCharactersArePercentEncoded() throws {
        let absolute = Diagnostic(.emptyFile, "empty", at: .startOf(file: "/srv/pipelines/a b.yaml"))
        let colon = Diagnostic(.emptyFile, "empty", at: .startOf(file: "c:d#1.yaml"))
        let results = try #require(try run(try log([absolute, colon]))["results"] as? [[String: Any]])
        let locations = results.map {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String]
        }
        #expect(locations[0] == ["uri": "file:///srv/pipelines/a%20b.yaml"])
        #expect(locations[1] == ["uri": "c%3Ad%231.yaml", "uriBaseId": "%SRCROOT%"])
    }

    @Test func outputIsDeterministicWithSortedKeys() {
        let renderer = SARIFRenderer(toolVersion: "1.2.3")
        let text = renderer.render([SourceFixtures.unknownAgent()])
        #expect(text == renderer.render([SourceFixtures.unknownAgent()]))
        #expect(text.hasPrefix("{\n  \"$schema\""))
        #expect(text.hasSuffix("}\n"))
    }
}
