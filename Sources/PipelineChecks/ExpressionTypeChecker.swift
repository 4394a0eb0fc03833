import Diagnostics
import PipelineSyntax

/// Types one expression in the context of one agent, reporting E021–E025.
///
/// Optional values must be handled where they are used: under `??`, in `coalesce`, in
/// a comparison with `null`, in a `when` guard, or by a consumer that opted into being
/// skipped. A reported problem yields a loose type (`json`) so errors do not cascade.
struct ExpressionTypeChecker {
    /// What the expression is checked for, deciding what it may reference.
    struct Context {
        var agentIndex: Int?
        /// Types of the agent's own inputs when `input.<name>` is allowed here.
        var inputTypes: [String: ValueType]?
        /// In a `when` guard a missing value simply makes the guard false.
        var isGuard = false
        /// The consumer accepts being skipped (`fallback: skip` written explicitly).
        var acceptsMissing = false
        /// Paths the consumer's `when` guard mentions: those count as handled.
        var guardedPaths: Set<String> = []
        /// Whether agent references are allowed (not in `dedup`).
        var allowsAgents = true
        var role = ExpressionRole.expression
        /// Words for the expression in messages ("input `id` of `crm`"), built only when needed.
        var roleDescription: String { role.description }
    }

    let pipeline: PipelineTypeEnvironment
    let context: Context
    var diagnostics: DiagnosticCollector

    init(pipeline: PipelineTypeEnvironment, context: Context) {
        self.pipeline = pipeline
        self.context = context
        self.diagnostics = DiagnosticCollector()
    }

    mutating func check(_ expression: Expression) -> ValueType {
        type(of: expression, handled: context.isGuard)
    }

    // MARK: Expressions

    private mutating func type(of expression: Expression, handled: Bool) -> ValueType {
        switch expression.kind {
        case .literal(let literal):
            switch literal {
            case .string: return .string
            case .int: return .int
            case .float: return .float
            case .bool: return .bool
            case .null: return .null
            case .duration: return .duration
            }
        case .path(let path):
            return type(of: path, handled: handled)
        case .list(let items):
            var element: ValueType?
            for item in items {
                let itemType = type(of: item, handled: handled)
                if let known = element, !Self.compatible(known, itemType) {
                    mismatch("list mixes `\(known)` and `\(itemType)` values", at: item.range)
                } else if element == nil || element?.base == .null {
                    element = itemType
                }
            }
            return .list
        case .unary(let op, let operand):
            let operandType = type(of: operand, handled: handled)
            switch op {
            case .not:
                expect(operandType, [.bool], for: "`!`", at: operand.range)
                return .bool
            case .negate:
                expect(operandType, [.int, .float, .duration], for: "`-`", at: operand.range)
                return operandType.nonOptional
            }
        case .binary(let op, let lhs, let rhs):
            return binary(op, lhs, rhs, handled: handled, range: expression.range)
        case .membership(_, let lhs, let rhs):
            let lhsType = type(of: lhs, handled: handled)
            let rhsType = type(of: rhs, handled: handled)
            if rhsType.base != .list, rhsType.base != .json {
                mismatch("`in` needs a list on its right, found `\(rhsType)`", at: rhs.range, help: ["write the choices as a list: `\(pipeline.file.text(of: lhs.range)) in [\"a\", \"b\"]`"])
            } else if case .list(let items) = rhs.kind {
                for item in items {
                    let itemType = type(of: item, handled: true)
                    if !Self.compatible(lhsType, itemType) {
                        mismatch("`\(pipeline.file.text(of: lhs.range))` is `\(lhsType)` but the list holds `\(itemType)`", at: item.range)
                        break
                    }
                }
            }
            return .bool
        case .call(let name, let arguments):
            return call(name, arguments, handled: handled, range: expression.range)
        case .interpolation(let segments):
            for case .expression(let inner) in segments {
                let innerType = type(of: inner, handled: handled)
                if innerType.base == .list {
                    mismatch("a list cannot be interpolated into text", at: inner.range)
                }
            }
            return .string
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, handled: Bool, range: SourceRange) -> ValueType {
        switch op {
        case .coalesce:
            let lhsType = type(of: lhs, handled: true)
            let rhsType = type(of: rhs, handled: handled)
            if !Self.compatible(lhsType, rhsType) {
                mismatch("the default after `??` is `\(rhsType)` but the value before it is `\(lhsType)`", at: rhs.range)
            }
            let base = lhsType.base == .null || lhsType.base == .json ? rhsType.base : lhsType.base
            return ValueType(base, optional: rhsType.isOptional)
        case .or, .and:
            let lhsType = type(of: lhs, handled: handled)
            let rhsType = type(of: rhs, handled: handled)
            expect(lhsType, [.bool], for: "`\(op.rawValue)`", at: lhs.range)
            expect(rhsType, [.bool], for: "`\(op.rawValue)`", at: rhs.range)
            return .bool
        case .equal, .notEqual:
            let lhsIsNull = Self.isNullLiteral(lhs)
            let rhsIsNull = Self.isNullLiteral(rhs)
            let lhsType = type(of: lhs, handled: handled || rhsIsNull)
            let rhsType = type(of: rhs, handled: handled || lhsIsNull)
            if !Self.compatible(lhsType, rhsType) {
                mismatch("cannot compare `\(lhsType)` with `\(rhsType)` using `\(op.rawValue)`", at: range, help: Self.comparisonHelp(lhsType, rhsType))
            }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let lhsType = type(of: lhs, handled: handled)
            let rhsType = type(of: rhs, handled: handled)
            if !Self.ordered.contains(lhsType.base) || !Self.ordered.contains(rhsType.base) || !Self.compatible(lhsType, rhsType) {
                mismatch("cannot order `\(lhsType)` and `\(rhsType)` with `\(op.rawValue)`", at: range, help: Self.comparisonHelp(lhsType, rhsType))
            }
            return .bool
        case .add:
            let lhsType = type(of: lhs, handled: handled)
            let rhsType = type(of: rhs, handled: handled)
            if lhsType.base == .json || rhsType.base == .json { return .json }
            if lhsType.isNumeric, rhsType.isNumeric { return lhsType.base == .int && rhsType.base == .int ? .int : .float }
            if lhsType.base == .string, rhsType.base == .string { return .string }
            if lhsType.base == .duration, rhsType.base == .duration { return .duration }
            if lhsType.base == .timestamp, rhsType.base == .duration { return .timestamp }
            var help: [String] = []
            if lhsType.base == .string || rhsType.base == .string {
                help.append("join text with `concat(a, b)`; it converts numbers to text")
            }
            mismatch("cannot add `\(lhsType)` and `\(rhsType)`", at: range, help: help)
            return .json
        case .subtract, .multiply, .divide, .remainder:
            let lhsType = type(of: lhs, handled: handled)
            let rhsType = type(of: rhs, handled: handled)
            if lhsType.base == .json || rhsType.base == .json { return .json }
            if lhsType.isNumeric, rhsType.isNumeric { return lhsType.base == .int && rhsType.base == .int ? .int : .float }
            if op == .subtract, lhsType.base == .timestamp, rhsType.base == .timestamp { return .duration }
            if op == .subtract, lhsType.base == .duration, rhsType.base == .duration { return .duration }
            mismatch("`\(op.rawValue)` needs numbers, found `\(lhsType)` and `\(rhsType)`", at: range)
            return .json
        }
    }

    private mutating func call(_ name: Name, _ arguments: [Expression], handled: Bool, range: SourceRange) -> ValueType {
        guard let signature = FunctionCatalog.functions[name.text] else {
            for argument in arguments { _ = type(of: argument, handled: true) }
            var help: [String] = []
            var fixIts: [FixIt] = []
            if let suggestion = DidYouMean.suggestion(for: name.text, among: FunctionCatalog.names) {
                help.append("did you mean `\(suggestion)`?")
                fixIts.append(FixIt("use `\(suggestion)`", replacing: name.range, with: suggestion))
            }
            help.append("functions: \(FunctionCatalog.names.map { "`\($0)`" }.joined(separator: ", "))")
            diagnostics.emit(Diagnostic(.unknownFunction, "unknown function `\(name.text)`", at: name.range, help: help, fixIts: fixIts))
            return .json
        }
        let count = arguments.count
        let fixed = signature.parameters.count
        if signature.variadic ? count < fixed : count != fixed {
            let expected = signature.variadic ? "at least \(fixed)" : "\(fixed)"
            diagnostics.emit(Diagnostic(
                .unknownFunction, "`\(name.text)` takes \(expected) argument\(fixed == 1 && !signature.variadic ? "" : "s"), found \(count)",
                at: range, help: ["signature: `\(signature.summary)`"]))
        }
        var types: [ValueType] = []
        for (position, argument) in arguments.enumerated() {
            let argumentType = type(of: argument, handled: handled || signature.acceptsOptional)
            types.append(argumentType)
            let parameter = position < fixed ? signature.parameters[position] : signature.parameters.last ?? nil
            if let parameter {
                expect(argumentType, [parameter], for: "`\(name.text)`", at: argument.range)
            }
        }
        if name.text == "coalesce" {
            let known = types.first { $0.base != .json && $0.base != .null }
            let last = types.last ?? .json
            return ValueType(known?.base ?? .json, optional: last.isOptional)
        }
        if name.text == "len", let first = types.first, ![.string, .list, .json].contains(first.base) {
            mismatch("`len` needs text or a list, found `\(first)`", at: arguments[0].range)
        }
        return signature.result
    }

    // MARK: Paths

    private mutating func type(of path: Path, handled: Bool) -> ValueType {
        let root = path.root.text
        switch root {
        case "event":
            return eventField(path)
        case "env":
            guard let variable = path.fields.first else {
                diagnostics.emit(Diagnostic(.unknownField, "`env` needs a variable name, e.g. `env.CRM_TOKEN`", at: path.range))
                return .string
            }
            if path.fields.count > 1 {
                mismatch("environment variables are text; `env.\(variable.text)` has no fields", at: path.fields[1].range)
            }
            return .string
        case "input":
            guard let inputs = context.inputTypes else {
                diagnostics.emit(Diagnostic(
                    .unknownAgent, "`input` is only available in `expr` outputs and `http` templates",
                    at: path.root.range, help: ["refer to the value directly (for example `event.user_id`)"]))
                return .json
            }
            guard let field = path.fields.first else {
                diagnostics.emit(Diagnostic(.unknownField, "`input` needs an input name, e.g. `input.user_id`", at: path.range))
                return .json
            }
            guard let inputType = inputs[field.text] else {
                unknownField(field, "`\(field.text)` is not an input of this agent", among: inputs.keys.sorted())
                return .json
            }
            return nested(inputType, path: path, from: 1)
        default:
            return agentField(path, handled: handled)
        }
    }

    private mutating func eventField(_ path: Path) -> ValueType {
        guard let schema = pipeline.eventSchema, let field = path.fields.first else { return .json }
        guard let fieldType = schema[field.text] else {
            unknownField(field, "`\(field.text)` is not a field of the `event:` schema", among: pipeline.eventFieldNames, note: pipeline.eventSchemaRange.map { DiagnosticNote("the event schema is declared here", at: $0) })
            return .json
        }
        // Optional event fields are data, not a missing agent result: no E025 for them.
        return nested(fieldType, path: path, from: 1)
    }

    private mutating func agentField(_ path: Path, handled: Bool) -> ValueType {
        let root = path.root
        guard context.allowsAgents else {
            diagnostics.emit(Diagnostic(.unknownAgent, "\(context.roleDescription) can only read `event` and `env`, not `\(root.text)`", at: root.range))
            return .json
        }
        guard let producer = pipeline.agentIndex(root.text) else {
            var help: [String] = []
            var fixIts: [FixIt] = []
            let candidates = pipeline.agentNames + ["event", "env"] + (context.inputTypes == nil ? [] : ["input"])
            if let suggestion = DidYouMean.suggestion(for: root.text, among: candidates) {
                help.append("did you mean `\(suggestion)`?")
                fixIts.append(FixIt("use `\(suggestion)`", replacing: root.range, with: suggestion))
            }
            if path.fields.isEmpty {
                help.append("to write the text \(root.text), quote it inside the YAML value: `'\"\(root.text)\"'`")
                diagnostics.emit(Diagnostic(.unknownAgent, "unknown name `\(root.text)`", at: root.range, help: help, fixIts: fixIts))
            } else {
                help.append("paths start with `event`, `env` or the name of an agent of this pipeline")
                diagnostics.emit(Diagnostic(.unknownAgent, "no agent named `\(root.text)`", at: root.range, help: help, fixIts: fixIts))
            }
            return .json
        }
        guard let field = path.fields.first else {
            diagnostics.emit(Diagnostic(
                .unknownField, "`\(root.text)` is an agent; name one of its outputs",
                at: path.range, help: pipeline.outputNames(of: producer).first.map { ["for example `\(root.text).\($0)`"] } ?? []))
            return .json
        }
        guard let outputType = pipeline.outputType(of: producer, field: field.text) else {
            unknownField(field, "`\(root.text)` has no output `\(field.text)`", among: pipeline.outputNames(of: producer), note: DiagnosticNote("`\(root.text)` is defined here", at: pipeline.agentNameRange(producer)))
            return .json
        }
        var result = nested(outputType, path: path, from: 1)
        if outputType.isOptional, !handled, !context.acceptsMissing, !context.guardedPaths.contains(path.description), producer != context.agentIndex {
            reportUnhandledOptional(path, producer: producer, type: outputType)
            result = result.nonOptional
        }
        return result
    }

    /// The type after following `path.fields[start...]` into a value of type `type`.
    private mutating func nested(_ type: ValueType, path: Path, from start: Int) -> ValueType {
        guard start < path.fields.count else { return type }
        if type.base == .json { return ValueType(.json, optional: type.isOptional) }
        let head = ([path.root.text] + path.fields[0..<start].map(\.text)).joined(separator: ".")
        mismatch("`\(head)` is `\(type)`, which has no field `\(path.fields[start].text)`", at: path.fields[start].range, help: ["only `json` values have fields; declare the output as `{path: ..., type: json}` to navigate it"])
        return .json
    }

    private mutating func reportUnhandledOptional(_ path: Path, producer: Int, type: ValueType) {
        let reason = pipeline.missingReason(of: producer, field: path.fields.first?.text ?? "")
        let placeholder = Self.placeholder(for: type.base)
        var fixIts: [FixIt] = []
        if let placeholder {
            fixIts.append(FixIt("give a default", replacing: path.range, with: "(\(path) ?? \(placeholder))"))
        }
        diagnostics.emit(Diagnostic(
            .unhandledOptional, "`\(path)` may be missing, and \(context.roleDescription) does not say what to do then",
            at: path.range,
            notes: [reason],
            help: [
                "give a default: `\(path) ?? \(placeholder ?? "<default>")`",
                "or run only when it is there: `when: \(path) != null`",
                "or accept being skipped with `fallback: skip` on this agent",
            ],
            fixIts: fixIts))
    }

    // MARK: Helpers

    private mutating func unknownField(_ field: Name, _ message: String, among candidates: [String], note: DiagnosticNote? = nil) {
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let suggestion = DidYouMean.suggestion(for: field.text, among: candidates) {
            help.append("did you mean `\(suggestion)`?")
            fixIts.append(FixIt("use `\(suggestion)`", replacing: field.range, with: suggestion))
        } else if !candidates.isEmpty, candidates.count <= 12 {
            help.append("available: \(candidates.map { "`\($0)`" }.joined(separator: ", "))")
        }
        diagnostics.emit(Diagnostic(.unknownField, message, at: field.range, notes: note.map { [$0] } ?? [], help: help, fixIts: fixIts))
    }

    private mutating func expect(_ actual: ValueType, _ allowed: [ValueType.Base], for what: String, at range: SourceRange) {
        if actual.base == .json || allowed.contains(actual.base) { return }
        if allowed.contains(.float), actual.base == .int { return }
        let names = allowed.map { "`\($0.rawValue)`" }.joined(separator: " or ")
        mismatch("\(what) needs \(names), found `\(actual)`", at: range)
    }

    private mutating func mismatch(_ message: String, at range: SourceRange, help: [String] = []) {
        diagnostics.emit(Diagnostic(.typeMismatch, message, at: range, help: help))
    }

    /// The types `<`, `<=`, `>` and `>=` accept.
    private static let ordered: Set<ValueType.Base> = [.int, .float, .string, .timestamp, .duration, .json]

    static func compatible(_ lhs: ValueType, _ rhs: ValueType) -> Bool {
        if lhs.base == rhs.base { return true }
        if lhs.base == .json || rhs.base == .json { return true }
        if lhs.isNumeric, rhs.isNumeric { return true }
        if lhs.base == .null || rhs.base == .null { return true }
        return false
    }

    private static func isNullLiteral(_ expression: Expression) -> Bool {
        if case .literal(.null) = expression.kind { return true }
        return false
    }

    private static func comparisonHelp(_ lhs: ValueType, _ rhs: ValueType) -> [String] {
        if lhs.base == .string || rhs.base == .string {
            return ["convert one side first, e.g. `to_string(...)` or `to_int(...) ?? 0`"]
        }
        return []
    }

    static func placeholder(for base: ValueType.Base) -> String? {
        switch base {
        case .string: "\"unknown\""
        case .int: "0"
        case .float: "0.0"
        case .bool: "false"
        case .duration: "0ms"
        case .json, .timestamp, .null, .list: nil
        }
    }
}
