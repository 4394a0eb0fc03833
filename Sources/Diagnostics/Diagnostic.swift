/// How bad a diagnostic is; errors fail `enrich lint`, warnings only with `--strict`.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary message attached to a diagnostic, optionally pointing at another place.
public struct DiagnosticNote: Hashable, Sendable, Codable {
    public var message: String
    public var range: SourceRange?

    public init(_ message: String, at range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// A concrete edit that fixes the problem: replace `range` with `replacement`.
public struct FixIt: Hashable, Sendable, Codable {
    public var message: String
    public var range: SourceRange
    public var replacement: String

    public init(_ message: String, replacing range: SourceRange, with replacement: String) {
        self.message = message
        self.range = range
        self.replacement = replacement
    }
}

/// One problem found in a pipeline file, as data; renderers turn it into text.
///
/// The `code` is stable across releases (tools and suppressions key on it); the message
/// is one line; notes add context with their own positions, `help` says how to fix it.
public struct Diagnostic: Hashable, Sendable, Codable {
    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var notes: [DiagnosticNote]
    public var help: [String]
    public var fixIts: [FixIt]

    public init(
        _ code: DiagnosticCode,
        _ message: String,
        at range: SourceRange,
        notes: [DiagnosticNote] = [],
        help: [String] = [],
        fixIts: [FixIt] = [],
        severity: Severity? = nil
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.range = range
        self.notes = notes
        self.help = help
        self.fixIts = fixIts
    }
}

extension Diagnostic {
    /// The order diagnostics are reported in: by file, position, then code and message.
    public static func reportingOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        if lhs.range.path != rhs.range.path { return lhs.range.file < rhs.range.file }
        if lhs.range.start.offset != rhs.range.start.offset { return lhs.range.start.offset < rhs.range.start.offset }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        return lhs.message < rhs.message
    }
}
