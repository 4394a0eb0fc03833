import ArgumentParser
import Diagnostics
import Foundation
import PipelineChecks
import YAMLSource

/// `enrich lint FILE...`: checks pipeline files and reports every problem.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check pipeline files and report every problem found.",
        discussion: """
            Checks YAML syntax, keys and value types, names and references, expression \
            types, optional values, dependency cycles, timeouts against the deadline and \
            the worst-case critical path, then warns about unused agents, unsafe retries, \
            literal secrets and redundant `after` entries. All problems of all files are \
            reported in one run, in a deterministic order.

            Formats: `human` (default; colour on a terminal unless NO_COLOR is set), `json`, \
            `sarif` (SARIF 2.1.0 for code scanning) and `github` (workflow annotations).
            Use `enrich explain CODE` for a long explanation of any code.

            EXIT STATUS
              0  clean (warnings allowed unless --strict)
              1  errors found, or warnings under --strict
              2  usage error, or a file could not be read

            EXAMPLES
              enrich lint samples/*.yaml
              enrich lint --strict --format github pipelines/*.yaml
              enrich lint --format sarif pipelines/*.yaml > enrich.sarif
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, json, sarif, github
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Argument(help: ArgumentHelp("Pipeline files to check (`-` reads standard input).", valueName: "file"))
    var files: [String]

    @Option(help: "Output format: human, json, sarif or github.")
    var format: Format = .human

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(help: "Colour in human output: auto, always or never. NO_COLOR in the environment turns it off.")
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("Largest file accepted, in MiB.", valueName: "MiB"))
    var maxFileSize: Int = YAMLLimits.default.maxFileBytes >> 20

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one pipeline file") }
        if maxFileSize < 1 { throw ValidationError("--max-file-size must be at least 1 (MiB)") }
    }

    func run() throws {
        var limits = YAMLLimits.default
        limits.maxFileBytes = maxFileSize << 20
        var results: [Linter.Result] = []
        var unreadable = false
        for path in files {
            do {
                results.append(try Linter.lint(path: path, limits: limits))
            } catch {
                unreadable = true
                FileHandle.standardError.write(Data("enrich: error: \(error)\n".utf8))
            }
        }
        let diagnostics = results.flatMap(\.diagnostics)
        let output = render(diagnostics, results: results)
        FileHandle.standardOutput.write(Data(output.utf8))
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        ProcessExit.keepUntilExit(results)
        if unreadable { throw ExitCode(2) }
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    }

    private func render(_ diagnostics: [Diagnostic], results: [Linter.Result]) -> String {
        switch format {
        case .human:
            let environment = ProcessInfo.processInfo.environment
            let useColor: Bool =
                switch color {
                case .always: environment["NO_COLOR"] == nil
                case .never: false
                case .auto: HumanRenderer.shouldUseColor(isTerminal: isatty(STDOUT_FILENO) != 0, environment: environment)
                }
            var sources: [String: SourceFile] = [:]
            for result in results { sources[result.file.path] = result.file }
            let errors = diagnostics.count { $0.severity == .error }
            let warnings = diagnostics.count { $0.severity == .warning }
            let body = HumanRenderer(useColor: useColor).render(diagnostics, sources: sources)
            let summary = HumanRenderer.summary(errorCount: errors, warningCount: warnings, fileCount: results.count)
            return body.isEmpty ? summary + "\n" : body + "\n" + summary + "\n"
        case .json:
            return JSONRenderer().render(diagnostics, fileCount: results.count)
        case .sarif:
            let titles = Dictionary(uniqueKeysWithValues: DiagnosticExplanation.catalog.map { ($0.key, $0.value.title) })
            return SARIFRenderer(toolVersion: EnrichCommand.version, ruleDescriptions: titles).render(diagnostics)
        case .github:
            return GitHubRenderer().render(diagnostics)
        }
    }
}
