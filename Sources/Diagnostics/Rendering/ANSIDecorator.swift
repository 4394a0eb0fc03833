/// A decorator that colours text with ANSI SGR escape sequences, for terminals.
///
/// Errors are bold red, warnings bold yellow, notes and help bold cyan, the gutter and
/// note underlines blue, and the main message bold. Each styled piece ends with a reset,
/// so styles never leak into the next piece; empty text is left empty.
public struct ANSIDecorator: DiagnosticDecorator {
    /// Creates an ANSI decorator.
    public init() {}

    /// `text` wrapped in the escape sequence for `role` and a reset.
    public func decorate(_ text: String, as role: DiagnosticTextRole) -> String {
        guard !text.isEmpty else { return text }
        return "\u{1B}[\(Self.parameters(for: role))m\(text)\u{1B}[0m"
    }

    /// The SGR parameters for `role`.
    private static func parameters(for role: DiagnosticTextRole) -> String {
        switch role {
        case .severityLabel(let severity), .primaryHighlight(let severity):
            switch severity {
            case .error: "1;31"
            case .warning: "1;33"
            case .note: "1;36"
            }
        case .helpLabel: "1;36"
        case .message: "1"
        case .gutter, .secondaryHighlight: "34"
        }
    }
}
