import Planner

/// Plan expressions → Swift expressions with the interpreter's semantics.
///
/// Values are `JSONValue?` (nil: missing), since event data is unchecked JSON; the
/// operators come from the runtime's `ExpressionOperations` (spelled `X` in generated
/// code), so `==`, `??`, arithmetic and functions behave exactly as when interpreted.
/// Conditions (guards, `&&`, comparisons) are plain `Bool` code; comparisons with string
/// and boolean literals are direct `==`, and `in` over string literals a `Set` lookup.
struct ExpressionTranslation {
    /// How names in expressions are spelled in the generated function.
    struct Scope {
        /// Agent name → (property of `values`, output name → field).
        var agents: [String: (property: String, outputs: [String: String])]
        /// Input name → local constant, for `input.x` (empty outside an agent).
        var inputs: [String: String] = [:]
    }

    let scope: Scope
    /// String-literal sets used by `in`, hoisted into static constants by the emitter.
    private(set) var sets: [(name: String, members: [String])]

    init(scope: Scope, sets: [(name: String, members: [String])] = []) {
        self.scope = scope
        self.sets = sets
    }

    static let missing = "JSONValue?.none"

    /// A Swift expression of type `JSONValue?`.
    mutating func value(_ expression: PlanExpression) -> String {
        switch expression {
        case .literal(let literal): return Self.literal(literal)
        case .event(let path): return Self.eventPath(path)
        case .env(let name): return "environment[\(SwiftSyntax.stringLiteral(name))]"
        case .input(let path):
            guard let first = path.first, let local = scope.inputs[first] else { return Self.missing }
            return path.count == 1 ? ".some(\(local))" : Self.below(local, path.dropFirst())
        case .agent(let name, let path):
            guard let agent = scope.agents[name], let first = path.first, let field = agent.outputs[first] else { return Self.missing }
            return Self.below("values.\(agent.property).\(field)", path.dropFirst())
        case .list(let items):
            let elements = items.map { item -> String in
                if case .literal(let literal) = item { return Self.literal(literal) }
                return "\(value(item)) ?? .null"
            }
            return ".array([" + elements.joined(separator: ", ") + "])"
        case .not(let operand):
            return "X.not(\(value(operand)))"
        case .negate(let operand):
            return "X.negate(\(value(operand)))"
        case .binary(.coalesce, let lhs, let rhs):
            return "X.coalesce(\(value(lhs)), \(value(rhs)))"
        case .binary(let op, let lhs, let rhs) where Self.isArithmetic(op):
            return "X.arithmetic(.\(Self.caseName(op)), \(value(lhs)), \(value(rhs)))"
        case .binary, .membership:
            return ".bool(\(condition(expression).text))"
        case .call(let name, let arguments):
            return "X.call(" + ([SwiftSyntax.stringLiteral(name)] + arguments.map { value($0) }).joined(separator: ", ") + ")"
        case .interpolation(let segments):
            return ".string(\(interpolated(segments, textFunction: "X.text")))"
        }
    }

    /// ``value(_:)`` spelled so it type-checks without context (`guard let x = ...`).
    mutating func standaloneValue(_ expression: PlanExpression) -> String {
        let text = value(expression)
        if text.hasPrefix(".some(") { return "JSONValue?" + text }
        if text.hasPrefix(".") { return "JSONValue?.some(\(text))" }
        return text
    }

    /// A Swift `String` expression for interpolated text; `textFunction` spells values
    /// (`X.text`, or `X.urlText` for URLs).
    mutating func interpolated(_ segments: [PlanSegment], textFunction: String) -> String {
        var literal = "\""
        for segment in segments {
            switch segment {
            case .text(let text): literal += SwiftSyntax.escaped(text)
            case .expression(let inner): literal += "\\(\(textFunction)(\(value(inner))))"
            }
        }
        return literal + "\""
    }

    /// A Swift `Bool` expression: whether the expression evaluates to `true`.
    /// `atomic` says whether it can stand as an operand without parentheses.
    mutating func condition(_ expression: PlanExpression) -> (text: String, atomic: Bool) {
        switch expression {
        case .literal(.bool(let flag)):
            return (flag ? "true" : "false", true)
        case .binary(.or, let lhs, let rhs):
            return ("\(operand(lhs, within: .or)) || \(operand(rhs, within: .or))", false)
        case .binary(.and, let lhs, let rhs):
            return ("\(operand(lhs, within: .and)) && \(operand(rhs, within: .and))", false)
        case .binary(.equal, let lhs, let rhs):
            return equality(lhs, rhs)
        case .binary(.notEqual, let lhs, let rhs):
            let (text, atomic) = equality(lhs, rhs)
            return (atomic ? "!" + text : "!(\(text))", true)
        case .binary(let op, let lhs, let rhs) where [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op):
            return ("X.compare(.\(Self.caseName(op)), \(value(lhs)), \(value(rhs)))", true)
        case .membership(let negated, let lhs, .list(let items)) where !items.isEmpty && items.allSatisfy(Self.isStringLiteral):
            let members = items.compactMap { item -> String? in
                if case .literal(.string(let text)) = item { return text }
                return nil
            }
            let name = setName(for: Array(Set(members)).sorted())
            let test = "X.isOneOf(\(value(lhs)), Self.\(name))"
            return (negated ? "!" + test : test, true)
        case .membership(let negated, let lhs, let rhs):
            let test = "X.isMember(\(value(lhs)), of: \(value(rhs)))"
            return (negated ? "!" + test : test, true)
        case .not(let operand):
            return ("\(value(operand)) == .bool(false)", false)
        default:
            return ("X.holds(\(value(expression)))", true)
        }
    }

    private mutating func operand(_ expression: PlanExpression, within op: PlanBinaryOperator) -> String {
        let (text, atomic) = condition(expression)
        if atomic { return text }
        // `a && b || c` reads ambiguously: parenthesise everything but same-operator chains.
        if case .binary(let inner, _, _) = expression, inner == op { return text }
        return "(\(text))"
    }

    /// `lhs == rhs` as Swift: literals compare directly (numbers by value through `X.equal`).
    private mutating func equality(_ lhs: PlanExpression, _ rhs: PlanExpression) -> (text: String, atomic: Bool) {
        switch (lhs, rhs) {
        case (_, .literal(.null)): return ("X.isNull(\(value(lhs)))", true)
        case (.literal(.null), _): return ("X.isNull(\(value(rhs)))", true)
        case (_, .literal(.string)), (_, .literal(.bool)): return ("\(value(lhs)) == \(value(rhs))", false)
        case (.literal(.string), _), (.literal(.bool), _): return ("\(value(rhs)) == \(value(lhs))", false)
        default: return ("X.equal(\(value(lhs)), \(value(rhs)))", true)
        }
    }

    private mutating func setName(for members: [String]) -> String {
        if let existing = sets.first(where: { $0.members == members }) { return existing.name }
        let name = "strings\(sets.count + 1)"
        sets.append((name, members))
        return name
    }

    static func literal(_ literal: PlanLiteral) -> String {
        switch literal {
        case .string(let text): ".string(\(SwiftSyntax.stringLiteral(text)))"
        case .int(let number): ".int(\(SwiftSyntax.integer(number)))"
        case .float(let number): ".double(\(SwiftSyntax.double(number)))"
        case .bool(let flag): ".bool(\(flag))"
        case .null: ".null"
        case .durationMicroseconds(let micros): ".int(\(SwiftSyntax.integer(micros)))"
        }
    }

    static func eventPath(_ path: [String]) -> String {
        guard let first = path.first else { return ".some(event)" }
        return below("X.field(event, \(SwiftSyntax.stringLiteral(first)))", path.dropFirst())
    }

    private static func below(_ base: String, _ rest: ArraySlice<String>) -> String {
        guard !rest.isEmpty else { return base }
        return "X.path(\(base), " + rest.map(SwiftSyntax.stringLiteral).joined(separator: ", ") + ")"
    }

    private static func isStringLiteral(_ expression: PlanExpression) -> Bool {
        if case .literal(.string) = expression { return true }
        return false
    }

    static func isArithmetic(_ op: PlanBinaryOperator) -> Bool {
        [.add, .subtract, .multiply, .divide, .remainder].contains(op)
    }

    static func caseName(_ op: PlanBinaryOperator) -> String {
        switch op {
        case .coalesce: "coalesce"
        case .or: "or"
        case .and: "and"
        case .equal: "equal"
        case .notEqual: "notEqual"
        case .less: "less"
        case .lessOrEqual: "lessOrEqual"
        case .greater: "greater"
        case .greaterOrEqual: "greaterOrEqual"
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        case .divide: "divide"
        case .remainder: "remainder"
        }
    }
}
