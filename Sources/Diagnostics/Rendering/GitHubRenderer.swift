/// Renders diagnostics as GitHub Actions workflow commands, which become annotations.
///
/// One line per diagnostic:
/// `::error file=samples/bad.yaml,line=12,col=14,endLine=12,endColumn=20,title=E021 unknown-agent::unknown agent`
/// (`::warning` for warnings, `::notice` for notes). Notes (`note: …`, with their
/// position when they have one) and help lines follow the message on lines of their own.
/// GitHub accepts columns only within one line, so a range over several lines gives
/// `line` and `endLine` only. `endColumn` is exclusive, like ``SourceRange``.
public struct GitHubRenderer: Sendable {
    /// Creates a GitHub Actions renderer.
    public init() {}

    /// One workflow command per diagnostic in the order given, each ending in a newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { command(for: $0) + "\n" }.joined()
    }

    /// The workflow command for one diagnostic, without a line terminator.
    public func command(for diagnostic: Diagnostic) -> String {
        let range = diagnostic.range
        var properties = [("file", range.file), ("line", String(range.start.line))]
        if range.start.line == range.end.line {
            properties.append(("col", String(range.start.column)))
        }
        properties.append(("endLine", String(range.end.line)))
        if range.start.line == range.end.line {
            properties.append(("endColumn", String(range.end.column)))
        }
        properties.append(("title", "\(diagnostic.code.rawValue) \(diagnostic.code.name)"))
        let list = properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")

        let notes = diagnostic.notes.map { note in
            guard let range = note.range else { return note }
            return DiagnosticNote("\(note.message) (\(range.file):\(range.start.line):\(range.start.column))", at: range)
        }
        let message = diagnostic.messageWithDetails(notes: notes)
        return "::\(Self.command(for: diagnostic.severity)) \(list)::\(Self.escapeData(message))"
    }

    /// `text` escaped for a command's message: `%`, carriage return and line feed.
    public static func escapeData(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` escaped for a property value: as ``escapeData(_:)`` plus `:` and `,`.
    public static func escapeProperty(_ text: String) -> String {
        var result = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": result += "%3A"
            case ",": result += "%2C"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The workflow command name for a severity.
    private static func command(for severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
    }
}
