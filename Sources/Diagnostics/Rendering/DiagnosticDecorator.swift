/// The part a piece of rendered diagnostic text plays, so a decorator can style it.
public enum DiagnosticTextRole: Hashable, Sendable {
    /// A severity label such as `error[E021]`, `warning[W001]` or a note's `note`.
    case severityLabel(Severity)
    /// The `help` label of a help or fix-it line.
    case helpLabel
    /// The diagnostic's main message in its header line.
    case message
    /// The margin: line numbers, `|`, `=` and `-->`.
    case gutter
    /// The `^^^` underline of the diagnostic's own range.
    case primaryHighlight(Severity)
    /// The `---` underline of a note's range.
    case secondaryHighlight
}

/// Styles pieces of a human-readable diagnostic, e.g. with terminal colours.
///
/// ``HumanRenderer`` lays the text out and asks its decorator to style each piece; the
/// decorator must not change what the text says, only how it looks.
public protocol DiagnosticDecorator: Sendable {
    /// `text` styled for the part it plays.
    func decorate(_ text: String, as role: DiagnosticTextRole) -> String
}
