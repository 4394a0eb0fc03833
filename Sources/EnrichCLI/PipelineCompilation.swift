import ArgumentParser
import Diagnostics
import Foundation
import PipelineChecks
import Planner
import YAMLSource

/// The front half of `compile` and `graph`: read a pipeline or plan, lint, plan, report.
///
/// Problems go to standard error rendered as `enrich lint` renders them; the caller
/// gets a plan or an `ExitCode` (1 for diagnostics with errors, 2 for a file that cannot
/// be read or decoded).
enum PipelineCompilation {
    /// What `compile` records as the compiler.
    static var compilerName: String { "enrich \(EnrichCommand.version)" }

    /// Lints and plans the pipeline at `path`; warnings are printed, errors stop with exit 1.
    static func compile(path: String) throws -> Plan {
        let result: Linter.Result
        do {
            result = try Linter.lint(path: path)
        } catch {
            throw fail("\(error)")
        }
        return try plan(result)
    }

    /// A plan from `path`, which may hold pipeline YAML or a plan file (told apart by content).
    static func planOrPipeline(path: String) throws -> Plan {
        let loaded: SourceLoader.Loaded
        do {
            loaded = try SourceLoader.load(path: path)
        } catch {
            throw fail("\(error)")
        }
        switch loaded {
        case .tooLarge(let diagnostic):
            report([diagnostic], file: SourceFile(path: path, bytes: []))
            throw ExitCode(1)
        case .file(let file) where PlanFile.looksLikePlan(file.bytes):
            do {
                return try PlanFile.decode(file.bytes)
            } catch {
                throw fail("\(path): \(error)")
            }
        case .file(let file):
            // Lint what was read: standard input cannot be read twice.
            return try plan(Linter.lint(file))
        }
    }

    private static func plan(_ result: Linter.Result) throws -> Plan {
        if !result.diagnostics.isEmpty { report(result.diagnostics, file: result.file) }
        guard !result.hasErrors, let pipeline = result.pipeline else { throw ExitCode(1) }
        do {
            return try PlanCompiler.compile(pipeline, compiler: compilerName)
        } catch {
            // Lint passed, so this is the planner disagreeing with the checker: a bug.
            throw fail("\(result.file.path): cannot plan this pipeline: \(error)")
        }
    }

    /// Prints diagnostics to standard error with the summary line, as `enrich lint` does.
    private static func report(_ diagnostics: [Diagnostic], file: SourceFile) {
        let environment = ProcessInfo.processInfo.environment
        let useColor = HumanRenderer.shouldUseColor(isTerminal: isatty(STDERR_FILENO) != 0, environment: environment)
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        let body = HumanRenderer(useColor: useColor).render(diagnostics, sources: [file.path: file])
        let summary = HumanRenderer.summary(errorCount: errors, warningCount: warnings, fileCount: 1)
        writeError(body.isEmpty ? summary + "\n" : body + "\n" + summary + "\n")
    }

    /// Prints `enrich: error: message` and returns exit code 2 to throw.
    static func fail(_ message: String) -> ExitCode {
        writeError("enrich: error: \(message)\n")
        return ExitCode(2)
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
