import PipelineSyntax

/// Converts checked surface expressions into plan expressions, classifying every path.
enum ExpressionLowering {
    /// The plan form of `expression`; paths are classified by their root.
    static func lower(_ expression: Expression) -> PlanExpression {
        switch expression.kind {
        case .literal(let literal): .literal(lower(literal))
        case .path(let path): lower(path)
        case .list(let items): .list(items.map(lower))
        case .unary(.not, let operand): .not(lower(operand))
        case .unary(.negate, let operand): .negate(lower(operand))
        case .binary(let op, let lhs, let rhs): .binary(lower(op), lower(lhs), lower(rhs))
        case .membership(let negated, let lhs, let rhs): .membership(negated: negated, lower(lhs), lower(rhs))
        case .call(let name, let arguments): .call(name.text, arguments.map(lower))
        case .interpolation(let segments):
            .interpolation(
                segments.map { segment in
                    switch segment {
                    case .text(let text): .text(text)
                    case .expression(let inner): .expression(lower(inner))
                    }
                })
        }
    }

    /// A constant as the plan stores it; durations become microseconds.
    static func lower(_ literal: Literal) -> PlanLiteral {
        switch literal {
        case .string(let text): .string(text)
        case .int(let value): .int(value)
        case .float(let value): .float(value)
        case .bool(let value): .bool(value)
        case .null: .null
        case .duration(let duration): .durationMicroseconds(duration.microseconds)
        }
    }

    private static func lower(_ path: Path) -> PlanExpression {
        let fields = path.fields.map(\.text)
        switch path.root.text {
        case "event": return .event(fields)
        // The checker allows exactly one field below `env` (E022/E023 otherwise).
        case "env": return .env(fields.first ?? "")
        case "input": return .input(fields)
        default: return .agent(path.root.text, fields)
        }
    }

    private static func lower(_ op: BinaryOperator) -> PlanBinaryOperator {
        // Both enums spell operators as the language does.
        guard let lowered = PlanBinaryOperator(rawValue: op.rawValue) else {
            preconditionFailure("operator \(op.rawValue) has no plan form")
        }
        return lowered
    }
}
