/// A decorator that leaves text unstyled, for files, pipes and `NO_COLOR`.
public struct PlainDecorator: DiagnosticDecorator {
    /// Creates a plain decorator.
    public init() {}

    /// `text` unchanged.
    public func decorate(_ text: String, as role: DiagnosticTextRole) -> String {
        text
    }
}
