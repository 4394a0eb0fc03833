import Diagnostics
import PipelineSyntax
import YAMLSource

/// The whole front end for one file: read, parse YAML, build the AST, check.
public enum Linter {
    /// The outcome of linting one file.
    public struct Result: Sendable {
        /// The file as read (empty bytes when it was too large to read).
        public var file: SourceFile
        /// Every diagnostic, deterministic order.
        public var diagnostics: [Diagnostic]
        /// The typed IR when the file got that far (it may still hold errors).
        public var pipeline: CheckedPipeline?

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Lints a file on disk (`-` reads standard input). Throws only when it cannot be read.
    public static func lint(path: String, limits: YAMLLimits = .default) throws -> Result {
        switch try SourceLoader.load(path: path, limits: limits) {
        case .tooLarge(let diagnostic):
            return Result(file: SourceFile(path: diagnostic.range.file, bytes: []), diagnostics: [diagnostic], pipeline: nil)
        case .file(let file):
            return lint(file, limits: limits)
        }
    }

    /// Lints source already in memory.
    public static func lint(_ file: SourceFile, limits: YAMLLimits = .default) -> Result {
        var diagnostics = DiagnosticCollector()
        guard let root = YAMLParser.parse(file, limits: limits, diagnostics: &diagnostics) else {
            return Result(file: file, diagnostics: diagnostics.sorted, pipeline: nil)
        }
        let ast = PipelineASTBuilder.build(root, file: file, diagnostics: &diagnostics)
        let pipeline = PipelineChecker.check(ast, diagnostics: &diagnostics)
        return Result(file: file, diagnostics: diagnostics.sorted, pipeline: pipeline)
    }
}
