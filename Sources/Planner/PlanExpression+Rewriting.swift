/// Bottom-up rewriting of expression trees.
extension PlanExpression {
    /// This expression with `transform` applied to every node, children before parents.
    public func rewritten(_ transform: (PlanExpression) -> PlanExpression) -> PlanExpression {
        let rebuilt: PlanExpression =
            switch self {
            case .literal, .event, .env, .input, .agent: self
            case .list(let items): .list(items.map { $0.rewritten(transform) })
            case .not(let operand): .not(operand.rewritten(transform))
            case .negate(let operand): .negate(operand.rewritten(transform))
            case .binary(let op, let lhs, let rhs): .binary(op, lhs.rewritten(transform), rhs.rewritten(transform))
            case .membership(let negated, let lhs, let rhs):
                .membership(negated: negated, lhs.rewritten(transform), rhs.rewritten(transform))
            case .call(let name, let arguments): .call(name, arguments.map { $0.rewritten(transform) })
            case .interpolation(let segments):
                .interpolation(
                    segments.map { segment in
                        switch segment {
                        case .text: segment
                        case .expression(let inner): .expression(inner.rewritten(transform))
                        }
                    })
            }
        return transform(rebuilt)
    }

    /// The literal this expression is, if it is one.
    public var literalValue: PlanLiteral? {
        if case .literal(let literal) = self { return literal }
        return nil
    }
}
