import Foundation
import Testing

@Suite("enrich lint")
struct LintCommandTests {
    static let clean = """
        pipeline: clean
        agents:
        - name: normalise
          type: expr
          output:
            email: lower(event.email)
        """

    static let broken = """
        agents:
        - name: geocode
          type: expr
          output:
            country: upper(event.country)
        - name: attribution
          type: expr
          output:
            region: geocod.country
        """

    static let warningOnly = """
        agents:
        - name: notify
          type: http
          url: "http://127.0.0.1:9/hook"
          method: POST
          retry: 2
          output:
            ok: status
        """

    @Test func cleanFileExitsZeroAndSaysSo() throws {
        let path = try EnrichProcess.temporaryFile(Self.clean)
        let outcome = try EnrichProcess.run(["lint", path])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "no problems in 1 file\n")
    }

    @Test func errorsExitOneWithRustcStyleHeaderAndCarets() throws {
        let path = try EnrichProcess.temporaryFile(Self.broken)
        let outcome = try EnrichProcess.run(["lint", path])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("\(path):9:13: error[E021]: no agent named `geocod`"))
        #expect(outcome.stdout.contains("9 |     region: geocod.country\n  |             ^^^^^^"))
        #expect(outcome.stdout.contains("= help: did you mean"))
        #expect(outcome.stdout.hasSuffix("1 error in 1 file\n"))
    }

    @Test func warningsPassUnlessStrict() throws {
        let path = try EnrichProcess.temporaryFile(Self.warningOnly)
        let relaxed = try EnrichProcess.run(["lint", path])
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("warning[W002]"))
        let strict = try EnrichProcess.run(["lint", "--strict", path])
        #expect(strict.status == 1)
    }

    @Test func unreadableFileExitsTwoButOtherFilesAreStillLinted() throws {
        let good = try EnrichProcess.temporaryFile(Self.broken)
        let outcome = try EnrichProcess.run(["lint", "/nonexistent/pipeline.yaml", good])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/nonexistent/pipeline.yaml: no such file"))
        #expect(outcome.stdout.contains("error[E021]"))
    }

    @Test func directoryIsAnUnreadableFile() throws {
        let outcome = try EnrichProcess.run(["lint", FileManager.default.temporaryDirectory.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("is a directory"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try EnrichProcess.run(["lint"]).status == 2)
        #expect(try EnrichProcess.run(["lint", "--format", "xml", "x.yaml"]).status == 2)
        #expect(try EnrichProcess.run(["frobnicate"]).status == 2)
    }

    @Test func helpReadsLikeAManPageAndExitsZero() throws {
        let outcome = try EnrichProcess.run(["lint", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("EXIT STATUS"))
        #expect(outcome.stdout.contains("--format"))
        let root = try EnrichProcess.run(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("lint"))
        #expect(root.stdout.contains("explain"))
    }

    @Test func standardInputIsLintedWithDash() throws {
        let outcome = try EnrichProcess.run(["lint", "-"], stdin: Self.broken)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("<stdin>:9:13: error[E021]"))
    }

    @Test func jsonFormatIsMachineReadable() throws {
        let path = try EnrichProcess.temporaryFile(Self.broken)
        let outcome = try EnrichProcess.run(["lint", "--format", "json", path])
        #expect(outcome.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["code"] as? String == "E021")
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == 1)
    }

    @Test func sarifFormatIsSarif210WithRegion() throws {
        let path = try EnrichProcess.temporaryFile(Self.broken)
        let outcome = try EnrichProcess.run(["lint", "--format", "sarif", path])
        #expect(outcome.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        #expect(result["ruleId"] as? String == "E021")
        let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let region = try #require(location["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 9)
        #expect(region["startColumn"] as? Int == 13)
        let rules = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((rules["rules"] as? [Any])?.count ?? 0 >= 30)
    }

    @Test func githubFormatEmitsWorkflowAnnotations() throws {
        let path = try EnrichProcess.temporaryFile(Self.broken)
        let outcome = try EnrichProcess.run(["lint", "--format", "github", path])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix("::error file=\(path),line=9,col=13,"))
        #expect(outcome.stdout.contains("::no agent named `geocod`"))
    }

    @Test func colourOnlyWhenAskedAndNeverWithNoColor() throws {
        let path = try EnrichProcess.temporaryFile(Self.broken)
        let piped = try EnrichProcess.run(["lint", path])
        #expect(!piped.stdout.contains("\u{1B}["), "output to a pipe is plain")
        let forced = try EnrichProcess.run(["lint", "--color", "always", path])
        #expect(forced.stdout.contains("\u{1B}["))
        let noColor = try EnrichProcess.run(["lint", "--color", "always", path], environment: ["NO_COLOR": "1"])
        #expect(!noColor.stdout.contains("\u{1B}["))
    }

    @Test func everySampleLintsCleanUnderStrict() throws {
        let samples = try FileManager.default.contentsOfDirectory(atPath: EnrichProcess.packageRoot.appendingPathComponent("samples").path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(samples.count >= 5, "the martech sample, the seed file and at least three more")
        for sample in samples {
            let outcome = try EnrichProcess.run(["lint", "--strict", "samples/\(sample)"])
            #expect(outcome.status == 0, "\(sample):\n\(outcome.stdout)")
        }
    }

    @Test func seedFileFromTheCaseIsKeptVerbatimAndLintsClean() throws {
        let seed = EnrichProcess.packageRoot.appendingPathComponent("samples/seed-agents.yaml")
        let text = try String(contentsOf: seed, encoding: .utf8)
        #expect(text.hasPrefix("agents:\n- name: crm_lookup\n  type: function\n  timeout: 2s\n  retry: 2\n  fallback: cache\n"))
        let outcome = try EnrichProcess.run(["lint", "--strict", "samples/seed-agents.yaml"])
        #expect(outcome.status == 0)
    }
}
