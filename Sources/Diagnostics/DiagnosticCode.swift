/// Every diagnostic Enrich can report, with its stable code.
///
/// Codes never change meaning once released: `E` codes are errors, `W` codes warnings.
/// Each has an entry in ``DiagnosticExplanation/catalog`` for `enrich explain`.
public enum DiagnosticCode: String, Sendable, Codable, CaseIterable, Comparable {
    // YAML and file level.
    case yamlSyntax = "E001"
    case invalidUTF8 = "E002"
    case fileTooLarge = "E003"
    case nestingTooDeep = "E004"
    case aliasLimit = "E005"
    case duplicateKey = "E006"
    case emptyFile = "E007"
    case tabIndentation = "E008"
    case unsupportedYAML = "E009"

    // Structure of the pipeline file.
    case unknownKey = "E010"
    case missingKey = "E011"
    case wrongValueType = "E012"
    case badDuration = "E013"
    case invalidValue = "E014"
    case unknownAgentType = "E015"
    case duplicateAgentName = "E016"
    case unknownTypeName = "E017"

    // Expressions.
    case expressionSyntax = "E020"
    case unknownAgent = "E021"
    case unknownField = "E022"
    case typeMismatch = "E023"
    case unknownFunction = "E024"
    case unhandledOptional = "E025"

    // The dependency graph and its timing.
    case dependencyCycle = "E030"
    case timeoutOverDeadline = "E031"
    case criticalPathOverDeadline = "E032"
    case outputCollision = "E033"

    // Generated Swift (`enrich compile --emit swift`).
    case functionSignatureMismatch = "E040"

    // Warnings.
    case unusedAgent = "W001"
    case retryNonIdempotent = "W002"
    case literalSecret = "W003"
    case redundantAfter = "W004"

    /// A short kebab-case name, stable like the code (used in SARIF rule ids' names).
    public var name: String {
        switch self {
        case .yamlSyntax: "yaml-syntax"
        case .invalidUTF8: "invalid-utf8"
        case .fileTooLarge: "file-too-large"
        case .nestingTooDeep: "nesting-too-deep"
        case .aliasLimit: "alias-limit"
        case .duplicateKey: "duplicate-key"
        case .emptyFile: "empty-file"
        case .tabIndentation: "tab-indentation"
        case .unsupportedYAML: "unsupported-yaml"
        case .unknownKey: "unknown-key"
        case .missingKey: "missing-key"
        case .wrongValueType: "wrong-value-type"
        case .badDuration: "bad-duration"
        case .invalidValue: "invalid-value"
        case .unknownAgentType: "unknown-agent-type"
        case .duplicateAgentName: "duplicate-agent-name"
        case .unknownTypeName: "unknown-type-name"
        case .expressionSyntax: "expression-syntax"
        case .unknownAgent: "unknown-agent"
        case .unknownField: "unknown-field"
        case .typeMismatch: "type-mismatch"
        case .unknownFunction: "unknown-function"
        case .unhandledOptional: "unhandled-optional"
        case .dependencyCycle: "dependency-cycle"
        case .timeoutOverDeadline: "timeout-over-deadline"
        case .criticalPathOverDeadline: "critical-path-over-deadline"
        case .outputCollision: "output-collision"
        case .functionSignatureMismatch: "function-signature-mismatch"
        case .unusedAgent: "unused-agent"
        case .retryNonIdempotent: "retry-non-idempotent"
        case .literalSecret: "literal-secret"
        case .redundantAfter: "redundant-after"
        }
    }

    public var defaultSeverity: Severity {
        rawValue.hasPrefix("W") ? .warning : .error
    }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
