import Diagnostics
import PipelineChecks

/// Lints `text` as the file `path`.
func lint(_ text: String, path: String = "test.yaml") -> Linter.Result {
    Linter.lint(SourceFile(path: path, text: text))
}

extension Linter.Result {
    /// The codes reported, in reporting order.
    var codes: [DiagnosticCode] { diagnostics.map(\.code) }

    /// The diagnostics with `code`.
    func diagnostics(_ code: DiagnosticCode) -> [Diagnostic] { diagnostics.filter { $0.code == code } }

    /// The plain human rendering of every diagnostic, as `enrich lint` prints it.
    var rendered: String {
        HumanRenderer(useColor: false).render(diagnostics, sources: [file.path: file])
    }
}

extension Diagnostic {
    /// The source text the diagnostic points at.
    func text(in file: SourceFile) -> String { file.text(of: range) }
}
