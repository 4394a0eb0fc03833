import Foundation

/// Renders diagnostics as one JSON document for tools and scripts.
///
/// ```
/// {"version": 1,
///  "diagnostics": [{"code", "name", "severity", "message", "file",
///                   "range": {"start": {"line", "column", "offset"}, "end": {…}},
///                   "notes": [{"message", "file"?, "range"?}], "help": […],
///                   "fixIts": [{"message", "range", "replacement"}]}],
///  "summary": {"errors", "warnings", "files"}}
/// ```
///
/// Keys are sorted and the text pretty printed, so equal input gives equal output.
/// Lines and columns are 1-based (columns count Unicode scalars); offsets are 0-based
/// UTF-8 byte offsets; ranges are half-open.
public struct JSONRenderer: Sendable {
    /// The `version` field; raised only when the shape changes incompatibly.
    public static let formatVersion = 1

    /// Creates a JSON renderer.
    public init() {}

    /// The document for `diagnostics` in the order given, ending in a newline.
    ///
    /// `fileCount` is the number of files checked, for the summary; when `nil`, the
    /// number of distinct files the diagnostics are in.
    public func render(_ diagnostics: [Diagnostic], fileCount: Int? = nil) -> String {
        let document = Document(
            version: Self.formatVersion,
            diagnostics: diagnostics.map(Entry.init),
            summary: Summary(
                errors: diagnostics.count(where: { $0.severity == .error }),
                warnings: diagnostics.count(where: { $0.severity == .warning }),
                files: fileCount ?? Set(diagnostics.map(\.range.file)).count
            )
        )
        return JSONEncoder.deterministic.reportText(document)
    }
}

extension JSONRenderer {
    private struct Document: Encodable {
        var version: Int
        var diagnostics: [Entry]
        var summary: Summary
    }

    private struct Entry: Encodable {
        var code: String
        var name: String
        var severity: Severity
        var message: String
        var file: String
        var range: Range
        var notes: [Note]
        var help: [String]
        var fixIts: [Fix]

        init(_ diagnostic: Diagnostic) {
            code = diagnostic.code.rawValue
            name = diagnostic.code.name
            severity = diagnostic.severity
            message = diagnostic.message
            file = diagnostic.range.file
            range = Range(diagnostic.range)
            notes = diagnostic.notes.map { Note(message: $0.message, file: $0.range?.file, range: $0.range.map(Range.init)) }
            help = diagnostic.help
            fixIts = diagnostic.fixIts.map { Fix(message: $0.message, range: Range($0.range), replacement: $0.replacement) }
        }
    }

    private struct Range: Encodable {
        var start: Position
        var end: Position

        init(_ range: SourceRange) {
            start = Position(line: range.start.line, column: range.start.column, offset: range.start.offset)
            end = Position(line: range.end.line, column: range.end.column, offset: range.end.offset)
        }
    }

    private struct Position: Encodable {
        var line: Int
        var column: Int
        var offset: Int
    }

    private struct Note: Encodable {
        var message: String
        var file: String?
        var range: Range?
    }

    private struct Fix: Encodable {
        var message: String
        var range: Range
        var replacement: String
    }

    private struct Summary: Encodable {
        var errors: Int
        var warnings: Int
        var files: Int
    }
}
