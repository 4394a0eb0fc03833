import ArgumentParser
import Diagnostics
import Foundation
import PipelineChecks
import PipelineSyntax
import Planner
import SwiftEmitter

/// `--functions DIR`: the user's Swift files, checked against the pipeline's `function` agents.
enum FunctionFiles {
    /// The files to compile in and how each function is called; mismatches are printed as
    /// diagnostics (E040) naming the YAML and the Swift file and line, and stop with exit 1.
    static func load(directory: String, plan: Plan, pipelinePath: String) throws -> ([SwiftPackageEmitter.FunctionSource], [FunctionSignatureCheck.Binding]) {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".swift") }.sorted()
        } catch {
            throw PipelineCompilation.fail("cannot read --functions \(directory): \(error.localizedDescription)")
        }
        var sources: [SwiftPackageEmitter.FunctionSource] = []
        var declarations: [SwiftFunctionDeclaration] = []
        var files: [String: SourceFile] = [:]
        for name in names {
            let path = url.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw PipelineCompilation.fail("cannot read \(path) as UTF-8 text")
            }
            let shown = (directory as NSString).appendingPathComponent(name)
            sources.append(SwiftPackageEmitter.FunctionSource(fileName: name, contents: text))
            declarations += SwiftFunctionScanner.declarations(in: text, file: shown)
            files[shown] = SourceFile(path: shown, bytes: Array(data))
        }
        switch FunctionSignatureCheck.check(plan, declarations: declarations, directory: directory) {
        case .success(let bindings):
            return (sources, bindings)
        case .failure(let list):
            let lint = try? Linter.lint(path: pipelinePath)
            if let lint { files[lint.file.path] = lint.file }
            let diagnostics = list.mismatches.map { diagnostic(for: $0, in: lint?.pipeline?.ast, pipelinePath: pipelinePath) }
            let useColor = HumanRenderer.shouldUseColor(isTerminal: isatty(STDERR_FILENO) != 0, environment: ProcessInfo.processInfo.environment)
            let body = HumanRenderer(useColor: useColor).render(diagnostics, sources: files)
            let summary = HumanRenderer.summary(errorCount: diagnostics.count, warningCount: 0, fileCount: 1)
            PipelineCompilation.writeError(body + "\n" + summary + "\n")
            throw ExitCode(1)
        }
    }

    private static func diagnostic(for mismatch: FunctionSignatureCheck.Mismatch, in ast: PipelineAST?, pipelinePath: String) -> Diagnostic {
        let agent = ast?.agents.first { $0.name.value == mismatch.agent }
        var range = agent?.settings["function"]?.range ?? agent?.name.range ?? SourceRange.startOf(file: pipelinePath)
        if case .inputWithoutParameter(let input) = mismatch.kind, let declared = agent?.inputs.first(where: { $0.name.value == input }) {
            range = declared.name.range
        }
        var notes: [DiagnosticNote] = []
        if let declaration = mismatch.declaration {
            let location = SourceLocation(offset: 0, line: declaration.line, column: declaration.column)
            notes.append(DiagnosticNote("`\(declaration.name)` is declared here", at: SourceRange(file: declaration.file, start: location, end: location)))
        }
        var help = ["a function agent's function is `func NAME(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue`, or takes one `JSONValue` parameter labelled with each input name (`enrich explain E040`)"]
        if case .missing = mismatch.kind { help.insert("define `func \(mismatch.function)(...)` in a .swift file there, or name an existing one in `function:`", at: 0) }
        return Diagnostic(.functionSignatureMismatch, mismatch.message, at: range, notes: notes, help: help)
    }
}
