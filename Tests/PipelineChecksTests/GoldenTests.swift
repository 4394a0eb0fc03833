import Diagnostics
import Foundation
import PipelineChecks
import Testing

/// Golden files: every `Golden/<CODE>-<name>.yaml` is linted and its plain human rendering,
/// followed by the summary line, must equal `Golden/<CODE>-<name>.expected` byte for byte.
///
/// Run with `ENRICH_UPDATE_GOLDEN=1` to rewrite the `.expected` files in the source tree
/// from the current output instead of comparing (then review the diff).
@Suite("Golden files")
struct GoldenTests {
    /// The golden folder as copied into the test bundle.
    static let bundleDirectory: URL = Bundle.module.url(forResource: "Golden", withExtension: nil)!

    /// The golden folder in the source tree, where updates are written.
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var isUpdating: Bool { ProcessInfo.processInfo.environment["ENRICH_UPDATE_GOLDEN"] == "1" }

    /// The names of the golden pipelines, e.g. `E021-unknown-agent.yaml`, sorted.
    static let pipelineNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: bundleDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    /// Codes every golden must cover: all but E003 (a 50 MB file, tested elsewhere).
    // E040 is reported by `enrich compile --emit swift --functions`, not by lint (SwiftEmitterTests cover it).
    static let coveredCodes = DiagnosticCode.allCases.filter { $0 != .fileTooLarge && $0 != .functionSignatureMismatch }

    /// Lints the golden pipeline `name` as `Golden/<name>`, a stable relative path.
    static func lintGolden(_ name: String) throws -> Linter.Result {
        let bytes = try [UInt8](Data(contentsOf: bundleDirectory.appendingPathComponent(name)))
        return Linter.lint(SourceFile(path: "Golden/\(name)", bytes: bytes))
    }

    /// What `enrich lint --format human --color never` prints for the file.
    static func rendering(of result: Linter.Result) -> String {
        let body = HumanRenderer(useColor: false).render(result.diagnostics, sources: [result.file.path: result.file])
        let summary = HumanRenderer.summary(
            errorCount: result.diagnostics.count { $0.severity == .error },
            warningCount: result.diagnostics.count { $0.severity == .warning },
            fileCount: 1)
        return body.isEmpty ? summary + "\n" : body + "\n" + summary + "\n"
    }

    static func expectedName(for pipeline: String) -> String {
        String(pipeline.dropLast(".yaml".count)) + ".expected"
    }

    @Test("the golden folder is in the test bundle and holds pipelines")
    func goldenFolderIsBundled() {
        #expect(Self.pipelineNames.count >= Self.coveredCodes.count)
    }

    @Test("linting a golden pipeline renders exactly its .expected file", arguments: pipelineNames)
    func renderingMatchesExpected(name: String) throws {
        let actual = Self.rendering(of: try Self.lintGolden(name))
        let expectedName = Self.expectedName(for: name)
        if Self.isUpdating {
            try Data(actual.utf8).write(to: Self.sourceDirectory.appendingPathComponent(expectedName))
            return
        }
        let expectedURL = Self.bundleDirectory.appendingPathComponent(expectedName)
        let expected = try #require(
            try? String(contentsOf: expectedURL, encoding: .utf8),
            "missing \(expectedName); run with ENRICH_UPDATE_GOLDEN=1 to create it")
        #expect(actual == expected, "rendering of \(name) differs from \(expectedName)")
    }

    @Test("every diagnostic code except E003 has a golden pipeline that reports it", arguments: coveredCodes)
    func everyCodeHasAGoldenFile(code: DiagnosticCode) throws {
        let names = Self.pipelineNames.filter { $0.hasPrefix("\(code.rawValue)-") }
        try #require(!names.isEmpty, "no Golden/\(code.rawValue)-<name>.yaml")
        for name in names {
            let result = try Self.lintGolden(name)
            #expect(result.codes.contains(code), "\(name) does not report \(code.rawValue)")
            #expect(Self.rendering(of: result).contains("[\(code.rawValue)]"))
            if !Self.isUpdating {
                let expected = try? String(contentsOf: Self.bundleDirectory.appendingPathComponent(Self.expectedName(for: name)), encoding: .utf8)
                #expect(expected?.contains("[\(code.rawValue)]") == true, "\(Self.expectedName(for: name)) does not show [\(code.rawValue)]")
            }
        }
    }

    @Test("every golden pipeline has an .expected file and every .expected a pipeline")
    func goldenFilesComeInPairs() throws {
        let all = try FileManager.default.contentsOfDirectory(atPath: Self.bundleDirectory.path)
        let pipelines = Set(all.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(".yaml".count)) })
        let expectations = Set(all.filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(".expected".count)) })
        if !Self.isUpdating { #expect(pipelines == expectations) }
        for name in pipelines {
            let code = String(name.prefix { $0 != "-" })
            #expect(DiagnosticCode(rawValue: code) != nil, "\(name) does not start with a diagnostic code")
        }
    }
}
