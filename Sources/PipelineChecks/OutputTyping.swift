import Diagnostics
import PipelineSyntax

/// Works out the type of each output of an agent as consumers will see it.
enum OutputTyping {
    /// Whether the agent may finish without producing `field` (so consumers see `T?`).
    static func mayBeMissing(_ agent: AgentDecl, field: String, valueIsOptional: Bool) -> Bool {
        if agent.when != nil { return true }
        if agent.kind?.value == .expr, agent.fallback == nil { return valueIsOptional }
        switch agent.fallback?.value {
        case .fail?: return valueIsOptional
        case .value(let defaults)?: return defaults[field] == nil || valueIsOptional
        case .cache?, .skip?, nil: return true
        }
    }

    /// The unwrapped type of an output from its declaration and the agent's kind.
    static func baseType(of output: OutputDecl, kind: AgentKind?, expressionType: ValueType?) -> ValueType {
        if let declared = output.declaredType { return declared.value }
        switch output.source {
        case .expression: return expressionType ?? .json
        case .resultPath(let path):
            guard let kind else { return .json }
            return AgentResultSchema.knownType(of: path.value, kind: kind) ?? .json
        }
    }

    /// Checks result paths against agents whose result fields are fixed (E022).
    static func checkResultPaths(_ agent: AgentDecl, diagnostics: inout DiagnosticCollector) {
        guard let kind = agent.kind?.value, let fields = AgentResultSchema.fields(of: kind) else { return }
        let names = fields.map(\.0)
        for output in agent.outputs {
            guard case .resultPath(let path) = output.source, !names.contains(path.value) else { continue }
            var help: [String] = []
            var fixIts: [FixIt] = []
            if let suggestion = DidYouMean.suggestion(for: path.value, among: names) {
                help.append("did you mean `\(suggestion)`?")
                fixIts.append(FixIt("use `\(suggestion)`", replacing: path.range, with: suggestion))
            }
            help.append("`\(kind.rawValue)` agents return \(names.map { "`\($0)`" }.joined(separator: ", "))")
            diagnostics.emit(Diagnostic(.unknownField, "`\(kind.rawValue)` agents have no result field `\(path.value)`", at: path.range, help: help, fixIts: fixIts))
        }
    }

    /// Checks `fallback: {default: ...}` names only outputs and gives them fitting values.
    static func checkDefaults(_ agent: AgentDecl, types: [String: ValueType], diagnostics: inout DiagnosticCollector) {
        guard case .value(let defaults)? = agent.fallback?.value else { return }
        let names = agent.outputs.map(\.name.value)
        for (field, literal) in defaults.sorted(by: { $0.key < $1.key }) {
            guard let type = types[field] else {
                var help: [String] = []
                if let suggestion = DidYouMean.suggestion(for: field, among: names) { help.append("did you mean `\(suggestion)`?") }
                help.append("defaults are given for the agent's `output` fields: \(names.map { "`\($0)`" }.joined(separator: ", "))")
                diagnostics.emit(Diagnostic(.unknownField, "default for `\(field)`, which is not an output of `\(agent.name.value)`", at: literal.range, help: help))
                continue
            }
            let literalType: ValueType =
                switch literal.value {
                case .string: .string
                case .int: .int
                case .float: .float
                case .bool: .bool
                case .null: .null
                case .duration: .duration
                }
            if !ExpressionTypeChecker.compatible(type, literalType) {
                diagnostics.emit(Diagnostic(.typeMismatch, "default for `\(field)` is `\(literalType)` but the output is `\(type.nonOptional)`", at: literal.range))
            }
        }
    }
}
