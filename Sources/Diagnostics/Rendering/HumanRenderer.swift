/// Renders diagnostics for people, rustc style: a header, the source line, carets, notes.
///
/// ```
/// samples/bad.yaml:12:14: error[E021]: unknown agent `geocod`
///    |
/// 12 |     country: geocod.country
///    |              ^^^^^^
///    = help: did you mean `geocode`?
/// ```
///
/// A note with a range adds a `-->` line and, when its file's source is known, its own
/// source line underlined with `-`. Fix-its are shown as help lines. Styling (colour) is
/// left to the ``DiagnosticDecorator`` given at creation.
public struct HumanRenderer: Sendable {
    /// Styles the pieces of the output; ``PlainDecorator`` for none.
    public var decorator: any DiagnosticDecorator

    /// Creates a renderer that styles its output with `decorator`.
    public init(decorator: any DiagnosticDecorator = PlainDecorator()) {
        self.decorator = decorator
    }

    /// Creates a renderer with ``ANSIDecorator`` when `useColor`, else ``PlainDecorator``.
    public init(useColor: Bool) {
        self.init(decorator: useColor ? ANSIDecorator() : PlainDecorator())
    }

    /// The diagnostics in the order given, a blank line between two; empty for none.
    ///
    /// `sources` maps a file path (as in ``SourceRange/file``) to its contents; a
    /// diagnostic or note whose file is missing is shown without a source snippet. Every
    /// line, the last included, ends with a newline.
    public func render(_ diagnostics: [Diagnostic], sources: [String: SourceFile]) -> String {
        diagnostics.map { render($0, sources: sources) }.joined(separator: "\n")
    }

    /// One diagnostic: its header, snippet, notes, help and fix-its, each line ending in a newline.
    public func render(_ diagnostic: Diagnostic, sources: [String: SourceFile]) -> String {
        let primary = sources[diagnostic.range.file].flatMap { SourceSnippet(range: diagnostic.range, in: $0) }
        let noteSnippets = diagnostic.notes.map { note in
            note.range.flatMap { range in sources[range.file].flatMap { SourceSnippet(range: range, in: $0) } }
        }
        let shownLines = ([primary] + noteSnippets).compactMap { $0?.line }
        let gutterWidth = String(shownLines.max() ?? 1).count

        var lines = [header(of: diagnostic)]
        if let primary {
            lines += snippetLines(primary, marker: "^", style: .primaryHighlight(diagnostic.severity), gutterWidth: gutterWidth)
        }
        for (note, snippet) in zip(diagnostic.notes, noteSnippets) {
            lines.append(annotation(label: "note", style: .severityLabel(.note), note.message, gutterWidth: gutterWidth))
            guard let range = note.range else { continue }
            let arrow = String(repeating: " ", count: gutterWidth) + decorator.decorate("-->", as: .gutter)
            lines.append("\(arrow) \(Self.location(of: range))")
            if let snippet {
                lines += snippetLines(snippet, marker: "-", style: .secondaryHighlight, gutterWidth: gutterWidth)
            }
        }
        for help in diagnostic.help {
            lines.append(annotation(label: "help", style: .helpLabel, help, gutterWidth: gutterWidth))
        }
        // A fix-it whose replacement a help line already spells out adds nothing to read.
        for fixIt in diagnostic.fixIts where !diagnostic.help.contains(where: { $0.contains("`\(fixIt.replacement)`") }) {
            let text = "\(fixIt.message): replace with `\(Self.oneLine(fixIt.replacement))`"
            lines.append(annotation(label: "help", style: .helpLabel, text, gutterWidth: gutterWidth))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `file:line:col: severity[CODE]: message`.
    private func header(of diagnostic: Diagnostic) -> String {
        let label = decorator.decorate("\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]", as: .severityLabel(diagnostic.severity))
        let message = decorator.decorate(diagnostic.message, as: .message)
        return "\(Self.location(of: diagnostic.range)): \(label): \(message)"
    }

    /// The empty gutter line, the numbered source line and the underline beneath it.
    private func snippetLines(_ snippet: SourceSnippet, marker: Character, style: DiagnosticTextRole, gutterWidth: Int) -> [String] {
        let padding = String(repeating: " ", count: gutterWidth)
        let bar = decorator.decorate("|", as: .gutter)
        let number = String(snippet.line)
        let numberPadding = String(repeating: " ", count: max(0, gutterWidth - number.count))
        let (indent, marks) = snippet.underline(marker)
        return [
            "\(padding) \(bar)",
            decorator.decorate("\(number)\(numberPadding) |", as: .gutter) + (snippet.text.isEmpty ? "" : " \(snippet.text)"),
            "\(padding) \(bar) \(indent)\(decorator.decorate(marks, as: style))",
        ]
    }

    /// `   = label: text`, aligned with the gutter; later lines of `text` align under its first.
    private func annotation(label: String, style: DiagnosticTextRole, _ text: String, gutterWidth: Int) -> String {
        let padding = String(repeating: " ", count: gutterWidth)
        let continuation = "\n" + padding + String(repeating: " ", count: label.count + 5)
        let body = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: continuation)
        return "\(padding) \(decorator.decorate("=", as: .gutter)) \(decorator.decorate(label, as: style)): \(body)"
    }

    /// `text` with line breaks shown as `\n` and `\r`, so it fits on one line.
    private static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `file:line:col` of the start of `range`.
    private static func location(of range: SourceRange) -> String {
        "\(range.file):\(range.start.line):\(range.start.column)"
    }
}

extension HumanRenderer {
    /// A one-line count of problems, e.g. `2 errors and 1 warning in 3 files` or `no problems in 1 file`.
    public static func summary(errorCount: Int, warningCount: Int, fileCount: Int) -> String {
        var problems: [String] = []
        if errorCount > 0 { problems.append(counted(errorCount, "error")) }
        if warningCount > 0 { problems.append(counted(warningCount, "warning")) }
        let subject = problems.isEmpty ? "no problems" : problems.joined(separator: " and ")
        return "\(subject) in \(counted(fileCount, "file"))"
    }

    /// Whether to colour output, from whether it goes to a terminal and the environment.
    ///
    /// `NO_COLOR` set to any value, even empty, turns colour off (stricter than
    /// no-color.org, which ignores an empty value); otherwise `CLICOLOR_FORCE` set to
    /// anything but `0` turns it on; otherwise colour is used on a terminal whose `TERM`
    /// is not `dumb`.
    public static func shouldUseColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        if environment["NO_COLOR"] != nil { return false }
        if let force = environment["CLICOLOR_FORCE"], force != "0" { return true }
        return isTerminal && environment["TERM"] != "dumb"
    }

    /// `count` and `noun`, plural unless the count is one.
    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
